// The .onnx.json file Piper writes next to each voice, checked with zod. Only what we use
// is required; everything else a newer Piper adds passes through untouched.
import { z } from 'zod';

const singleCodepoint = (s: string): boolean => Array.from(s).length === 1;

export const piperConfigSchema = z
  .object({
    audio: z.object({
      sample_rate: z.number().int().min(8000, 'sample rate below 8000 Hz').max(48000, 'sample rate above 48000 Hz'),
      quality: z.string().optional(),
    }),
    espeak: z.object({ voice: z.string().min(1) }),
    inference: z
      .object({
        noise_scale: z.number().min(0).max(2).default(0.667),
        length_scale: z.number().positive().max(4).default(1),
        noise_w: z.number().min(0).max(2).default(0.8),
      })
      .default({ noise_scale: 0.667, length_scale: 1, noise_w: 0.8 }),
    phoneme_type: z.literal('espeak', { error: 'only voices with phoneme_type "espeak" are supported' }).default('espeak'),
    phoneme_map: z.record(z.string(), z.array(z.string())).default({}),
    phoneme_id_map: z
      .record(
        z.string().refine(singleCodepoint, 'phoneme_id_map keys must be single characters'),
        z.array(z.number().int().nonnegative()).min(1),
      )
      .refine((m) => ['_', '^', '$'].every((k) => k in m), 'phoneme_id_map must contain "_", "^" and "$"'),
    num_speakers: z.number().int().min(1),
    speaker_id_map: z.record(z.string(), z.number().int().nonnegative()).default({}),
    language: z
      .object({ code: z.string().optional(), name_english: z.string().optional(), name_native: z.string().optional() })
      .loose()
      .optional(),
    dataset: z.string().optional(),
    piper_version: z.string().optional(),
  })
  .loose();

export type PiperConfig = z.infer<typeof piperConfigSchema>;

export type ConfigParseResult = { ok: true; config: PiperConfig } | { ok: false; error: string };

export function parsePiperConfig(jsonText: string): ConfigParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText);
  } catch (err) {
    return { ok: false, error: `the voice config is not valid JSON (${(err as Error).message})` };
  }
  const parsed = piperConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, error: `the voice config is not a Piper voice config: ${first}` };
  }
  return { ok: true, config: parsed.data };
}
