import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMulaw, encodeMulaw, linearToMulaw, mulawToLinear } from '../../src/audio/mulaw';
import { normaliseLoudness, toTelephonyWav, trimSilence, durationMs } from '../../src/audio/process';
import { resample } from '../../src/audio/resample';
import { decodeWav, encodeWavMulaw, encodeWavPcm16, floatToInt16 } from '../../src/audio/wav';

const sine = (freq: number, rate: number, seconds: number, amp = 0.5): Float32Array =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));

const rms = (x: Float32Array, from = 0, to = x.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
};

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

describe('μ-law (G.711)', () => {
  it('matches reference code words', () => {
    // Values from the ITU-T G.711 tables: 0 → 0xFF, full scale → 0x80 / 0x00.
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(-1)).toBe(0x7f);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x80)).toBe(32124);
    expect(mulawToLinear(0x00)).toBe(-32124);
  });

  it('round-trips every code word and keeps the error within one segment step', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue; // -0 and +0 both decode to 0 and encode to 0xFF
      expect(linearToMulaw(mulawToLinear(b))).toBe(b);
    }
    for (let v = -32000; v <= 32000; v += 97) {
      const back = mulawToLinear(linearToMulaw(v));
      const step = Math.abs(v) < 256 ? 16 : Math.abs(v) / 8;
      expect(Math.abs(back - v)).toBeLessThanOrEqual(step);
    }
    const x = Int16Array.from([0, 1000, -1000, 20000, -20000]);
    expect(Array.from(decodeMulaw(encodeMulaw(x))).map((v, i) => Math.sign(v) === Math.sign(x[i]!) || v === 0)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('WAV', () => {
  it('writes a canonical 16-bit PCM header and reads it back', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const wav = encodeWavPcm16(pcm, 22050);
    expect(ascii(wav, 0, 4)).toBe('RIFF');
    const v = new DataView(wav.buffer);
    expect(v.getUint32(4, true)).toBe(wav.length - 8);
    expect(ascii(wav, 8, 8)).toBe('WAVEfmt ');
    expect(v.getUint16(20, true)).toBe(1); // PCM
    expect(v.getUint16(22, true)).toBe(1); // mono
    expect(v.getUint32(24, true)).toBe(22050);
    expect(v.getUint32(28, true)).toBe(44100); // byte rate
    expect(v.getUint16(34, true)).toBe(16);
    expect(ascii(wav, 36, 4)).toBe('data');
    expect(v.getUint32(40, true)).toBe(10);
    const back = decodeWav(wav);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.audio.sampleRate).toBe(22050);
    expect(Array.from(floatToInt16(back.audio.samples))).toEqual([0, 1000, -1000, 32766, -32767]);
  });

  it('writes μ-law WAV with format 7, an 18-byte fmt chunk and a fact chunk', () => {
    const wav = encodeWavMulaw(Uint8Array.from([0xff, 0x80, 0x00]), 8000);
    const v = new DataView(wav.buffer);
    expect(v.getUint32(4, true)).toBe(wav.length - 8);
    expect(v.getUint32(16, true)).toBe(18);
    expect(v.getUint16(20, true)).toBe(7);
    expect(v.getUint32(24, true)).toBe(8000);
    expect(v.getUint32(28, true)).toBe(8000);
    expect(v.getUint16(34, true)).toBe(8);
    expect(ascii(wav, 38, 4)).toBe('fact');
    expect(v.getUint32(46, true)).toBe(3);
    expect(ascii(wav, 50, 4)).toBe('data');
    expect(v.getUint32(54, true)).toBe(3);
    expect(wav.length % 2).toBe(0); // odd data is padded
    const back = decodeWav(wav);
    expect(back.ok && back.format).toEqual({ encoding: 'mulaw', bitsPerSample: 8, channels: 1, sampleRate: 8000 });
  });

  it('reads stereo float files as mono and rejects what it cannot read, saying why', () => {
    // A hand-built 2-channel IEEE float file: left 0.5, right -0.5 → mono 0.
    const frames = 4;
    const bytes = new Uint8Array(44 + frames * 8);
    const v = new DataView(bytes.buffer);
    bytes.set(
      [...'RIFF'].map((c) => c.charCodeAt(0)),
      0,
    );
    v.setUint32(4, bytes.length - 8, true);
    bytes.set(
      [...'WAVEfmt '].map((c) => c.charCodeAt(0)),
      8,
    );
    v.setUint32(16, 16, true);
    v.setUint16(20, 3, true);
    v.setUint16(22, 2, true);
    v.setUint32(24, 48000, true);
    v.setUint32(28, 48000 * 8, true);
    v.setUint16(32, 8, true);
    v.setUint16(34, 32, true);
    bytes.set(
      [...'data'].map((c) => c.charCodeAt(0)),
      36,
    );
    v.setUint32(40, frames * 8, true);
    for (let f = 0; f < frames; f++) {
      v.setFloat32(44 + f * 8, 0.5, true);
      v.setFloat32(48 + f * 8, f === 3 ? Number.NaN : -0.25, true);
    }
    const r = decodeWav(bytes);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.format).toEqual({ encoding: 'float', bitsPerSample: 32, channels: 2, sampleRate: 48000 });
      expect(Array.from(r.audio.samples)).toEqual([0.125, 0.125, 0.125, 0]);
    }
    expect(decodeWav(new TextEncoder().encode('hello world, not audio'))).toEqual({
      ok: false,
      error: 'not a WAV file (no RIFF/WAVE header)',
    });
    const noData = bytes.slice(0, 36);
    expect(decodeWav(noData)).toEqual({ ok: false, error: 'WAV file has no data chunk' });
    v.setUint16(34, 12, true);
    expect(decodeWav(bytes)).toMatchObject({ ok: false, error: expect.stringContaining('not supported') as string });
  });
});

describe('resampling', () => {
  it('keeps in-band tones and removes what would alias below 4 kHz', () => {
    const rate = 22050;
    const speech = resample(sine(1000, rate, 1), rate, 8000);
    expect(speech.length).toBe(8000);
    expect(rms(speech, 100, 7900)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // 6 kHz would fold to 2 kHz without the low-pass filter.
    const alias = resample(sine(6000, rate, 1), rate, 8000);
    expect(rms(alias, 100, 7900)).toBeLessThan(0.005);
  });

  it('upsamples too, and leaves equal rates alone', () => {
    const up = resample(sine(440, 8000, 0.5), 8000, 16000);
    expect(up.length).toBe(8000);
    expect(rms(up, 100, 7900)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    const same = sine(440, 8000, 0.1);
    expect(resample(same, 8000, 8000)).toEqual(same);
  });
});

describe('trimming and loudness', () => {
  const rate = 16000;
  const withSilence = (): Float32Array => {
    const tone = sine(300, rate, 1, 0.2);
    const out = new Float32Array(rate * 3);
    out.set(tone, rate); // 1 s silence, 1 s tone, 1 s silence
    for (let i = 0; i < out.length; i++) if (i < rate || i >= 2 * rate) out[i] = (((i * 7919) % 13) / 13 - 0.5) * 0.001; // faint hiss
    return out;
  };

  it('trims leading and trailing silence but keeps a short margin', () => {
    const r = trimSilence({ sampleRate: rate, samples: withSilence() }, { keepMs: 100 });
    expect(r.silent).toBe(false);
    expect(r.trimmedStartMs).toBeGreaterThanOrEqual(880);
    expect(r.trimmedStartMs).toBeLessThanOrEqual(910);
    expect(r.trimmedEndMs).toBeGreaterThanOrEqual(880);
    expect(durationMs(r.audio)).toBeGreaterThanOrEqual(1190);
    expect(durationMs(r.audio)).toBeLessThanOrEqual(1220);
  });

  it('reports a silent recording', () => {
    const r = trimSilence({ sampleRate: rate, samples: new Float32Array(rate) });
    expect(r.silent).toBe(true);
    expect(r.audio.samples.length).toBe(0);
  });

  it('brings quiet speech to the target level without passing the peak ceiling', () => {
    const quiet = { sampleRate: rate, samples: withSilence() };
    const r = normaliseLoudness(quiet, { targetDb: -18, peakCeilingDb: -1 });
    expect(r.levelBeforeDb).toBeCloseTo(20 * Math.log10(0.2 / Math.SQRT2), 0);
    expect(r.levelAfterDb).toBeCloseTo(-18, 1);
    expect(rms(r.audio.samples, rate + 100, 2 * rate - 100)).toBeCloseTo(10 ** (-18 / 20), 2);
    // A loud square-ish signal: the ceiling wins over the target.
    const loud = { sampleRate: rate, samples: Float32Array.from({ length: rate }, (_, i) => (i % 40 < 20 ? 0.9 : -0.9)) };
    const l = normaliseLoudness(loud, { targetDb: -0.5, peakCeilingDb: -1 }); // RMS = peak for a square wave
    const peak = Math.max(...Array.from(l.audio.samples, Math.abs));
    expect(20 * Math.log10(peak)).toBeCloseTo(-1, 3);
  });

  it('renders telephony audio as 8 kHz μ-law WAV of the same duration', () => {
    const wav = toTelephonyWav({ sampleRate: 22050, samples: sine(500, 22050, 2) });
    const r = decodeWav(wav);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.format.encoding).toBe('mulaw');
    expect(r.audio.sampleRate).toBe(8000);
    expect(r.audio.samples.length).toBe(16000);
    expect(rms(r.audio.samples, 100, 15900)).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });
});

describe('WAV reading never throws', () => {
  it('answers damaged files with an error result', () => {
    const valid = encodeWavPcm16(
      Int16Array.from({ length: 64 }, (_, i) => i * 100),
      16000,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 12 }), fc.nat(valid.length), (edits, cut) => {
        const bytes = valid.slice(0, cut);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        const r = decodeWav(bytes);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
        else expect(r.audio.samples.every((s) => s >= -1 && s <= 1)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
