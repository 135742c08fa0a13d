// The bytes of the organisation's audio (organisation sync). An audio asset's metadata travels
// as a sync operation (sync/codecs/audio.ts) naming its two WAVs by SHA-256; the bytes are
// stored once in the relay's media store. The desktop that made an asset uploads them there
// (queued: an offline desktop records and plays its audio locally, and the upload waits and
// is retried with backoff); another desktop fetches them on first use — playing a preview,
// or placing the calls of a voice step — checks them against the hashes and stores them. Bytes
// that do not match are refused and not stored: the relay is trusted to route, not to hold
// the truth about what a recording says.
import { refusal } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, notFound } from '../errors';
import type { RelayApi } from '../relay-client';
import { defaultBackoff, reconnectDelay } from '../relay-client/backoff';
import {
  audioAssetRow,
  audioBlob,
  audioHashes,
  audioToUpload,
  hasAudioBytes,
  markAudioUploaded,
  sha256Hex,
  storeFetchedAudio,
  type AudioAssetRow,
} from '../store/audio';

const UPLOAD_BATCH = 10;

/** How an asset is named in a refusal: its label, the start of its text, or its id. */
const nameOf = (row: AudioAssetRow): string => row.label ?? (row.text ? row.text.slice(0, 60) : row.id);

export class AudioMedia {
  private readonly fetching = new Map<string, Promise<void>>();
  private uploading = false;
  private again = false;
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    /** The relay's API while this desktop is enrolled with one and shares the organisation's data. */
    private readonly api: () => RelayApi | null,
  ) {
    ctx.store.afterCommit((changes) => {
      if (changes.touches('audio_assets')) this.upload();
    });
  }

  /**
   * Makes an asset's bytes local: fetched from the relay's media store by their hashes and
   * checked against them. Concurrent calls for one asset share one fetch.
   */
  ensureLocal(id: string): Promise<void> {
    const row = audioAssetRow(this.ctx.store.read, id);
    if (!row) return Promise.reject(notFound('Audio', id));
    if (hasAudioBytes(this.ctx.store.read, id)) return Promise.resolve();
    let p = this.fetching.get(id);
    if (!p) {
      p = this.fetch(row).finally(() => this.fetching.delete(id));
      this.fetching.set(id, p);
    }
    return p;
  }

  private async fetch(row: AudioAssetRow): Promise<void> {
    const log = this.ctx.logger.child({ module: 'audio-media' });
    const name = nameOf(row);
    const unavailable = (message: string): DomainError =>
      new DomainError(
        'UNAVAILABLE',
        `Audio "${name}" is not on this desktop and could not be fetched from the relay: ${message}`,
        undefined,
        refusal('audio.unavailable', { name, message }),
      );
    const api = this.api();
    if (!api) throw unavailable('this desktop is not connected to an organisation');
    const hashes = audioHashes(this.ctx.store.read, row);
    if (!hashes) throw unavailable('its hashes are unknown');
    const [preview, telephony] = await Promise.all([api.fetchMedia(hashes.preview), api.fetchMedia(hashes.telephony)]);
    for (const r of [preview, telephony]) if (!r.ok) throw unavailable(r.error.message);
    const bytes = { previewWav: (preview as { value: Uint8Array }).value, telephonyWav: (telephony as { value: Uint8Array }).value };
    if (sha256Hex(bytes.previewWav) !== hashes.preview || sha256Hex(bytes.telephonyWav) !== hashes.telephony) {
      log.error({ audioId: row.id }, "the relay's audio bytes do not match the asset's SHA-256; refused, not stored");
      throw new DomainError(
        'PRECONDITION',
        `The audio "${name}" the relay returned does not match its SHA-256; it was refused and not stored`,
        undefined,
        refusal('audio.corrupt', { name }),
      );
    }
    this.ctx.store.transaction((tx) => storeFetchedAudio(tx, row.id, bytes, api.url), { origin: 'sync' });
    log.info({ audioId: row.id }, "fetched another desktop's audio from the relay");
  }

  /** Uploads what waits (after a commit that stored audio, on connecting to the relay); backs off while the relay cannot take it. */
  upload(): void {
    if (this.uploading) {
      this.again = true;
      return;
    }
    if (this.retry || this.closed) return;
    void this.uploadAll();
  }

  /** The relay is reachable again: what waits goes now rather than when the backoff would have tried. */
  connected(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.failures = 0;
    this.upload();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private async uploadAll(): Promise<void> {
    this.uploading = true;
    try {
      for (;;) {
        this.again = false;
        const api = this.api();
        if (!api || this.closed) return;
        const batch = audioToUpload(this.ctx.store.read, api.url, UPLOAD_BATCH);
        if (batch.length === 0) {
          if (this.again) continue;
          return;
        }
        for (const { id } of batch) {
          const problem = await this.uploadOne(api, id);
          if (problem !== null) {
            this.ctx.logger.child({ module: 'audio-media' }).warn({ audioId: id, problem }, 'audio upload to the relay failed; retrying');
            this.failures++;
            this.retry = setTimeout(
              () => {
                this.retry = null;
                this.upload();
              },
              reconnectDelay(this.failures, defaultBackoff),
            );
            this.retry.unref?.();
            return;
          }
        }
        this.failures = 0;
      }
    } finally {
      this.uploading = false;
    }
  }

  /** Puts both WAVs of an asset in the relay's media store (each only when not there yet); null when done, else why not. */
  private async uploadOne(api: RelayApi, id: string): Promise<string | null> {
    const read = this.ctx.store.read;
    const row = audioAssetRow(read, id);
    const blob = audioBlob(read, id);
    const hashes = row ? audioHashes(read, row) : null;
    if (!row || !blob || !hashes) return null;
    for (const [bytes, sha] of [
      [blob.previewWav, hashes.preview],
      [blob.telephonyWav, hashes.telephony],
    ] as const) {
      const has = await api.hasMedia(sha);
      if (!has.ok) return has.error.message;
      if (has.value) continue;
      const up = await api.uploadMedia(bytes, 'audio/wav');
      if (!up.ok) return up.error.message;
      if (up.value.sha256 !== sha) return `the relay stored other bytes (${up.value.sha256})`;
    }
    this.ctx.store.transaction((tx) => markAudioUploaded(tx, id, api.url), { origin: 'sync' });
    return null;
  }
}
