import { describe, expect, it } from 'vitest';
import { bytesToBase64, concatSamples, floatToS16LeBytes, formatDuration, meterPercent, peakDbfs } from '../src/components/pcm';

describe('PCM for recordings', () => {
  it('joins chunks in order', () => {
    expect(
      [...concatSamples([new Float32Array([0.1, 0.2]), new Float32Array([]), new Float32Array([0.3])])].map((x) => +x.toFixed(2)),
    ).toEqual([0.1, 0.2, 0.3]);
  });

  it('writes little-endian 16-bit samples, clamping and zeroing non-finite values', () => {
    const bytes = floatToS16LeBytes(new Float32Array([0, 1, -1, 2, -2, Number.NaN, 0.5]));
    const view = new DataView(bytes.buffer);
    const read = (i: number) => view.getInt16(i * 2, true);
    expect([0, 1, 2, 3, 4, 5].map(read)).toEqual([0, 32767, -32768, 32767, -32768, 0]);
    expect(read(6)).toBe(16384);
    expect(bytes[2]).toBe(0xff); // 32767 = 0x7fff, low byte first
    expect(bytes[3]).toBe(0x7f);
  });

  it('base64-encodes large buffers the same as Node does', () => {
    const bytes = new Uint8Array(200_001).map((_, i) => (i * 31) % 256);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('measures peak level in dBFS and maps it to the meter', () => {
    expect(peakDbfs(new Float32Array(10))).toBe(-Infinity);
    expect(peakDbfs(new Float32Array([0.1, -1]))).toBeCloseTo(0);
    expect(peakDbfs(new Float32Array([0.5]))).toBeCloseTo(-6.02, 1);
    expect(meterPercent(-Infinity)).toBe(0);
    expect(meterPercent(-90)).toBe(0);
    expect(meterPercent(-30)).toBe(50);
    expect(meterPercent(3)).toBe(100);
  });

  it('formats durations as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(165_000)).toBe('2:45');
  });
});
