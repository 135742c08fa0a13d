// Sample-rate conversion with a windowed-sinc low-pass, so that going from a voice's
// 22.05 kHz (or a microphone's 48 kHz) down to the phone network's 8 kHz does not fold
// the energy above 4 kHz back into the speech band as hiss and whistles.

/** Zero crossings of the sinc on each side of an output sample. */
const ZERO_CROSSINGS = 8;
/** The pass band ends a little below the new Nyquist frequency so the transition fits. */
const CUTOFF = 0.92;
/** Kernel table resolution, in steps per input sample (linear interpolation between). */
const TABLE_STEPS = 512;

function blackman(x: number): number {
  // x in [-1, 1]
  const t = (x + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * t) + 0.08 * Math.cos(4 * Math.PI * t);
}

export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`invalid sample rates ${fromRate} → ${toRate}`);
  if (fromRate === toRate) return input.slice();
  const ratio = fromRate / toRate;
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  // Cut-off relative to the input rate: the lower of the two Nyquist frequencies.
  const fc = (CUTOFF * Math.min(1, 1 / ratio)) / 2; // cycles per input sample
  const halfWidth = Math.ceil(ZERO_CROSSINGS / (2 * fc)); // input samples each side
  // The kernel is tabulated once; evaluating sin() per tap would cost a second per minute.
  const table = new Float64Array(halfWidth * TABLE_STEPS + 2);
  for (let i = 0; i < table.length; i++) {
    const d = i / TABLE_STEPS;
    const x = 2 * fc * d;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    table[i] = d >= halfWidth ? 0 : sinc * blackman(d / halfWidth);
  }
  for (let n = 0; n < outLength; n++) {
    const center = n * ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(center + halfWidth));
    let acc = 0;
    let norm = 0;
    for (let k = first; k <= last; k++) {
      const pos = Math.abs(k - center) * TABLE_STEPS;
      const i = Math.floor(pos);
      const frac = pos - i;
      const w = table[i]! + (table[i + 1]! - table[i]!) * frac;
      acc += input[k]! * w;
      norm += w;
    }
    // Normalising by the kernel sum keeps DC gain at exactly 1, at the edges too.
    out[n] = norm !== 0 ? acc / norm : 0;
  }
  return out;
}
