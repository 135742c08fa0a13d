// Audio assets: synthesised voice messages and recorded ones, in one table so either can
// be used wherever a voice message goes. The audio itself sits in a separate table of
// blobs, written in the same transaction as its row: a recording is the operator's own
// work and cannot be regenerated, so it lives in the database (and its backups) rather
// than as loose files that could go missing, and listing assets never reads audio.
// Shared across the organisation, an asset's row arrives on other desktops without its
// blobs: they are fetched from the relay's media store, by their SHA-256, on first use.
import { sql } from 'drizzle-orm';
import { blob, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const audioAssets = sqliteTable(
  'audio_assets',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['tts', 'recording'] }).notNull(),
    label: text('label'),
    voiceId: text('voice_id'),
    voiceEngine: text('voice_engine', { enum: ['piper', 'espeak'] }),
    /** What the operator typed; null for recordings. */
    text: text('text'),
    /** sha256 of (pipeline version, voice, voice files, normalised text, settings): the TTS cache key. */
    cacheKey: text('cache_key').unique(),
    /** Resolved synthesis settings (rate, variation, pause, speaker), for the record. */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>(),
    sampleRate: integer('sample_rate').notNull(),
    durationMs: integer('duration_ms').notNull(),
    previewBytes: integer('preview_bytes').notNull(),
    telephonyBytes: integer('telephony_bytes').notNull(),
    trimmedStartMs: integer('trimmed_start_ms'),
    trimmedEndMs: integer('trimmed_end_ms'),
    gainDb: real('gain_db'),
    /**
     * SHA-256 (hex) of the preview and telephony WAVs: how the organisation's desktops name the
     * bytes in the relay's media store (organisation sync). Null on assets stored before sync
     * carried audio; their hashes are then taken from the bytes.
     */
    previewSha256: text('preview_sha256'),
    telephonySha256: text('telephony_sha256'),
    createdAt: text('created_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (t) => [index('audio_assets_kind_created').on(t.kind, t.createdAt)],
);

export const audioBlobs = sqliteTable('audio_blobs', {
  assetId: text('asset_id')
    .primaryKey()
    .references(() => audioAssets.id, { onDelete: 'cascade' }),
  /** 16-bit PCM mono WAV at the voice's or recording's rate, for listening in the app. */
  previewWav: blob('preview_wav', { mode: 'buffer' }).notNull(),
  /** 8 kHz mono μ-law WAV, what a phone call plays. */
  telephonyWav: blob('telephony_wav', { mode: 'buffer' }).notNull(),
  /** The relay (its URL) whose media store holds both WAVs, once uploaded; null while the upload waits. */
  uploadedTo: text('uploaded_to'),
});
