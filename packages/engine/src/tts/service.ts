// The engine's speech service: turns a typed message into a voice message, accepts
// recorded ones, and hands out their audio, as a preview WAV for the operator and as the
// 8 kHz μ-law WAV phone calls play. Synthesised audio is cached by a hash of everything
// that shapes it (voice files, normalised text, settings), so the same alert is rendered
// once. Construct with `new TtsService({ dataDir, resourcesDir, store, logger, events })`;
// the campaign engine asks `telephonyAudio(audioId)` for the bytes to upload.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AudioAsset, EventPayload, SynthesisResult, SynthesisSettings, VoiceFile, VoiceInfo } from '@gdial/protocol';
import type { EventEmitter } from '../context';
import { DomainError } from '../errors';
import type { Logger } from '../log';
import { MAX_MESSAGE_SECONDS, durationMs, normaliseLoudness, toTelephonyWav, trimSilence } from '../audio/process';
import { resample } from '../audio/resample';
import { decodeWav, encodeWavPcm16, floatToInt16, int16ToFloat, type MonoAudio } from '../audio/wav';
import {
  audioBytes,
  cachedAudioAsset,
  getAudioAsset,
  insertAudioAsset,
  listAudioAssets,
  toAudioAsset,
  type AudioAssetRow,
} from '../store/audio';
import { recordAudit } from '../store/audit';
import type { Store } from '../store/db';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';
import { sharedEspeak } from './espeak';
import { normaliseSwedish } from './normalise/swedish';
import { ESPEAK_VOICE_ID, VoiceError, VoiceRegistry, espeakInfo, type InstallStage } from './registry';
import { speakWithEspeak, speakWithPiper, type SpokenAudio } from './synthesise';

/** Bump when a change to normalisation or synthesis makes cached audio stale. */
export const TTS_PIPELINE_VERSION = 2;

/** Preview audio above this rate is resampled: speech gains nothing from more. */
const PREVIEW_MAX_RATE = 24000;
/** Recordings longer than this are refused before any processing. */
const MAX_RAW_RECORDING_SECONDS = 15 * 60;

export const defaultVoiceSetting: SettingDef<string | null> = { key: 'tts.defaultVoice', schema: z.string().nullable(), fallback: null };

export const DEFAULT_SETTINGS: SynthesisSettings = { rate: 1, variation: 1, sentencePauseMs: 200 };

export interface TtsServiceOptions {
  dataDir: string;
  resourcesDir: string | null;
  store: Store;
  logger: Logger;
  events?: EventEmitter;
  /** Who is operating, for the audit entries of voice and recording changes. */
  actor?: () => string;
}

export interface SynthesiseRequest {
  text: string;
  voiceId?: string;
  settings?: Partial<SynthesisSettings>;
  requestId?: string;
}

export type RecordingInput =
  { format: 'wav'; data: Uint8Array } | { format: 'pcm-f32le' | 'pcm-s16le'; sampleRate: number; data: Uint8Array };

export interface RecordingResult {
  audioId: string;
  durationMs: number;
  trimmedStartMs: number;
  trimmedEndMs: number;
  gainDb: number;
}

export interface AudioBytes {
  audioId: string;
  contentType: 'audio/wav';
  bytes: Uint8Array;
  durationMs: number;
}

type AssetRow = AudioAssetRow;

export class TtsService {
  readonly voices: VoiceRegistry;
  private readonly log: Logger;
  private readonly inflight = new Map<string, Promise<SynthesisResult>>();
  private ready: Promise<void>;

  constructor(private readonly opts: TtsServiceOptions) {
    this.log = opts.logger.child({ module: 'tts' });
    this.voices = new VoiceRegistry(
      opts.resourcesDir ? path.join(opts.resourcesDir, 'voices') : null,
      path.join(opts.dataDir, 'voices'),
      opts.logger,
      async (voice) => (await sharedEspeak()).hasVoice(voice),
    );
    this.ready = this.voices.scan();
  }

  /**
   * Loads espeak and runs it once, so the first real message does not pay for loading and
   * JIT warm-up (about a second on a busy machine). Hosts call it after start-up.
   */
  async warmUp(): Promise<void> {
    await this.ready;
    const espeak = await sharedEspeak();
    espeak.clausePhonemes('Hej.', 'sv');
    await speakWithEspeak(espeak, 'Hej.', DEFAULT_SETTINGS);
  }

  // ---- voices ------------------------------------------------------------------------

  async listVoices(): Promise<{ voices: VoiceInfo[]; defaultVoiceId: string }> {
    await this.ready;
    return { voices: this.voices.list(), defaultVoiceId: this.defaultVoiceId() };
  }

  defaultVoiceId(): string {
    const chosen = readSetting(this.opts.store.read, defaultVoiceSetting);
    if (chosen && (chosen === ESPEAK_VOICE_ID || this.voices.entry(chosen))) return chosen;
    return this.voices.automaticDefault();
  }

  async setDefaultVoice(voiceId: string): Promise<string> {
    await this.ready;
    const entry = this.voices.entry(voiceId);
    if (voiceId !== ESPEAK_VOICE_ID && !entry) throw new DomainError('NOT_FOUND', `Voice ${voiceId} is not installed`);
    if (entry?.problem) throw new DomainError('PRECONDITION', `Voice ${voiceId} cannot be the default: ${entry.problem}`);
    this.opts.store.transaction((tx) => {
      writeSetting(tx, defaultVoiceSetting, voiceId);
      recordAudit(tx, this.actor(), {
        action: 'voice.default',
        subjectType: 'voice',
        subjectId: voiceId,
        summary: `Default voice set to ${voiceId}`,
        params: { name: voiceId },
      });
    });
    return voiceId;
  }

  async installVoice(modelPath: string, configPath?: string, requestId?: string): Promise<VoiceInfo> {
    await this.ready;
    const stages: InstallStage[] = ['reading-config', 'loading-model', 'copying', 'done'];
    let voice: VoiceInfo;
    try {
      voice = await this.voices.install(modelPath, configPath, (stage) =>
        this.emit('tts.progress', {
          operation: 'install',
          requestId: requestId ?? null,
          stage,
          done: stages.indexOf(stage) + 1,
          total: stages.length,
        }),
      );
    } catch (err) {
      throw toDomainError(err);
    }
    this.opts.store.transaction((tx) =>
      recordAudit(tx, this.actor(), {
        action: 'voice.install',
        subjectType: 'voice',
        subjectId: voice.id,
        summary: `Installed voice ${voice.name}`,
        params: { name: voice.name },
      }),
    );
    return voice;
  }

  /**
   * Installs a voice from the bytes of its two files (chosen or dropped in a browser):
   * written under their own names to a folder of their own, installed from there with
   * every check of installVoice, and the folder removed again whatever the outcome.
   */
  async installVoiceFiles(model: VoiceFile, config: VoiceFile, requestId?: string): Promise<VoiceInfo> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gdial-voice-'));
    try {
      // Only the name: a file name from a browser is not a path on this computer.
      const modelPath = path.join(dir, path.basename(model.fileName.replaceAll('\\', '/')));
      const configPath = path.join(dir, `config-${path.basename(config.fileName.replaceAll('\\', '/'))}`);
      await writeFile(modelPath, Buffer.from(model.dataBase64, 'base64'));
      await writeFile(configPath, Buffer.from(config.dataBase64, 'base64'));
      return await this.installVoice(modelPath, configPath, requestId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async removeVoice(voiceId: string): Promise<string> {
    await this.ready;
    try {
      await this.voices.remove(voiceId);
    } catch (err) {
      throw toDomainError(err);
    }
    this.opts.store.transaction((tx) => {
      if (readSetting(tx, defaultVoiceSetting) === voiceId) writeSetting(tx, defaultVoiceSetting, null);
      recordAudit(tx, this.actor(), {
        action: 'voice.remove',
        subjectType: 'voice',
        subjectId: voiceId,
        summary: `Removed voice ${voiceId}`,
        params: { name: voiceId },
      });
    });
    return this.defaultVoiceId();
  }

  // ---- synthesis -----------------------------------------------------------------------

  /** How the voice will read the text. */
  normalise(text: string): string {
    return normaliseSwedish(text);
  }

  async synthesise(req: SynthesiseRequest): Promise<SynthesisResult> {
    await this.ready;
    const text = req.text.trim();
    if (!text) throw new DomainError('VALIDATION', 'Write the message to be spoken', [{ path: 'text', message: 'empty' }]);
    const settings: SynthesisSettings = { ...DEFAULT_SETTINGS, ...req.settings };
    const explicit = req.voiceId !== undefined;
    const voiceId = req.voiceId ?? this.defaultVoiceId();
    if (voiceId !== ESPEAK_VOICE_ID && !this.voices.entry(voiceId)) throw new DomainError('NOT_FOUND', `Voice ${voiceId} is not installed`);

    const entry = this.voices.entry(voiceId);
    // The normaliser writes Swedish words; a voice for another language reads the text as typed.
    const swedish = voiceId === ESPEAK_VOICE_ID || (entry?.config?.espeak.voice ?? 'sv').startsWith('sv');
    const normalisedText = swedish ? normaliseSwedish(text) : text;
    const key = cacheKey(voiceId, entry?.fingerprint ?? 'espeak', normalisedText, settings);
    const cached = this.findCached(key);
    if (cached) return this.result(cached, normalisedText, null, true);

    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.render(key, text, normalisedText, voiceId, explicit, settings, req.requestId ?? null).finally(() =>
        this.inflight.delete(key),
      );
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async render(
    key: string,
    text: string,
    normalisedText: string,
    voiceId: string,
    explicit: boolean,
    settings: SynthesisSettings,
    requestId: string | null,
  ): Promise<SynthesisResult> {
    const espeak = await sharedEspeak();
    let spoken: SpokenAudio;
    let usedVoice = voiceId;
    let fallbackReason: string | null = null;
    let storeKey = key;
    const progress = (done: number, total: number) =>
      this.emit('tts.progress', { operation: 'synthesise', requestId, stage: 'sentences', done, total });
    if (voiceId === ESPEAK_VOICE_ID) {
      spoken = await speakWithEspeak(espeak, normalisedText, settings);
      progress(1, 1);
    } else {
      try {
        const voice = await this.voices.load(voiceId);
        spoken = await speakWithPiper(voice, espeak, normalisedText, settings, this.log, progress);
      } catch (err) {
        // A voice the operator picked must work or say why; the default voice falling over
        // must not leave an alert without audio, so espeak speaks instead and we say so.
        if (explicit || !(err instanceof VoiceError)) throw toDomainError(err);
        fallbackReason = err.message;
        usedVoice = ESPEAK_VOICE_ID;
        this.log.warn({ voiceId, reason: err.message }, 'default voice failed; using the espeak fallback');
        storeKey = cacheKey(ESPEAK_VOICE_ID, 'espeak', normalisedText, settings);
        const existing = this.findCached(storeKey);
        if (existing) return this.result(existing, normalisedText, fallbackReason, true);
        spoken = await speakWithEspeak(espeak, normalisedText, settings);
      }
    }
    if (spoken.samples.length === 0)
      throw new DomainError('VALIDATION', 'The message produced no speech; check that it contains words', [
        { path: 'text', message: 'no speech' },
      ]);
    const audio: MonoAudio = { sampleRate: spoken.sampleRate, samples: int16ToFloat(spoken.samples) };
    const seconds = audio.samples.length / audio.sampleRate;
    if (seconds > MAX_MESSAGE_SECONDS) {
      throw new DomainError(
        'VALIDATION',
        `The spoken message would be ${formatDuration(seconds)} long; voice messages may be at most ${formatDuration(MAX_MESSAGE_SECONDS)}. Shorten the text.`,
        [{ path: 'text', message: 'too long when spoken' }],
      );
    }
    const row = this.storeAsset({
      kind: 'tts',
      voiceId: usedVoice,
      voiceEngine: usedVoice === ESPEAK_VOICE_ID ? 'espeak' : 'piper',
      text,
      cacheKey: storeKey,
      settings: { ...settings },
      audio,
      previewPcm: spoken.samples,
    });
    return this.result(row, normalisedText, fallbackReason, false);
  }

  private findCached(key: string): AssetRow | undefined {
    return cachedAudioAsset(this.opts.store.read, key);
  }

  private result(row: AssetRow, normalisedText: string, fallbackReason: string | null, cached: boolean): SynthesisResult {
    const voiceId = row.voiceId ?? ESPEAK_VOICE_ID;
    const info = voiceId === ESPEAK_VOICE_ID ? espeakInfo() : this.voices.list().find((v) => v.id === voiceId);
    return {
      audioId: row.id,
      durationMs: row.durationMs,
      voiceId,
      voiceName: info?.name ?? voiceId,
      engine: row.voiceEngine ?? 'espeak',
      fallbackReason,
      normalisedText,
      cached,
    };
  }

  // ---- recordings ----------------------------------------------------------------------

  saveRecording(input: RecordingInput, label?: string): RecordingResult {
    const decoded = decodeRecording(input);
    if (!decoded.ok)
      throw new DomainError('VALIDATION', `The recording cannot be read: ${decoded.error}`, [
        { path: 'recording', message: decoded.error },
      ]);
    const raw = decoded.audio;
    if (raw.samples.length / raw.sampleRate > MAX_RAW_RECORDING_SECONDS) {
      throw new DomainError(
        'VALIDATION',
        `The recording is ${formatDuration(raw.samples.length / raw.sampleRate)} long; voice messages may be at most ${formatDuration(MAX_MESSAGE_SECONDS)}`,
        [{ path: 'recording', message: 'too long' }],
      );
    }
    const trimmed = trimSilence(raw);
    if (trimmed.silent)
      throw new DomainError(
        'VALIDATION',
        'The recording is silent. Check that the right microphone is selected and not muted, then record again.',
        [{ path: 'recording', message: 'silent' }],
      );
    const seconds = trimmed.audio.samples.length / trimmed.audio.sampleRate;
    if (seconds > MAX_MESSAGE_SECONDS) {
      throw new DomainError(
        'VALIDATION',
        `The recording is ${formatDuration(seconds)} long without its silent ends; voice messages may be at most ${formatDuration(MAX_MESSAGE_SECONDS)}`,
        [{ path: 'recording', message: 'too long' }],
      );
    }
    const loud = normaliseLoudness(trimmed.audio);
    const preview =
      loud.audio.sampleRate > PREVIEW_MAX_RATE
        ? { sampleRate: PREVIEW_MAX_RATE, samples: resample(loud.audio.samples, loud.audio.sampleRate, PREVIEW_MAX_RATE) }
        : loud.audio;
    const row = this.storeAsset({
      kind: 'recording',
      label: label ?? null,
      audio: preview,
      previewPcm: floatToInt16(preview.samples),
      trimmedStartMs: trimmed.trimmedStartMs,
      trimmedEndMs: trimmed.trimmedEndMs,
      gainDb: Math.round(loud.gainDb * 10) / 10,
    });
    this.log.info({ audioId: row.id, durationMs: row.durationMs, gainDb: row.gainDb }, 'recording saved');
    return {
      audioId: row.id,
      durationMs: row.durationMs,
      trimmedStartMs: trimmed.trimmedStartMs,
      trimmedEndMs: trimmed.trimmedEndMs,
      gainDb: row.gainDb ?? 0,
    };
  }

  // ---- assets --------------------------------------------------------------------------

  private storeAsset(a: {
    kind: 'tts' | 'recording';
    label?: string | null;
    voiceId?: string;
    voiceEngine?: 'piper' | 'espeak';
    text?: string;
    cacheKey?: string;
    settings?: Record<string, unknown>;
    audio: MonoAudio;
    previewPcm: Int16Array;
    trimmedStartMs?: number;
    trimmedEndMs?: number;
    gainDb?: number;
  }): AssetRow {
    const previewWav = encodeWavPcm16(a.previewPcm, a.audio.sampleRate);
    const telephonyWav = toTelephonyWav(a.audio);
    return this.opts.store.transaction((tx) => {
      const row = insertAudioAsset(
        tx,
        {
          id: randomUUID(),
          kind: a.kind,
          label: a.label ?? null,
          voiceId: a.voiceId ?? null,
          voiceEngine: a.voiceEngine ?? null,
          text: a.text ?? null,
          cacheKey: a.cacheKey ?? null,
          settings: a.settings ?? null,
          sampleRate: a.audio.sampleRate,
          durationMs: durationMs(a.audio),
          previewBytes: previewWav.length,
          telephonyBytes: telephonyWav.length,
          trimmedStartMs: a.trimmedStartMs ?? null,
          trimmedEndMs: a.trimmedEndMs ?? null,
          gainDb: a.gainDb ?? null,
        },
        { previewWav, telephonyWav },
      );
      if (a.kind === 'recording') {
        const seconds = Math.round(row.durationMs / 100) / 10;
        recordAudit(tx, this.actor(), {
          action: 'audio.record',
          subjectType: 'audio',
          subjectId: row.id,
          summary: `Recorded a voice message (${seconds} s)`,
          params: { seconds },
        });
      }
      return row;
    });
  }

  describe(audioId: string): AudioAsset {
    const row = getAudioAsset(this.opts.store.read, audioId);
    if (!row) throw new DomainError('NOT_FOUND', `Audio ${audioId} does not exist`);
    return toAudioAsset(row);
  }

  list(kind: 'tts' | 'recording' | undefined, limit: number): AudioAsset[] {
    return listAudioAssets(this.opts.store.read, kind, limit).map(toAudioAsset);
  }

  /** The audio bytes of an asset, as the operator hears it or as a phone call plays it. */
  audio(audioId: string, form: 'preview' | 'telephony'): AudioBytes {
    const row = audioBytes(this.opts.store.read, audioId);
    if (!row) throw new DomainError('NOT_FOUND', `Audio ${audioId} does not exist`);
    const bytes = form === 'telephony' ? row.telephony : row.preview;
    return {
      audioId,
      contentType: 'audio/wav',
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      durationMs: row.durationMs,
    };
  }

  /** What the campaign engine uploads to the relay for calls: 8 kHz mono μ-law WAV. */
  telephonyAudio(audioId: string): AudioBytes {
    return this.audio(audioId, 'telephony');
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.voices.close();
  }

  private actor(): string {
    return this.opts.actor?.() ?? 'GDial';
  }

  private emit<E extends 'tts.progress'>(name: E, payload: EventPayload<E>): void {
    this.opts.events?.emit(name, payload);
  }
}

function cacheKey(voiceId: string, fingerprint: string, normalisedText: string, settings: SynthesisSettings): string {
  const canonical = JSON.stringify({
    v: TTS_PIPELINE_VERSION,
    voiceId,
    fingerprint,
    text: normalisedText,
    rate: settings.rate,
    variation: settings.variation,
    pause: settings.sentencePauseMs,
    speaker: settings.speaker ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function decodeRecording(input: RecordingInput): { ok: true; audio: MonoAudio } | { ok: false; error: string } {
  switch (input.format) {
    case 'wav': {
      const r = decodeWav(input.data);
      return r.ok ? { ok: true, audio: r.audio } : r;
    }
    case 'pcm-f32le': {
      if (input.data.length % 4 !== 0) return { ok: false, error: '32-bit float PCM must be a whole number of 4-byte samples' };
      const view = new DataView(input.data.buffer, input.data.byteOffset, input.data.byteLength);
      const samples = new Float32Array(input.data.length / 4);
      for (let i = 0; i < samples.length; i++) {
        const v = view.getFloat32(i * 4, true);
        samples[i] = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
      }
      return { ok: true, audio: { sampleRate: input.sampleRate, samples } };
    }
    case 'pcm-s16le': {
      if (input.data.length % 2 !== 0) return { ok: false, error: '16-bit PCM must be a whole number of 2-byte samples' };
      const view = new DataView(input.data.buffer, input.data.byteOffset, input.data.byteLength);
      const samples = new Float32Array(input.data.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
      return { ok: true, audio: { sampleRate: input.sampleRate, samples } };
    }
    default: {
      const never: never = input;
      return { ok: false, error: `unknown format ${String((never as { format: string }).format)}` };
    }
  }
}

function toDomainError(err: unknown): Error {
  if (err instanceof DomainError) return err;
  if (err instanceof VoiceError) {
    switch (err.reason) {
      case 'not-found':
        return new DomainError('NOT_FOUND', capitalise(err.message));
      case 'invalid':
        return new DomainError('VALIDATION', `This is not a usable Piper voice: ${err.message}`, [
          { path: 'modelPath', message: err.message },
        ]);
      case 'conflict':
        return new DomainError('CONFLICT', capitalise(err.message));
      case 'bundled':
        return new DomainError('PRECONDITION', capitalise(err.message));
      case 'io':
        return new DomainError('UNAVAILABLE', capitalise(err.message));
      default: {
        const never: never = err.reason;
        return new Error(`unknown voice error ${String(never)}`);
      }
    }
  }
  if (err instanceof RangeError) return new DomainError('VALIDATION', capitalise(err.message));
  return err instanceof Error ? err : new Error(String(err));
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}
