// One campaign service per engine, created on first use, so the RPC handlers, the engine
// entry (start/stop) and the relay client share the same dispatcher and progress stream.
import type { EngineContext } from '../context';
import { CampaignService, type CampaignServiceOptions } from './service';

const services = new WeakMap<EngineContext, CampaignService>();

export function campaignServiceFor(ctx: EngineContext, opts?: CampaignServiceOptions): CampaignService {
  let s = services.get(ctx);
  if (!s) {
    s = new CampaignService(ctx, opts);
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
