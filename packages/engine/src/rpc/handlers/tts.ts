// Handlers for speech and audio: voices, synthesis, recordings, audio bytes. The speech
// service is the engine's one instance, shared with the campaign engine, which renders and
// uploads voice messages through the same cache; it audits what it changes. Audio another
// desktop of the organisation made is fetched on first use (services/audio-media.ts).
import { DomainError } from '../../errors';
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

/** Largest audio `audio.get` returns inline; larger assets would stall the RPC channel. */
export const MAX_INLINE_AUDIO_BYTES = 24 * 1024 * 1024;

const fromBase64 = (data: string): Uint8Array => new Uint8Array(Buffer.from(data, 'base64'));

export function ttsHandlers({ tts, audioMedia }: Pick<EngineServices, 'tts' | 'audioMedia'>): HandlersFor<'tts.' | 'audio.'> {
  return {
    'tts.voices.list': () => tts.listVoices(),
    'tts.voices.install': async (input) => ({
      voice:
        'modelPath' in input
          ? await tts.installVoice(input.modelPath, input.configPath, input.requestId)
          : await tts.installVoiceFiles(input.model, input.config, input.requestId),
    }),
    'tts.voices.remove': async ({ voiceId }) => ({ removed: true as const, defaultVoiceId: await tts.removeVoice(voiceId) }),
    'tts.voices.setDefault': async ({ voiceId }) => ({ defaultVoiceId: await tts.setDefaultVoice(voiceId) }),
    'tts.normalise': ({ text }) => ({ normalisedText: tts.normalise(text) }),
    'tts.synthesise': (input) => tts.synthesise(input),
    'audio.saveRecording': ({ recording, label }) => {
      const data = fromBase64(recording.data);
      return recording.format === 'wav'
        ? tts.saveRecording({ format: 'wav', data }, label)
        : tts.saveRecording({ format: recording.format, sampleRate: recording.sampleRate, data }, label);
    },
    'audio.get': async ({ audioId, form }) => {
      // Another desktop's audio is fetched from the relay's media store on first use (and checked).
      await audioMedia.ensureLocal(audioId);
      const audio = tts.audio(audioId, form);
      if (audio.bytes.length > MAX_INLINE_AUDIO_BYTES) {
        throw new DomainError('PRECONDITION', `Audio ${audioId} is ${Math.round(audio.bytes.length / 1e6)} MB, too large to send inline`);
      }
      return {
        audioId,
        form,
        contentType: audio.contentType,
        bytes: audio.bytes.length,
        durationMs: audio.durationMs,
        data: Buffer.from(audio.bytes).toString('base64'),
      };
    },
    'audio.describe': ({ audioId }) => tts.describe(audioId),
    'audio.list': ({ kind, limit }) => ({ assets: tts.list(kind, limit) }),
  };
}
