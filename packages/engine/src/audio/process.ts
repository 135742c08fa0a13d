// Shaping a voice message for the phone: trim the silence a recording starts and ends
// with, bring quiet and loud recordings to the same loudness, refuse messages that are too
// long, and render the telephony form (8 kHz mono μ-law WAV) that calls play.
import { encodeMulaw } from './mulaw';
import { resample } from './resample';
import { encodeWavMulaw, floatToInt16, type MonoAudio } from './wav';

export const TELEPHONY_SAMPLE_RATE = 8000;
/** Longest voice message we accept: a call that talks for longer loses its listener. */
export const MAX_MESSAGE_SECONDS = 180;

const FRAME_MS = 10;

const dbToGain = (db: number): number => 10 ** (db / 20);
const gainToDb = (g: number): number => 20 * Math.log10(Math.max(g, 1e-12));

/** RMS of each 10 ms frame, in dBFS. */
function frameLevels(samples: Float32Array, sampleRate: number): { frame: number; levels: Float64Array } {
  const frame = Math.max(1, Math.round((sampleRate * FRAME_MS) / 1000));
  const count = Math.ceil(samples.length / frame);
  const levels = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    let sum = 0;
    const end = Math.min(samples.length, (f + 1) * frame);
    for (let i = f * frame; i < end; i++) sum += samples[i]! * samples[i]!;
    levels[f] = gainToDb(Math.sqrt(sum / Math.max(1, end - f * frame)));
  }
  return { frame, levels };
}

export interface TrimResult {
  audio: MonoAudio;
  trimmedStartMs: number;
  trimmedEndMs: number;
  /** True when nothing rose above the threshold: the recording is silent. */
  silent: boolean;
}

export interface TrimOptions {
  /** Frames quieter than this (dBFS RMS) count as silence. */
  thresholdDb?: number;
  /** Silence kept before the first and after the last sound, so words are not clipped. */
  keepMs?: number;
}

export function trimSilence(audio: MonoAudio, opts: TrimOptions = {}): TrimResult {
  const threshold = opts.thresholdDb ?? -45;
  const keepMs = opts.keepMs ?? 150;
  const { frame, levels } = frameLevels(audio.samples, audio.sampleRate);
  let first = -1;
  let last = -1;
  for (let f = 0; f < levels.length; f++) {
    if (levels[f]! > threshold) {
      if (first < 0) first = f;
      last = f;
    }
  }
  if (first < 0) {
    return { audio: { sampleRate: audio.sampleRate, samples: new Float32Array(0) }, trimmedStartMs: 0, trimmedEndMs: 0, silent: true };
  }
  const keep = Math.round((audio.sampleRate * keepMs) / 1000);
  const start = Math.max(0, first * frame - keep);
  const end = Math.min(audio.samples.length, (last + 1) * frame + keep);
  const ms = (n: number) => Math.round((n * 1000) / audio.sampleRate);
  return {
    audio: { sampleRate: audio.sampleRate, samples: audio.samples.slice(start, end) },
    trimmedStartMs: ms(start),
    trimmedEndMs: ms(audio.samples.length - end),
    silent: false,
  };
}

export interface LoudnessOptions {
  /** Target RMS over the speech (frames above the gate), dBFS. */
  targetDb?: number;
  /** The peak never goes above this, dBFS, whatever the target asks. */
  peakCeilingDb?: number;
  /** Frames below this are left out of the measurement (pauses between words). */
  gateDb?: number;
}

export interface LoudnessResult {
  audio: MonoAudio;
  gainDb: number;
  /** Speech level before and after, dBFS RMS over gated frames. */
  levelBeforeDb: number;
  levelAfterDb: number;
}

/**
 * Gated-RMS normalisation: measure the level of the frames that carry speech, apply one
 * gain to reach the target, and lower that gain if the peak would pass the ceiling.
 * One gain for the whole message keeps the dynamics the speaker gave it.
 */
export function normaliseLoudness(audio: MonoAudio, opts: LoudnessOptions = {}): LoudnessResult {
  const target = opts.targetDb ?? -18;
  const ceiling = opts.peakCeilingDb ?? -1;
  const gate = opts.gateDb ?? -50;
  const { frame, levels } = frameLevels(audio.samples, audio.sampleRate);
  let energy = 0;
  let counted = 0;
  for (let f = 0; f < levels.length; f++) {
    if (levels[f]! <= gate) continue;
    const end = Math.min(audio.samples.length, (f + 1) * frame);
    for (let i = f * frame; i < end; i++) energy += audio.samples[i]! * audio.samples[i]!;
    counted += end - f * frame;
  }
  if (counted === 0) return { audio, gainDb: 0, levelBeforeDb: -Infinity, levelAfterDb: -Infinity };
  const before = gainToDb(Math.sqrt(energy / counted));
  let peak = 0;
  for (const s of audio.samples) peak = Math.max(peak, Math.abs(s));
  let gainDb = target - before;
  if (peak > 0) gainDb = Math.min(gainDb, ceiling - gainToDb(peak));
  const gain = dbToGain(gainDb);
  const samples = new Float32Array(audio.samples.length);
  for (let i = 0; i < samples.length; i++) samples[i] = audio.samples[i]! * gain;
  return { audio: { sampleRate: audio.sampleRate, samples }, gainDb, levelBeforeDb: before, levelAfterDb: before + gainDb };
}

export const durationMs = (audio: MonoAudio): number => Math.round((audio.samples.length * 1000) / audio.sampleRate);

/** The form a phone call plays: 8 kHz mono μ-law in a WAV container. */
export function toTelephonyWav(audio: MonoAudio): Uint8Array {
  const at8k = resample(audio.samples, audio.sampleRate, TELEPHONY_SAMPLE_RATE);
  return encodeWavMulaw(encodeMulaw(floatToInt16(at8k)), TELEPHONY_SAMPLE_RATE);
}
