// Audio assets (recorded and synthesised voice messages) as shared entities. What travels is
// the metadata, whole in one field (an asset never changes once made), with the SHA-256 of
// its two WAVs; the bytes go once to the relay's media store, content-addressed by those
// hashes, and another desktop fetches them from there on first use (sync/media.ts). The id
// is already a UUID, so it is its own uid. The TTS cache key stays on the desktop that
// rendered the audio: it names that desktop's voice files, and a desktop that renders the
// same text with its own voice renders it itself rather than wait for another's bytes.
import type { Json } from '@gdial/protocol';
import type { Tx } from '../../store/db';
import { allAudioIds, audioAssetRow, audioHashes, audioInUse, deleteAudioAsset, putSharedAudioAsset } from '../../store/audio';
import type { EntityCodec } from '../codec';

/** An audio asset as the organisation shares it. */
export interface SharedAudio {
  kind: 'tts' | 'recording';
  label: string | null;
  voiceId: string | null;
  voiceEngine: 'piper' | 'espeak' | null;
  text: string | null;
  settings: Record<string, unknown> | null;
  sampleRate: number;
  durationMs: number;
  previewBytes: number;
  telephonyBytes: number;
  trimmedStartMs: number | null;
  trimmedEndMs: number | null;
  gainDb: number | null;
  createdAt: string;
  previewSha256: string;
  telephonySha256: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** A shared asset's fields, checked: null when they are not an asset this desktop can store. */
export function parseSharedAudio(v: Json | undefined): SharedAudio | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const a = v as unknown as SharedAudio;
  if (a.kind !== 'tts' && a.kind !== 'recording') return null;
  if (typeof a.previewSha256 !== 'string' || !SHA256.test(a.previewSha256)) return null;
  if (typeof a.telephonySha256 !== 'string' || !SHA256.test(a.telephonySha256)) return null;
  for (const n of [a.sampleRate, a.durationMs, a.previewBytes, a.telephonyBytes])
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return null;
  if (typeof a.createdAt !== 'string') return null;
  return a;
}

export const audioCodec: EntityCodec = {
  entity: 'audio',
  tables: ['audio_assets'],
  tombstones: true,
  touched(_tx, changes) {
    return new Set(changes.map((c) => String(c.key[0])));
  },
  read(r, id) {
    const row = audioAssetRow(r, id);
    const hashes = row ? audioHashes(r, row) : null;
    if (!row || !hashes) return undefined;
    const shared: SharedAudio = {
      kind: row.kind,
      label: row.label,
      voiceId: row.voiceId,
      voiceEngine: row.voiceEngine,
      text: row.text,
      settings: row.settings,
      sampleRate: row.sampleRate,
      durationMs: row.durationMs,
      previewBytes: row.previewBytes,
      telephonyBytes: row.telephonyBytes,
      trimmedStartMs: row.trimmedStartMs,
      trimmedEndMs: row.trimmedEndMs,
      gainDb: row.gainDb,
      createdAt: row.createdAt,
      previewSha256: hashes.preview,
      telephonySha256: hashes.telephony,
    };
    return { audio: shared as unknown as Json };
  },
  write(tx: Tx, state) {
    if (state.deleted !== undefined) {
      // An asset an alert or a template here still plays stays (as a template in use does).
      if (!audioInUse(tx, state.id)) deleteAudioAsset(tx, state.id);
      return;
    }
    const a = parseSharedAudio(state.fields.audio?.v);
    if (!a) return;
    putSharedAudioAsset(tx, { id: state.id, ...a });
  },
  all(tx) {
    return allAudioIds(tx);
  },
};
