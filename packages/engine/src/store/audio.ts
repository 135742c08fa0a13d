// Audio assets (synthesised and recorded voice messages) and their bytes: every query of
// audio_assets and audio_blobs, the one row type and its converter to the contract's
// AudioAsset. The bytes are written in the same transaction as the asset's row; an asset
// another desktop of the organisation made arrives without them (organisation sync) and
// gets them from the relay's media store on first use (sync/media.ts).
import { createHash } from 'node:crypto';
import { desc, eq, getTableColumns, isNull, ne, or, sql } from 'drizzle-orm';
import type { AudioAsset } from '@gdial/protocol';
import type { Reader, Tx } from './db';
import { audioAssets, audioBlobs, deliveries, templateContents } from './schema';

export type AudioAssetRow = typeof audioAssets.$inferSelect;
export type NewAudioAsset = Omit<typeof audioAssets.$inferInsert, 'createdAt'>;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Whether this desktop holds the asset's bytes (false: another desktop's, fetched on first use). */
const localColumn = sql<number>`EXISTS (SELECT 1 FROM audio_blobs b WHERE b.asset_id = ${audioAssets.id})`.mapWith(Boolean);

export function toAudioAsset(row: AudioAssetRow & { local: boolean }): AudioAsset {
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
    local: row.local,
  };
}

export function getAudioAsset(r: Reader, id: string): (AudioAssetRow & { local: boolean }) | undefined {
  return r.db
    .select({ ...getTableColumns(audioAssets), local: localColumn })
    .from(audioAssets)
    .where(eq(audioAssets.id, id))
    .get();
}

/** The synthesised asset with this cache key, if its bytes are stored too. */
export function cachedAudioAsset(r: Reader, cacheKey: string): AudioAssetRow | undefined {
  const row = r.db.select().from(audioAssets).where(eq(audioAssets.cacheKey, cacheKey)).get();
  if (!row) return undefined;
  const blob = r.db.select({ id: audioBlobs.assetId }).from(audioBlobs).where(eq(audioBlobs.assetId, row.id)).get();
  return blob ? row : undefined;
}

export function listAudioAssets(r: Reader, kind: 'tts' | 'recording' | undefined, limit: number): (AudioAssetRow & { local: boolean })[] {
  return r.db
    .select({ ...getTableColumns(audioAssets), local: localColumn })
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
  const row = tx.db
    .insert(audioAssets)
    .values({ ...asset, previewSha256: sha256Hex(bytes.previewWav), telephonySha256: sha256Hex(bytes.telephonyWav) })
    .returning()
    .get();
  tx.db
    .insert(audioBlobs)
    .values({ assetId: row.id, previewWav: Buffer.from(bytes.previewWav), telephonyWav: Buffer.from(bytes.telephonyWav) })
    .run();
  tx.changes.record('audio_assets', [row.id], 'insert');
  return row;
}

// ── organisation sync ───────────────────────────────────────────────────────────────────

/** Every asset's id (to seed a desktop's first push). */
export function allAudioIds(r: Reader): string[] {
  return r.db
    .select({ id: audioAssets.id })
    .from(audioAssets)
    .all()
    .map((a) => a.id);
}

/** The row only (no bytes): what the asset codec shares. */
export function audioAssetRow(r: Reader, id: string): AudioAssetRow | undefined {
  return r.db.select().from(audioAssets).where(eq(audioAssets.id, id)).get();
}

/** The SHA-256 of both WAVs; taken from the bytes for an asset stored before its hashes were. Null when neither is known. */
export function audioHashes(r: Reader, row: AudioAssetRow): { preview: string; telephony: string } | null {
  if (row.previewSha256 && row.telephonySha256) return { preview: row.previewSha256, telephony: row.telephonySha256 };
  const blob = r.db.select().from(audioBlobs).where(eq(audioBlobs.assetId, row.id)).get();
  return blob ? { preview: sha256Hex(blob.previewWav), telephony: sha256Hex(blob.telephonyWav) } : null;
}

/** An asset another desktop made, as the organisation shares it: stored or updated here without its bytes. */
export function putSharedAudioAsset(tx: Tx, asset: Omit<typeof audioAssets.$inferInsert, 'cacheKey'>): void {
  const { id, ...values } = asset;
  const existed = tx.db.select({ id: audioAssets.id }).from(audioAssets).where(eq(audioAssets.id, id)).get() !== undefined;
  if (existed) tx.db.update(audioAssets).set(values).where(eq(audioAssets.id, id)).run();
  else tx.db.insert(audioAssets).values(asset).run();
  tx.changes.record('audio_assets', [id], existed ? 'update' : 'insert');
}

/**
 * Stores bytes fetched from the relay's media store (already checked against the asset's
 * hashes); they came from the relay, so they need no upload.
 */
export function storeFetchedAudio(tx: Tx, id: string, bytes: { previewWav: Uint8Array; telephonyWav: Uint8Array }, relay: string): void {
  tx.db
    .insert(audioBlobs)
    .values({ assetId: id, previewWav: Buffer.from(bytes.previewWav), telephonyWav: Buffer.from(bytes.telephonyWav), uploadedTo: relay })
    .onConflictDoNothing()
    .run();
}

/** Whether an alert or a template here still names the asset (a delete from elsewhere then leaves it). */
export function audioInUse(r: Reader, id: string): boolean {
  const inTemplate = r.db.select({ id: templateContents.templateId }).from(templateContents).where(eq(templateContents.audioId, id)).get();
  if (inTemplate) return true;
  return r.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.audioId, id)).limit(1).get() !== undefined;
}

export function deleteAudioAsset(tx: Tx, id: string): void {
  if (tx.db.delete(audioAssets).where(eq(audioAssets.id, id)).run().changes > 0) tx.changes.record('audio_assets', [id], 'delete');
}

/** Assets whose bytes this desktop holds and has not yet put in `relay`'s media store, oldest first. */
export function audioToUpload(r: Reader, relay: string, limit: number): { id: string }[] {
  return r.db
    .select({ id: audioBlobs.assetId })
    .from(audioBlobs)
    .innerJoin(audioAssets, eq(audioAssets.id, audioBlobs.assetId))
    .where(or(isNull(audioBlobs.uploadedTo), ne(audioBlobs.uploadedTo, relay)))
    .orderBy(audioAssets.createdAt)
    .limit(limit)
    .all();
}

/** Whether this desktop holds an asset's bytes (without reading them). */
export function hasAudioBytes(r: Reader, id: string): boolean {
  return r.db.select({ id: audioBlobs.assetId }).from(audioBlobs).where(eq(audioBlobs.assetId, id)).get() !== undefined;
}

/** The bytes of an asset whose bytes are here, to upload them. */
export function audioBlob(r: Reader, id: string): { previewWav: Buffer; telephonyWav: Buffer } | undefined {
  return r.db
    .select({ previewWav: audioBlobs.previewWav, telephonyWav: audioBlobs.telephonyWav })
    .from(audioBlobs)
    .where(eq(audioBlobs.assetId, id))
    .get();
}

export function markAudioUploaded(tx: Tx, id: string, relay: string): void {
  tx.db.update(audioBlobs).set({ uploadedTo: relay }).where(eq(audioBlobs.assetId, id)).run();
}
