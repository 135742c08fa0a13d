// Offline speech: Piper voices (and espeak-ng's own voice as the fallback), synthesis
// of a voice message, recorded messages, and the audio assets both become. Recorded and
// synthesised audio share one id space: wherever a voice message is used, an audio id
// from either source works.
import { z } from 'zod';
import { method } from './rpc-core';

export const voiceEngines = ['piper', 'espeak'] as const;
export type VoiceEngine = (typeof voiceEngines)[number];

export const voiceInfoSchema = z.object({
  /** File name without `.onnx` for Piper voices ("sv_SE-nst-medium"); "espeak-sv" for the fallback. */
  id: z.string(),
  name: z.string(),
  engine: z.enum(voiceEngines),
  /** Where it lives: shipped with the app, installed by the user, or built in (espeak). */
  source: z.enum(['bundled', 'user', 'builtin']),
  /** Language code as the voice declares it ("sv_SE"). */
  language: z.string(),
  quality: z.string().nullable(),
  sampleRate: z.number().int(),
  /** Speaker names for multi-speaker voices; empty for single-speaker ones. */
  speakers: z.array(z.string()),
  status: z.enum(['ready', 'broken']),
  /** Why a voice is broken, in words the operator can act on. */
  problem: z.string().nullable(),
});
export type VoiceInfo = z.infer<typeof voiceInfoSchema>;

export const synthesisSettingsSchema = z.object({
  /** Speaking rate: 1 is the voice's own pace, 0.5 half as fast, 2 twice as fast. */
  rate: z.number().min(0.5).max(2).default(1),
  /** Variation in pronunciation and rhythm, relative to the voice's defaults (0 = flat). */
  variation: z.number().min(0).max(2).default(1),
  /** Silence after each sentence, milliseconds. */
  sentencePauseMs: z.number().int().min(0).max(3000).default(200),
  /** Speaker name for multi-speaker voices. */
  speaker: z.string().max(100).optional(),
});
export type SynthesisSettings = z.infer<typeof synthesisSettingsSchema>;

export const audioAssetKinds = ['tts', 'recording'] as const;

export const audioAssetSchema = z.object({
  id: z.string(),
  kind: z.enum(audioAssetKinds),
  label: z.string().nullable(),
  voiceId: z.string().nullable(),
  voiceEngine: z.enum(voiceEngines).nullable(),
  /** What the operator typed (synthesised audio only). */
  text: z.string().nullable(),
  sampleRate: z.number().int(),
  durationMs: z.number().int(),
  previewBytes: z.number().int(),
  telephonyBytes: z.number().int(),
  /** Silence removed from a recording's start and end, and the loudness gain applied. */
  trimmedStartMs: z.number().int().nullable(),
  trimmedEndMs: z.number().int().nullable(),
  gainDb: z.number().nullable(),
  createdAt: z.string(),
  /**
   * Whether this desktop holds the bytes. Another desktop's asset (organisation sync) arrives
   * without them: they are fetched from the relay's media store on first use.
   */
  local: z.boolean(),
});
export type AudioAsset = z.infer<typeof audioAssetSchema>;

export const synthesisResultSchema = z.object({
  audioId: z.string(),
  durationMs: z.number().int(),
  /** The voice that actually spoke, which differs from the one asked for after a fallback. */
  voiceId: z.string(),
  voiceName: z.string(),
  engine: z.enum(voiceEngines),
  /** Set when the fallback voice was used instead of the default voice, and why. */
  fallbackReason: z.string().nullable(),
  /** The words the voice read, after numbers, times and abbreviations were written out. */
  normalisedText: z.string(),
  /** True when identical audio already existed and was reused. */
  cached: z.boolean(),
});
export type SynthesisResult = z.infer<typeof synthesisResultSchema>;

/** Base64 of at most ~30 MB of audio: about three minutes of 48 kHz 16-bit mono. */
const MAX_AUDIO_BASE64 = 40_000_000;
const base64 = z
  .string()
  .max(MAX_AUDIO_BASE64, 'The audio is too large to send; record at most three minutes')
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Audio must be base64-encoded');

export const recordingInputSchema = z.discriminatedUnion('format', [
  /** A WAV file (any PCM/float/μ-law WAV). */
  z.object({ format: z.literal('wav'), data: base64 }),
  /** Raw little-endian samples from Web Audio, mono. */
  z.object({ format: z.enum(['pcm-f32le', 'pcm-s16le']), sampleRate: z.number().int().min(8000).max(96000), data: base64 }),
]);

export const recordingResultSchema = z.object({
  audioId: z.string(),
  durationMs: z.number().int(),
  trimmedStartMs: z.number().int(),
  trimmedEndMs: z.number().int(),
  gainDb: z.number(),
});

/** One file of a voice as the browser read it (a Piper model is ~60 MB, its config a few kB). */
export const voiceFileSchema = z.object({
  fileName: z.string().min(1).max(255),
  dataBase64: z.string().min(1, 'The file is empty').max(200_000_000, 'The file is larger than a Piper voice can be (150 MB)'),
});
export type VoiceFile = z.infer<typeof voiceFileSchema>;

export type VoiceFilePairing =
  | { ok: true; model: number; config: number | null }
  | { ok: false; problem: 'noModel' | 'severalModels' | 'severalConfigs' | 'otherFile'; name: string | null };

/**
 * Which of the files an operator chose or dropped is the voice's model (.onnx) and which
 * its config (.onnx.json, or any .json), by position. The config may be missing: a model
 * on disk has its config beside it; the console asks for it when it sends the bytes.
 */
export function pairVoiceFiles(names: readonly string[]): VoiceFilePairing {
  let model: number | null = null;
  let config: number | null = null;
  for (const [i, name] of names.entries()) {
    const lower = name.toLowerCase();
    if (lower.endsWith('.onnx')) {
      if (model !== null) return { ok: false, problem: 'severalModels', name };
      model = i;
    } else if (lower.endsWith('.json')) {
      if (config !== null) return { ok: false, problem: 'severalConfigs', name };
      config = i;
    } else return { ok: false, problem: 'otherFile', name };
  }
  if (model === null) return { ok: false, problem: 'noModel', name: null };
  return { ok: true, model, config };
}

export const audioForms = ['preview', 'telephony'] as const;

export const ttsMethods = {
  'tts.voices.list': method(z.object({}), z.object({ voices: z.array(voiceInfoSchema), defaultVoiceId: z.string() })),
  /**
   * Installs a Piper voice, the model loaded and run once to check it: from files the
   * engine can read (the desktop app's file dialog gives their paths), or from the files'
   * bytes (chosen or dropped in the browser, sent over the console's connection).
   */
  'tts.voices.install': method(
    z.union([
      z.object({
        modelPath: z.string().min(1, 'Choose the .onnx file of the voice'),
        /** Defaults to the model path plus ".json". */
        configPath: z.string().min(1).optional(),
        requestId: z.string().max(100).optional(),
      }),
      z.object({
        model: voiceFileSchema,
        config: voiceFileSchema,
        requestId: z.string().max(100).optional(),
      }),
    ]),
    z.object({ voice: voiceInfoSchema }),
  ),
  'tts.voices.remove': method(z.object({ voiceId: z.string().min(1) }), z.object({ removed: z.literal(true), defaultVoiceId: z.string() })),
  'tts.voices.setDefault': method(z.object({ voiceId: z.string().min(1) }), z.object({ defaultVoiceId: z.string() })),
  /** How the voice will read a text (numbers, times, abbreviations written out). */
  'tts.normalise': method(z.object({ text: z.string().max(5000) }), z.object({ normalisedText: z.string() })),
  'tts.synthesise': method(
    z.object({
      text: z
        .string()
        .trim()
        .min(1, 'Write the message to be spoken')
        .max(5000, 'The message is too long to speak (at most 5000 characters)'),
      /** Omitted: the default voice. */
      voiceId: z.string().min(1).optional(),
      settings: synthesisSettingsSchema.default({ rate: 1, variation: 1, sentencePauseMs: 200 }),
      requestId: z.string().max(100).optional(),
    }),
    synthesisResultSchema,
  ),
  'audio.saveRecording': method(
    z.object({ recording: recordingInputSchema, label: z.string().trim().max(200).optional() }),
    recordingResultSchema,
  ),
  /** Audio bytes: `preview` is the WAV at full quality, `telephony` the 8 kHz μ-law WAV calls play. */
  'audio.get': method(
    z.object({ audioId: z.string().min(1), form: z.enum(audioForms).default('preview') }),
    z.object({
      audioId: z.string(),
      form: z.enum(audioForms),
      contentType: z.literal('audio/wav'),
      bytes: z.number().int(),
      durationMs: z.number().int(),
      data: z.string(),
    }),
  ),
  'audio.describe': method(z.object({ audioId: z.string().min(1) }), audioAssetSchema),
  'audio.list': method(
    z.object({ kind: z.enum(audioAssetKinds).optional(), limit: z.number().int().min(1).max(500).default(100) }),
    z.object({ assets: z.array(audioAssetSchema) }),
  ),
};

export const ttsEvents = {
  /** Long TTS work reporting how far it has come (sentences synthesised, install stages). */
  'tts.progress': z.object({
    operation: z.enum(['synthesise', 'install']),
    requestId: z.string().nullable(),
    stage: z.string(),
    done: z.number().int(),
    total: z.number().int(),
  }),
};
