// One Piper voice loaded into onnxruntime, fed exactly as Piper feeds it: `input` int64
// [1,N] phoneme ids, `input_lengths` int64 [1], `scales` float32 [noise_scale,
// length_scale, noise_w], and `sid` int64 [1] only for multi-speaker voices. The output
// is read by its element count, whatever its rank ([1,1,T] or [1,1,1,T]). Loading checks
// the model's signature and runs it once, so a broken file is refused at install time
// with a reason, not at the moment an alert has to go out.
import { readFile, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { PiperConfig } from './voice-config';

export { peakNormalise } from './peak-normalise';

export interface InferenceScales {
  noiseScale: number;
  lengthScale: number;
  noiseW: number;
  speakerId?: number;
}

export type VoiceLoadResult = { ok: true; voice: PiperVoice } | { ok: false; error: string };

/** Real voices are ~63 MB; anything this large is not a Piper voice we would ship. */
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

interface ExpectedInput {
  name: string;
  type: ort.Tensor.Type;
}

export class PiperVoice {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly config: PiperConfig,
  ) {}

  get sampleRate(): number {
    return this.config.audio.sample_rate;
  }

  get multiSpeaker(): boolean {
    return this.config.num_speakers > 1;
  }

  /** `threads`: onnxruntime's intra-op threads; by default onnxruntime picks one per core. */
  static async load(modelPath: string, config: PiperConfig, opts: { threads?: number } = {}): Promise<VoiceLoadResult> {
    let bytes: Uint8Array;
    try {
      const info = await stat(modelPath);
      if (info.size > MAX_MODEL_BYTES)
        return { ok: false, error: `the model file is ${Math.round(info.size / 1e6)} MB, larger than any Piper voice` };
      bytes = await readFile(modelPath);
    } catch (err) {
      return { ok: false, error: `the model file cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
    // The model goes to onnxruntime as bytes, not as a path: native path handling has
    // tripped over non-ASCII profile directories (C:\Users\Åsa\…) on Windows.
    // An ONNX model is a protobuf whose first field is ir_version (field 1, varint).
    if (bytes.length < 16 || bytes[0] !== 0x08) return { ok: false, error: 'the model file is not an ONNX model' };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        logSeverityLevel: 3,
        graphOptimizationLevel: 'all',
        ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1, executionMode: 'sequential' as const } : {}),
      });
    } catch (err) {
      return { ok: false, error: `onnxruntime cannot load the model: ${firstLine(err)}` };
    }
    const problem = checkSignature(session, config);
    if (problem) {
      await session.release();
      return { ok: false, error: problem };
    }
    const voice = new PiperVoice(session, config);
    // One tiny inference proves the graph runs, not just that it parses.
    try {
      const idMap = config.phoneme_id_map;
      const probe = [...idMap['^']!, ...idMap['_']!, ...idMap['$']!];
      const out = await voice.infer(probe, { noiseScale: 0, lengthScale: 1, noiseW: 0, speakerId: 0 });
      if (!out.every(Number.isFinite)) throw new Error('the output contains NaN or infinite samples');
    } catch (err) {
      await session.release();
      return { ok: false, error: `the model fails when run: ${firstLine(err)}` };
    }
    return { ok: true, voice };
  }

  /** Raw model output for one sentence's ids, as float samples. */
  async infer(ids: readonly number[], scales: InferenceScales): Promise<Float32Array> {
    const n = ids.length;
    // A plain loop: BigInt64Array.from with a mapping function costs ~10 µs a sentence.
    const input = new BigInt64Array(n);
    for (let i = 0; i < n; i++) input[i] = BigInt(ids[i]!);
    const feeds: Record<string, ort.Tensor> = {
      input: new ort.Tensor('int64', input, [1, n]),
      input_lengths: new ort.Tensor('int64', BigInt64Array.of(BigInt(n)), [1]),
      scales: new ort.Tensor('float32', Float32Array.of(scales.noiseScale, scales.lengthScale, scales.noiseW), [3]),
    };
    if (this.multiSpeaker) feeds.sid = new ort.Tensor('int64', BigInt64Array.of(BigInt(scales.speakerId ?? 0)), [1]);
    const results = await this.session.run(feeds);
    const output = results.output;
    if (!output || output.type !== 'float32') throw new Error('the model returned no float32 "output"');
    // onnxruntime-node gives CPU outputs an ArrayBuffer of their own (a copy, or one that
    // holds onnxruntime's buffer until it is garbage-collected), and disposing of a CPU
    // tensor frees nothing: the samples are used as they are, not copied again.
    return output.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function checkSignature(session: ort.InferenceSession, config: PiperConfig): string | null {
  const expected: ExpectedInput[] = [
    { name: 'input', type: 'int64' },
    { name: 'input_lengths', type: 'int64' },
    { name: 'scales', type: 'float32' },
  ];
  if (config.num_speakers > 1) expected.push({ name: 'sid', type: 'int64' });
  const meta = new Map(session.inputMetadata.map((m) => [m.name, m]));
  for (const want of expected) {
    const got = meta.get(want.name);
    if (!got) return `the model has no input "${want.name}" (inputs: ${session.inputNames.join(', ')}); it is not a Piper voice`;
    if (got.isTensor && got.type !== want.type) return `the model's input "${want.name}" is ${got.type}, Piper voices take ${want.type}`;
  }
  const extra = session.inputNames.filter((n) => !expected.some((e) => e.name === n));
  if (extra.includes('sid')) return 'the model takes a speaker id but its config says it has one speaker (num_speakers)';
  if (extra.length > 0) return `the model takes inputs Piper does not provide: ${extra.join(', ')}`;
  if (!session.outputNames.includes('output')) return `the model has no output "output" (outputs: ${session.outputNames.join(', ')})`;
  const out = session.outputMetadata.find((m) => m.name === 'output');
  if (out?.isTensor && out.type !== 'float32') return `the model's output is ${out.type}, Piper voices produce float32`;
  return null;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 300);
}
