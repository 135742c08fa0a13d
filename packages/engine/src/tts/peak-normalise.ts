// Piper's conversion of one sentence's float samples to 16-bit, exactly as piper.cpp does
// it, in float32 arithmetic: peak = max(0.01f, max|x|), scale = 32767f / peak, each sample
// x·scale clamped to the int16 range and truncated toward zero. A voice's output is tens
// of thousands of samples per sentence, and a plain JavaScript loop over them took longer
// than the rest of a short sentence's path outside inference (~0.17 ms for 27 000
// samples), so the two passes run as WebAssembly SIMD, four samples at a time (~0.03 ms
// with the copies in and out). Where WebAssembly SIMD is missing, or a sentence is huge,
// a scalar loop with the same float32 arithmetic gives the same samples.

/** Piper's floor for the peak, 0.01 as a float32: near-silence is amplified at most ~100×. */
const PEAK_FLOOR = Math.fround(0.01);

/**
 * The same conversion one sample at a time, with float32 rounding at each step as in
 * piper.cpp. NaN samples become 0 (their cast is undefined behaviour in Piper).
 */
export function peakNormaliseScalar(raw: Float32Array, out: Int16Array, offset = 0): void {
  let peak = PEAK_FLOOR;
  for (let i = 0; i < raw.length; i++) {
    const a = Math.abs(raw[i]!);
    if (a > peak) peak = a;
  }
  const scale = Math.fround(32767 / peak);
  for (let i = 0; i < raw.length; i++) {
    const v = Math.fround(raw[i]! * scale);
    // Storing into an Int16Array truncates toward zero, as Piper's static_cast does.
    out[offset + i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}

// --- the WebAssembly kernel -------------------------------------------------------------
// One exported function over the module's own memory; in WebAssembly text format:
//
//   (func (export "normalise") (param $src i32) (param $dst i32) (param $n i32) (result f32)
//     ;; $n floats at $src, a multiple of 8 (the caller pads with zeros, which change no peak)
//     (local $i i32) (local $end i32) (local $m v128) (local $peak f32) (local $scale v128)
//     end = src + n*4;  m = splat(0.01f)
//     for (i = src; i < end; i += 16) m = f32x4.pmax(m, f32x4.abs(load(i)))
//         ;; pmax(m, x) is `m < x ? x : m`: a NaN sample never becomes the peak, as in Piper
//     peak = max of m's four lanes;  scale = splat(32767f / peak)
//     for (i = src; i < end; i += 32, dst += 16)
//       store(dst, i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(load(i) * scale),
//                                        i32x4.trunc_sat_f32x4_s(load(i + 16) * scale)))
//         ;; trunc_sat truncates toward zero (NaN → 0) and narrow_s saturates to int16:
//         ;; together Piper's clamp and static_cast
//     return peak)

const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
};
const f32Bytes = (v: number): number[] => Array.from(new Uint8Array(Float32Array.of(v).buffer));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions, named as in the WebAssembly specification.
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const i32Const = (v: number) => [0x41, ...uleb(v)];
const f32Const = (v: number) => [0x43, ...f32Bytes(v)];
const i32Add = [0x6a];
const i32Shl = [0x74];
const i32GeU = [0x4f];
const f32Div = [0x95];
const f32Max = [0x97];
const simd = (op: number, ...immediates: number[]) => [0xfd, ...uleb(op), ...immediates];
const v128Load = (offset: number) => simd(0x00, 4, ...uleb(offset)); // align 2^4
const v128Store = simd(0x0b, 4, 0);
const f32x4Splat = simd(0x13);
const f32x4ExtractLane = (lane: number) => simd(0x1f, lane);
const f32x4Abs = simd(0xe0);
const f32x4Mul = simd(0xe6);
const f32x4Pmax = simd(0xeb);
const i32x4TruncSatF32x4S = simd(0xf8);
const i16x8NarrowI32x4S = simd(0x85);
/** `block (loop (br_if 1 (i >= end)) …body… (br 0))`: runs body while local i < local end. */
const whileBelow = (i: number, end: number, body: number[]) => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(i),
  ...get(end),
  ...i32GeU,
  0x0d,
  1,
  ...body,
  0x0c,
  0,
  0x0b,
  0x0b,
];

function kernelBytes(): Uint8Array<ArrayBuffer> {
  const [src, dst, n, i, end, m, peak, scale] = [0, 1, 2, 3, 4, 5, 6, 7];
  const scaled = (offset: number) => [...get(i), ...v128Load(offset), ...get(scale), ...f32x4Mul, ...i32x4TruncSatF32x4S];
  const code = [
    ...[4, 2, I32, 1, V128, 1, F32, 1, V128], // locals: i end, m, peak, scale
    ...get(src),
    ...get(n),
    ...i32Const(2),
    ...i32Shl,
    ...i32Add,
    ...set(end),
    ...f32Const(0.01),
    ...f32x4Splat,
    ...set(m),
    ...get(src),
    ...set(i),
    ...whileBelow(i, end, [
      ...get(m),
      ...get(i),
      ...v128Load(0),
      ...f32x4Abs,
      ...f32x4Pmax,
      ...set(m),
      ...get(i),
      ...i32Const(16),
      ...i32Add,
      ...set(i),
    ]),
    ...get(m),
    ...f32x4ExtractLane(0),
    ...get(m),
    ...f32x4ExtractLane(1),
    ...f32Max,
    ...get(m),
    ...f32x4ExtractLane(2),
    ...get(m),
    ...f32x4ExtractLane(3),
    ...f32Max,
    ...f32Max,
    ...set(peak),
    ...f32Const(32767),
    ...get(peak),
    ...f32Div,
    ...f32x4Splat,
    ...set(scale),
    ...get(src),
    ...set(i),
    ...whileBelow(i, end, [
      ...get(dst),
      ...scaled(0),
      ...scaled(16),
      ...i16x8NarrowI32x4S,
      ...v128Store,
      ...get(i),
      ...i32Const(32),
      ...i32Add,
      ...set(i),
      ...get(dst),
      ...i32Const(16),
      ...i32Add,
      ...set(dst),
    ]),
    ...get(peak),
    0x0b,
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, F32]), // type 0: (i32 i32 i32) → f32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory, at least one page
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('normalise'), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

interface Kernel {
  memory: WebAssembly.Memory;
  normalise(src: number, dst: number, n: number): number;
}

/** Sentences needing more kernel memory than this take the scalar path, so memory that a
 * WebAssembly instance can never give back stays bounded (this is ~90 s of 22 kHz audio). */
const KERNEL_MAX_BYTES = 12 * 1024 * 1024;

let kernel: Kernel | null | undefined;

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = kernelBytes();
    // An engine without SIMD refuses the module; the scalar loop does the same job.
    kernel = WebAssembly.validate(bytes) ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Kernel) : null;
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether the WebAssembly SIMD kernel is in use (false: the scalar loop is). */
export function peakKernelAvailable(): boolean {
  return loadKernel() !== null;
}

/**
 * Piper's 16-bit conversion of one sentence, written into `out` from `offset`: the
 * sentence is brought to full scale on its own, as Piper does before joining sentences.
 */
export function peakNormaliseInto(raw: Float32Array, out: Int16Array, offset = 0): void {
  const k = loadKernel();
  const n = raw.length;
  const padded = (n + 7) & ~7;
  const dst = padded * 4;
  const need = dst + padded * 2;
  if (!k || need > KERNEL_MAX_BYTES) {
    peakNormaliseScalar(raw, out, offset);
    return;
  }
  if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
  const input = new Float32Array(k.memory.buffer, 0, padded);
  input.set(raw);
  input.fill(0, n);
  k.normalise(0, dst, padded);
  out.set(new Int16Array(k.memory.buffer, dst, n), offset);
}

/** Piper's 16-bit conversion of one sentence, as a new array. */
export function peakNormalise(raw: Float32Array): Int16Array {
  const out = new Int16Array(raw.length);
  peakNormaliseInto(raw, out, 0);
  return out;
}
