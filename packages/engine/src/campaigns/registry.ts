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
      synthesiseVoice: async (script, language) => {
        if (language !== 'sv') throw new Error('no offline English voice');
        return (await ttsServiceFor(ctx).synthesise({ text: script })).audioId;
      },
      ...opts,
    });
    services.set(ctx, s);
  }
  return s;
}

/** Stops dispatching (letting calls in flight persist their results); call before closing the store. */
export async function closeCampaignService(ctx: EngineContext): Promise<void> {
  const s = services.get(ctx);
  services.delete(ctx);
  await s?.close();
}
