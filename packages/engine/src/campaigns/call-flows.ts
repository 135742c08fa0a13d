// Turns a campaign's voice message and confirmation settings into a call flow (TwiML
// documents built by the providers layer) and registers it where the provider fetches it:
// the relay in production, a local test server in tests. Audio assets are published first
// when the backend can host them; otherwise the script is spoken by the provider's voice.
import type { CallFlowRegistration } from '@gdial/protocol';
import { buildCallFlow } from '../providers/call-flow';
import { withDeliveryToken } from '../providers/types';
import type { CallFlowHost } from './ports';

/** error_code of a voice delivery whose audio is not on this desktop and could not be fetched. */
export const AUDIO_UNAVAILABLE = 'audio-unavailable';

/**
 * Thrown by `audioUrl` when the audio is not on this desktop and cannot be fetched from the
 * relay's media store now: the call is not placed, and the voice step waits as a failure of
 * the path does (held), the person's attempts untouched.
 */
export class AudioUnavailableError extends Error {
  override readonly name = 'AudioUnavailableError';
}

export interface CallFlowBackend {
  /** Stores the documents; returns the flow's voice URL (the delivery token is appended as `d`). */
  registerFlow(flow: CallFlowRegistration): Promise<{ url: string }>;
  /** Publishes an audio asset and returns the URL the provider plays. */
  audioUrl?(audioId: string): Promise<string>;
}

const english = {
  prompt: 'Press 1 to confirm that you have received this message.',
  confirmed: 'Thank you. Your confirmation has been registered. Goodbye.',
  retry: 'We did not hear an answer. The message will be repeated.',
  goodbye: 'We did not receive a confirmation. Goodbye.',
};

export function callFlowHost(backend: CallFlowBackend): CallFlowHost {
  return {
    async register(spec) {
      let message: { audioUrl: string } | { sayText: string };
      if (spec.audioId && backend.audioUrl) {
        message = { audioUrl: await backend.audioUrl(spec.audioId) };
      } else if (spec.script) {
        // No media host: the provider's voice reads the script.
        message = { sayText: spec.script };
      } else {
        throw new Error(`Audio ${spec.audioId ?? '(none)'} cannot be published: no media host is configured`);
      }
      const c = spec.confirmation;
      const docs = buildCallFlow({
        message,
        confirmDigits: c.dtmfDigits,
        maxAttempts: c.enabled ? c.maxVoiceAttempts : 1,
        ...(spec.language === 'en' ? { language: 'en-GB', voice: 'Polly.Amy', prompt: english.prompt, texts: english } : {}),
      });
      const { url } = await backend.registerFlow({ flowId: spec.flowId, ...docs });
      return { urlFor: (token: string) => withDeliveryToken(url, token) };
    },
  };
}
