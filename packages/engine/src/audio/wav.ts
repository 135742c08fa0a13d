// Reading and writing RIFF/WAVE files. We write two kinds: 16-bit PCM mono (what the
// operator previews, at the voice's own rate) and 8 kHz μ-law mono (what a phone call
// plays). We read what a browser or another tool may hand us: PCM 8/16/24/32-bit, IEEE
// float, μ-law, in any channel count (mixed down to mono), including the extensible
// header. A file we cannot read gets an error that says what is wrong with it.
import { decodeMulaw } from './mulaw';

/** Mono audio as floats in [-1, 1]: the form every processing step works on. */
export interface MonoAudio {
  sampleRate: number;
  samples: Float32Array;
}

export type WavDecodeResult = { ok: true; audio: MonoAudio; format: WavFormatInfo } | { ok: false; error: string };

export interface WavFormatInfo {
  encoding: 'pcm' | 'float' | 'mulaw';
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

const ascii = (bytes: Uint8Array, at: number, len: number): string => String.fromCharCode(...bytes.subarray(at, at + len));

export function decodeWav(bytes: Uint8Array): WavDecodeResult {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    return { ok: false, error: 'not a WAV file (no RIFF/WAVE header)' };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | null = null;
  let data: Uint8Array | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at, 4);
    const declared = view.getUint32(at + 4, true);
    const body = at + 8;
    // Streaming writers leave the size at 0 or 0xFFFFFFFF; take what is there.
    const size = Math.min(declared, bytes.length - body);
    if (id === 'fmt ') {
      if (size < 16) return { ok: false, error: 'WAV format chunk is too short' };
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE && size >= 26) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      data = bytes.subarray(body, body + (declared === 0 || declared === 0xffffffff ? bytes.length - body : size));
      if (fmt) break;
    }
    at = body + size + (size % 2);
  }
  if (!fmt) return { ok: false, error: 'WAV file has no format chunk' };
  if (!data) return { ok: false, error: 'WAV file has no data chunk' };
  const { format, channels, sampleRate, bits } = fmt;
  if (channels < 1 || channels > 16) return { ok: false, error: `WAV file declares ${channels} channels` };
  if (sampleRate < 4000 || sampleRate > 384000) return { ok: false, error: `WAV sample rate ${sampleRate} Hz is not supported` };

  let encoding: WavFormatInfo['encoding'];
  let read: (offset: number) => number;
  let bytesPerSample: number;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (format === FORMAT_PCM && bits === 16) {
    encoding = 'pcm';
    bytesPerSample = 2;
    read = (o) => dv.getInt16(o, true) / 32768;
  } else if (format === FORMAT_PCM && bits === 8) {
    encoding = 'pcm';
    bytesPerSample = 1;
    read = (o) => (dv.getUint8(o) - 128) / 128;
  } else if (format === FORMAT_PCM && bits === 24) {
    encoding = 'pcm';
    bytesPerSample = 3;
    read = (o) => (dv.getUint8(o) | (dv.getUint8(o + 1) << 8) | (dv.getInt8(o + 2) << 16)) / 8388608;
  } else if (format === FORMAT_PCM && bits === 32) {
    encoding = 'pcm';
    bytesPerSample = 4;
    read = (o) => dv.getInt32(o, true) / 2147483648;
  } else if (format === FORMAT_FLOAT && bits === 32) {
    encoding = 'float';
    bytesPerSample = 4;
    read = (o) => dv.getFloat32(o, true);
  } else if (format === FORMAT_FLOAT && bits === 64) {
    encoding = 'float';
    bytesPerSample = 8;
    read = (o) => dv.getFloat64(o, true);
  } else if (format === FORMAT_MULAW && bits === 8) {
    encoding = 'mulaw';
    bytesPerSample = 1;
    const table = decodeMulaw(Uint8Array.from({ length: 256 }, (_, i) => i));
    read = (o) => table[dv.getUint8(o)]! / 32768;
  } else {
    return { ok: false, error: `WAV encoding ${format} with ${bits} bits per sample is not supported (use 16-bit PCM)` };
  }

  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(data.length / frameBytes);
  const samples = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(f * frameBytes + c * bytesPerSample);
    const v = sum / channels;
    // Float files may carry NaN or values past full scale; neither may reach a phone line.
    samples[f] = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  }
  return { ok: true, audio: { sampleRate, samples }, format: { encoding, bitsPerSample: bits, channels, sampleRate } };
}

function header(view: DataView, fmtSize: number, dataSize: number, extraChunks: number): void {
  const w = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i));
  };
  w(0, 'RIFF');
  view.setUint32(4, 4 + (8 + fmtSize) + extraChunks + (8 + dataSize + (dataSize % 2)), true);
  w(8, 'WAVE');
  w(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
}

/** 16-bit PCM mono WAV. */
export function encodeWavPcm16(samples: Int16Array, sampleRate: number): Uint8Array {
  const dataSize = samples.length * 2;
  const out = new Uint8Array(44 + dataSize);
  const view = new DataView(out.buffer);
  header(view, 16, dataSize, 0);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  out.set([0x64, 0x61, 0x74, 0x61], 36); // "data"
  view.setUint32(40, dataSize, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i]!, true);
  return out;
}

/**
 * μ-law mono WAV. Non-PCM formats carry an 18-byte format chunk and a `fact` chunk with
 * the sample count, as the WAVE specification asks; strict players refuse them otherwise.
 */
export function encodeWavMulaw(mulaw: Uint8Array, sampleRate: number): Uint8Array {
  const dataSize = mulaw.length;
  const pad = dataSize % 2;
  const out = new Uint8Array(58 + dataSize + pad);
  const view = new DataView(out.buffer);
  header(view, 18, dataSize, 12);
  view.setUint16(20, FORMAT_MULAW, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  view.setUint16(36, 0, true); // cbSize
  out.set([0x66, 0x61, 0x63, 0x74], 38); // "fact"
  view.setUint32(42, 4, true);
  view.setUint32(46, mulaw.length, true);
  out.set([0x64, 0x61, 0x74, 0x61], 50); // "data"
  view.setUint32(54, dataSize, true);
  out.set(mulaw, 58);
  return out;
}

/** Float samples in [-1, 1] to 16-bit, rounding and clamping. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i]! * 32767);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}
