// One campaign service per engine, created on first use, so the RPC handlers, the engine
// entry (start/stop) and the relay client share the same dispatcher and progress stream.
import type { EngineContext } from '../context';
import { ttsServiceFor } from '../rpc/handlers/tts';
import { CampaignService, type CampaignServiceOptions } from './service';

const services = new WeakMap<EngineContext, CampaignService>();

export function campaignServiceFor(ctx: EngineContext, opts?: CampaignServiceOptions): CampaignService {
  let s = services.get(ctx);
  if (!s) {
    s = new CampaignService(ctx, {
      // The installed voices speak Swedish; English scripts are read by the provider's English voice.
      synthesiseVoice: callVoiceSynthesiser(ctx),
      ...opts,
    });
    services.set(ctx, s);
  }
  return s;
}

/**
 * Renders a call's typed message with offline TTS: with the template's voice, or the default
 * voice when it has none or it cannot speak (removed since). English has no offline voice;
 * the caller then lets the provider's voice read the script.
 */
export function callVoiceSynthesiser(ctx: EngineContext): NonNullable<CampaignServiceOptions['synthesiseVoice']> {
  return async (script, language, voiceId) => {
    if (language !== 'sv') throw new Error('no offline English voice');
    const tts = ttsServiceFor(ctx);
    if (voiceId) {
      try {
        return (await tts.synthesise({ text: script, voiceId })).audioId;
      } catch (err) {
        ctx.logger.warn({ err, voiceId }, "the template's voice cannot speak; using the default voice");
      }
    }
    return (await tts.synthesise({ text: script })).audioId;
  };
}

/** Stops dispatching (letting calls in flight persist their results); call before closing the store. */
export async function closeCampaignService(ctx: EngineContext): Promise<void> {
  const s = services.get(ctx);
  services.delete(ctx);
  await s?.close();
}
