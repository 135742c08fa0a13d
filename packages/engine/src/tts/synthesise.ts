// Text to audio samples with a Piper voice or with espeak's own voice: the steps between
// the normalised text and 16-bit samples, shared by the service and the benchmark.
import type { SynthesisSettings } from '@gdial/protocol';
import type { Logger } from '../log';
import { splitClauses } from './clauses';
import type { Espeak } from './espeak';
import { phonemesToIds, phonemize } from './phonemes';
import { peakNormaliseInto } from './peak-normalise';
import type { PiperVoice } from './piper-voice';

export interface SpokenAudio {
  sampleRate: number;
  samples: Int16Array;
}

export interface PiperProgress {
  (done: number, total: number): void;
}

export async function speakWithPiper(
  voice: PiperVoice,
  espeak: Espeak,
  text: string,
  settings: SynthesisSettings,
  log: Logger,
  onProgress: PiperProgress = () => {},
): Promise<SpokenAudio> {
  const cfg = voice.config;
  let speakerId = 0;
  if (voice.multiSpeaker && settings.speaker !== undefined) {
    const id = cfg.speaker_id_map[settings.speaker];
    if (id === undefined) throw new RangeError(`the voice has no speaker "${settings.speaker}"`);
    speakerId = id;
  }
  const scales = {
    noiseScale: cfg.inference.noise_scale * settings.variation,
    lengthScale: cfg.inference.length_scale / settings.rate,
    noiseW: cfg.inference.noise_w * settings.variation,
    speakerId,
  };
  const sentences = phonemize(text, espeak, cfg.espeak.voice, cfg.phoneme_map);
  const pause = Math.round((cfg.audio.sample_rate * settings.sentencePauseMs) / 1000);
  const raws: Float32Array[] = [];
  const missing = new Map<string, number>();
  for (const [i, sentence] of sentences.entries()) {
    const { ids, missing: skipped } = phonemesToIds(sentence, cfg.phoneme_id_map);
    for (const [p, n] of skipped) missing.set(p, (missing.get(p) ?? 0) + n);
    raws.push(await voice.infer(ids, scales));
    onProgress(i + 1, sentences.length);
  }
  if (missing.size > 0) log.warn({ missing: Object.fromEntries(missing) }, 'phonemes the voice does not know were skipped');
  // Each sentence is brought to full scale on its own, as Piper does, straight into its
  // place in the message, and followed by the pause.
  const samples = new Int16Array(raws.reduce((n, raw) => n + raw.length + pause, 0));
  let at = 0;
  for (const raw of raws) {
    peakNormaliseInto(raw, samples, at);
    at += raw.length + pause;
  }
  return { sampleRate: cfg.audio.sample_rate, samples };
}

/**
 * espeak's own voice. It runs synchronously on the engine's thread, about 50 ms per
 * sentence, so a long message is spoken sentence by sentence with a turn of the event
 * loop in between: RPC calls and the dispatcher keep moving while it talks.
 */
export async function speakWithEspeak(espeak: Espeak, text: string, settings: SynthesisSettings): Promise<SpokenAudio> {
  const sentences: string[] = [];
  let current = '';
  for (const clause of splitClauses(text)) {
    current += (current ? ' ' : '') + clause.text;
    if (clause.endsSentence) {
      sentences.push(current);
      current = '';
    }
  }
  if (current) sentences.push(current);
  const parts: Int16Array[] = [];
  let sampleRate = 22050;
  for (const [i, sentence] of sentences.entries()) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    const audio = espeak.synthesize(sentence, 'sv', { wordsPerMinute: 160 * settings.rate });
    sampleRate = audio.sampleRate;
    // The same pause after each sentence as with Piper voices.
    parts.push(audio.samples, new Int16Array(Math.round((sampleRate * settings.sentencePauseMs) / 1000)));
  }
  return { sampleRate, samples: concat(parts) };
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
