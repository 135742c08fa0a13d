// Audio assets (synthesised and recorded voice messages) and their bytes: every query of
// audio_assets and audio_blobs, the one row type and its converter to the contract's
// AudioAsset. The bytes are written in the same transaction as the asset's row.
import { desc, eq } from 'drizzle-orm';
import type { AudioAsset } from '@gdial/protocol';
import type { Reader, Tx } from './db';
import { audioAssets, audioBlobs } from './schema';

export type AudioAssetRow = typeof audioAssets.$inferSelect;
export type NewAudioAsset = Omit<typeof audioAssets.$inferInsert, 'createdAt'>;

export function toAudioAsset(row: AudioAssetRow): AudioAsset {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    voiceId: row.voiceId,
    voiceEngine: row.voiceEngine,
    text: row.text,
    sampleRate: row.sampleRate,
    durationMs: row.durationMs,
    previewBytes: row.previewBytes,
    telephonyBytes: row.telephonyBytes,
    trimmedStartMs: row.trimmedStartMs,
    trimmedEndMs: row.trimmedEndMs,
    gainDb: row.gainDb,
    createdAt: row.createdAt,
  };
}

export function getAudioAsset(r: Reader, id: string): AudioAssetRow | undefined {
  return r.db.select().from(audioAssets).where(eq(audioAssets.id, id)).get();
}

/** The synthesised asset with this cache key, if its bytes are stored too. */
export function cachedAudioAsset(r: Reader, cacheKey: string): AudioAssetRow | undefined {
  const row = r.db.select().from(audioAssets).where(eq(audioAssets.cacheKey, cacheKey)).get();
  if (!row) return undefined;
  const blob = r.db.select({ id: audioBlobs.assetId }).from(audioBlobs).where(eq(audioBlobs.assetId, row.id)).get();
  return blob ? row : undefined;
}

export function listAudioAssets(r: Reader, kind: 'tts' | 'recording' | undefined, limit: number): AudioAssetRow[] {
  return r.db
    .select()
    .from(audioAssets)
    .where(kind ? eq(audioAssets.kind, kind) : undefined)
    .orderBy(desc(audioAssets.createdAt))
    .limit(limit)
    .all();
}

export function audioBytes(r: Reader, id: string): { durationMs: number; preview: Buffer; telephony: Buffer } | undefined {
  return r.db
    .select({ durationMs: audioAssets.durationMs, preview: audioBlobs.previewWav, telephony: audioBlobs.telephonyWav })
    .from(audioAssets)
    .innerJoin(audioBlobs, eq(audioBlobs.assetId, audioAssets.id))
    .where(eq(audioAssets.id, id))
    .get();
}

/**
 * Stores an asset and its bytes. A synthesised asset whose cache key another request stored
 * meanwhile is not stored twice: the first one is returned.
 */
export function insertAudioAsset(tx: Tx, asset: NewAudioAsset, bytes: { previewWav: Uint8Array; telephonyWav: Uint8Array }): AudioAssetRow {
  if (asset.cacheKey) {
    const existing = tx.db.select().from(audioAssets).where(eq(audioAssets.cacheKey, asset.cacheKey)).get();
    if (existing) return existing;
  }
  const row = tx.db.insert(audioAssets).values(asset).returning().get();
  tx.db
    .insert(audioBlobs)
    .values({ assetId: row.id, previewWav: Buffer.from(bytes.previewWav), telephonyWav: Buffer.from(bytes.telephonyWav) })
    .run();
  tx.changes.record('audio_assets', [row.id], 'insert');
  return row;
}
