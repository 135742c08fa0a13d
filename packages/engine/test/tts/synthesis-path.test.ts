// The per-sentence path of a Piper voice, made cheap for the tts benchmark (issue #6)
// without changing what it produces: Piper's 16-bit conversion in WebAssembly SIMD against
// a scalar loop with piper.cpp's float32 arithmetic, sentences normalised straight into the
// message, and the V8 setting that lets espeak's largest function be optimised.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type * as V8 from 'node:v8';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log';
import { sharedEspeak, type Espeak } from '../../src/tts/espeak';
import { peakKernelAvailable, peakNormalise, peakNormaliseInto, peakNormaliseScalar } from '../../src/tts/peak-normalise';
import { phonemesToIds, phonemize } from '../../src/tts/phonemes';
import { PiperVoice } from '../../src/tts/piper-voice';
import { speakWithPiper, type SpokenAudio } from '../../src/tts/synthesise';
import { parsePiperConfig } from '../../src/tts/voice-config';
import { buildFixtureConfig, buildFixtureModel } from './fixtures/piper-fixture';

vi.mock('node:v8', async (importOriginal) => ({ ...(await importOriginal<typeof V8>()), setFlagsFromString: vi.fn() }));

const scalar = (raw: Float32Array): Int16Array => {
  const out = new Int16Array(raw.length);
  peakNormaliseScalar(raw, out);
  return out;
};

/** Byte-for-byte equality, fast enough for millions of samples. */
const bytesOf = (a: Int16Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Deterministic samples in [-amplitude, amplitude], with a few special values mixed in. */
function samples(n: number, seed: number, amplitude: number, specials: number[] = []): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648 - 0.5) * 2 * amplitude;
  }
  specials.forEach((v, i) => {
    if (n > 0) out[(i * 7919) % n] = v;
  });
  return out;
}

describe("Piper's 16-bit conversion", () => {
  it('runs as WebAssembly SIMD in Node', () => {
    expect(peakKernelAvailable()).toBe(true);
  });

  it('computes in float32 as piper.cpp does, where double arithmetic would give one less', () => {
    // 2/65534 as a float32, times 32767/0.5: exactly 2 in float32, 1.99999999… in double.
    const raw = Float32Array.of(0.5, Math.fround(2 / 65534));
    expect(Array.from(peakNormalise(raw))).toEqual([32767, 2]);
    expect(Array.from(scalar(raw))).toEqual([32767, 2]);
  });

  it.each([
    ['speech-like samples', 0.8, []],
    ['quiet samples under the 0.01 floor', 0.004, []],
    ['loud samples over full scale', 7.5, []],
    ['NaN, which becomes silence and never the peak', 0.6, [Number.NaN, Number.NaN]],
    ['negative zero and subnormals', 0.3, [-0, 1e-42, -1e-42]],
    ['a negative peak', 0.3, [-0.9]],
    ['an infinite sample, which silences the sentence', 0.3, [Number.POSITIVE_INFINITY]],
  ])('gives the same samples as the scalar loop for %s, at every length', (_name, amplitude, specials) => {
    for (let n = 0; n <= 41; n++) {
      const raw = samples(n, n + 1, amplitude, specials);
      expect(Array.from(peakNormalise(raw)), `n=${n}`).toEqual(Array.from(scalar(raw)));
    }
    const long = samples(27_353, 7, amplitude, specials);
    expect(bytesOf(peakNormalise(long)).equals(bytesOf(scalar(long)))).toBe(true);
  });

  it('writes one sentence into its place in a longer message and nothing else', () => {
    const out = new Int16Array(20).fill(-7);
    peakNormaliseInto(Float32Array.of(0.5, -0.25, 0.1), out, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual([-7, -7, -7, -7, -7]);
    expect(Array.from(out.subarray(5, 8))).toEqual([32767, -16383, 6553]);
    expect(Array.from(out.subarray(8))).toEqual(new Array(12).fill(-7));
  });

  it('gives the same samples after a huge sentence took the scalar path, and after a small one', () => {
    const huge = samples(2_200_000, 3, 0.7);
    expect(bytesOf(peakNormalise(huge)).equals(bytesOf(scalar(huge)))).toBe(true);
    const small = samples(1_000, 4, 0.7);
    expect(Array.from(peakNormalise(small))).toEqual(Array.from(scalar(small)));
  });
});

describe('a Piper voice speaking a message', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-synthesis-path-'));
  let voice: PiperVoice;
  let espeak: Espeak;
  beforeAll(async () => {
    const modelPath = path.join(dir, 'tone.onnx');
    writeFileSync(modelPath, buildFixtureModel({ kind: 'tone' }));
    const config = parsePiperConfig(JSON.stringify(buildFixtureConfig()));
    if (!config.ok) throw new Error(config.error);
    const loaded = await PiperVoice.load(modelPath, config.config, { threads: 1 });
    if (!loaded.ok) throw new Error(loaded.error);
    voice = loaded.voice;
    espeak = await sharedEspeak();
  });
  afterAll(async () => {
    await voice.release();
  });

  it('synthesises each sentence on its own, normalised on its own, with the pause after each', async () => {
    const text = 'Gå inomhus och stäng dörrar, fönster och ventilation. Lyssna på radion! Hej då.';
    const settings = { rate: 1, variation: 1, sentencePauseMs: 250 };
    const spoken = await speakWithPiper(voice, espeak, text, settings, silentLogger());

    const cfg = voice.config;
    const scales = { noiseScale: cfg.inference.noise_scale, lengthScale: cfg.inference.length_scale, noiseW: cfg.inference.noise_w };
    const pause = new Int16Array(Math.round((cfg.audio.sample_rate * 250) / 1000));
    const expected: number[] = [];
    const sentences = phonemize(text, espeak, cfg.espeak.voice, cfg.phoneme_map);
    expect(sentences).toHaveLength(3);
    for (const sentence of sentences) {
      const raw = await voice.infer(phonemesToIds(sentence, cfg.phoneme_id_map).ids, scales);
      expected.push(...scalar(raw), ...pause);
    }
    expect(spoken.sampleRate).toBe(cfg.audio.sample_rate);
    expect(bytesOf(spoken.samples).equals(bytesOf(Int16Array.from(expected)))).toBe(true);
  });

  it('gives every sentence its own samples when several are in flight at once', async () => {
    const texts = ['Viktigt meddelande.', 'Tack för att du lyssnade.', 'Evakuera byggnaden genast.'];
    const settings = { rate: 1, variation: 1, sentencePauseMs: 0 };
    const alone: SpokenAudio[] = [];
    for (const t of texts) alone.push(await speakWithPiper(voice, espeak, t, settings, silentLogger()));
    const together = await Promise.all(texts.map((t) => speakWithPiper(voice, espeak, t, settings, silentLogger())));
    together.forEach((s, i) => expect(bytesOf(s.samples).equals(bytesOf(alone[i]!.samples)), texts[i]).toBe(true));
  });
});

describe("espeak's word translator and V8's optimising compiler", () => {
  it('raises the bytecode size limit once, before espeak is first loaded', async () => {
    vi.resetModules();
    const v8 = await import('node:v8');
    const { Espeak, ESPEAK_TURBOFAN_FLAG } = await import('../../src/tts/espeak');
    vi.mocked(v8.setFlagsFromString).mockClear();
    await Espeak.load();
    await Espeak.load();
    expect(v8.setFlagsFromString).toHaveBeenCalledTimes(1);
    expect(v8.setFlagsFromString).toHaveBeenCalledWith(ESPEAK_TURBOFAN_FLAG);
    expect(ESPEAK_TURBOFAN_FLAG).toMatch(/^--max-optimized-bytecode-size=\d+$/);
  });

  it('leaves a limit given on the command line as it is', async () => {
    vi.resetModules();
    const saved = process.execArgv;
    process.execArgv = [...saved, '--max-optimized-bytecode-size=100000'];
    try {
      const v8 = await import('node:v8');
      const { Espeak } = await import('../../src/tts/espeak');
      vi.mocked(v8.setFlagsFromString).mockClear();
      await Espeak.load();
      expect(v8.setFlagsFromString).not.toHaveBeenCalled();
    } finally {
      process.execArgv = saved;
    }
  });
});
