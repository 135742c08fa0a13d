// Raw PCM handling for microphone recordings: the browser captures float samples in
// chunks; the engine's save-recording call takes them as little-endian bytes in base64 and
// does the trimming, loudness and telephony conversion itself. Also the level meter's maths.

/** Joins captured chunks into one buffer (the recorder keeps them as they arrive). */
export function concatSamples(chunks: readonly Float32Array[]): Float32Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Float32Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** base64 of bytes, in slices so a three-minute recording does not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

/**
 * Samples as little-endian signed 16-bit integers (the `pcm-s16le` recording format),
 * clamped to ±1 first. 16 bits keep three minutes at 48 kHz well inside the RPC size limit.
 */
export function floatToS16LeBytes(samples: Float32Array): Uint8Array {
  const view = new DataView(new ArrayBuffer(samples.length * 2));
  for (let i = 0; i < samples.length; i++) {
    const raw = samples[i]!;
    const s = Number.isFinite(raw) ? Math.max(-1, Math.min(1, raw)) : 0;
    view.setInt16(i * 2, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
  }
  return new Uint8Array(view.buffer);
}

/** Peak level of a chunk in dBFS (−∞ for silence), what the meter shows. */
export function peakDbfs(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]!);
    if (a > peak) peak = a;
  }
  return peak === 0 ? -Infinity : 20 * Math.log10(peak);
}

/** Maps dBFS to 0–100 for a meter spanning −60 dBFS (empty) to 0 dBFS (full). */
export function meterPercent(dbfs: number): number {
  if (!Number.isFinite(dbfs)) return 0;
  return Math.max(0, Math.min(100, ((dbfs + 60) / 60) * 100));
}

/** Seconds as m:ss for durations the operator reads (0:07, 2:45). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
