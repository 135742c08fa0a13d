// Handlers for speech and audio: voices, synthesis, recordings, audio bytes. The service
// itself is one per engine (see `ttsServiceFor`), shared with the campaign engine, which
// renders and uploads voice messages through the same instance and cache.
import type { EngineContext } from '../../context';
import { DomainError } from '../../errors';
import { recordAudit } from '../../store/audit';
import { TtsService } from '../../tts/service';
import type { HandlersFor } from '../server';

/** Largest audio `audio.get` returns inline; larger assets would stall the RPC channel. */
export const MAX_INLINE_AUDIO_BYTES = 24 * 1024 * 1024;

const services = new WeakMap<EngineContext, TtsService>();

/** The engine's speech service, created on first use. */
export function ttsServiceFor(ctx: EngineContext): TtsService {
  let service = services.get(ctx);
  if (!service) {
    service = new TtsService({ dataDir: ctx.dataDir, resourcesDir: ctx.resourcesDir, store: ctx.store, logger: ctx.logger, events: ctx.events });
    services.set(ctx, service);
  }
  return service;
}

/** Releases the loaded voices; call when the engine stops. */
export async function closeTtsService(ctx: EngineContext): Promise<void> {
  const service = services.get(ctx);
  services.delete(ctx);
  await service?.close();
}

const fromBase64 = (data: string): Uint8Array => new Uint8Array(Buffer.from(data, 'base64'));

export function ttsHandlers(ctx: EngineContext): HandlersFor<'tts.' | 'audio.'> {
  const tts = () => ttsServiceFor(ctx);
  return {
    'tts.voices.list': () => tts().listVoices(),
    'tts.voices.install': async ({ modelPath, configPath, requestId }) => {
      const voice = await tts().installVoice(modelPath, configPath, requestId);
      recordAudit(ctx.store.db, ctx.operator(), { action: 'voice.install', subjectType: 'voice', subjectId: voice.id, summary: `Installed voice ${voice.name}`, params: { name: voice.name } });
      return { voice };
    },
    'tts.voices.remove': async ({ voiceId }) => {
      const defaultVoiceId = await tts().removeVoice(voiceId);
      recordAudit(ctx.store.db, ctx.operator(), { action: 'voice.remove', subjectType: 'voice', subjectId: voiceId, summary: `Removed voice ${voiceId}`, params: { name: voiceId } });
      return { removed: true as const, defaultVoiceId };
    },
    'tts.voices.setDefault': async ({ voiceId }) => {
      const defaultVoiceId = await tts().setDefaultVoice(voiceId);
      recordAudit(ctx.store.db, ctx.operator(), { action: 'voice.default', subjectType: 'voice', subjectId: voiceId, summary: `Default voice set to ${voiceId}`, params: { name: voiceId } });
      return { defaultVoiceId };
    },
    'tts.normalise': ({ text }) => ({ normalisedText: tts().normalise(text) }),
    'tts.synthesise': (input) => tts().synthesise(input),
    'audio.saveRecording': ({ recording, label }) => {
      const data = fromBase64(recording.data);
      const result =
        recording.format === 'wav'
          ? tts().saveRecording({ format: 'wav', data }, label)
          : tts().saveRecording({ format: recording.format, sampleRate: recording.sampleRate, data }, label);
      recordAudit(ctx.store.db, ctx.operator(), { action: 'audio.record', subjectType: 'audio', subjectId: result.audioId, summary: `Recorded a voice message (${Math.round(result.durationMs / 100) / 10} s)`, params: { seconds: Math.round(result.durationMs / 100) / 10 } });
      return result;
    },
    'audio.get': ({ audioId, form }) => {
      const audio = tts().audio(audioId, form);
      if (audio.bytes.length > MAX_INLINE_AUDIO_BYTES) {
        throw new DomainError('PRECONDITION', `Audio ${audioId} is ${Math.round(audio.bytes.length / 1e6)} MB, too large to send inline`);
      }
      return { audioId, form, contentType: audio.contentType, bytes: audio.bytes.length, durationMs: audio.durationMs, data: Buffer.from(audio.bytes).toString('base64') };
    },
    'audio.describe': ({ audioId }) => tts().describe(audioId),
    'audio.list': ({ kind, limit }) => ({ assets: tts().list(kind, limit) }),
  };
}
