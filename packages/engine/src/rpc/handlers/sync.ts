// Handlers for organisation sync's state and the organisation's desktops.
import { DomainError } from '../../errors';
import type { EngineContext } from '../../context';
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function syncHandlers({
  sync,
  leases,
  ctx,
}: Pick<EngineServices, 'sync' | 'leases'> & { ctx: Pick<EngineContext, 'operator'> }): HandlersFor<'sync.'> {
  return {
    'sync.status': () => sync.status(),
    'sync.organisation': async () => {
      const view = await sync.organisation();
      if (!view.ok) throw new DomainError('UNAVAILABLE', view.message);
      const runs = leases.alertsByDevice();
      return { ...view.value, devices: view.value.devices.map((d) => ({ ...d, runs: runs.get(d.deviceId) ?? [] })) };
    },
    'sync.alertOwner': ({ campaignId }) => leases.ownerOf(campaignId),
    'sync.takeOver': ({ campaignId }) => leases.takeOver(campaignId, ctx.operator()),
    'sync.setAutoTakeOver': ({ enabled }) => {
      leases.setAutoTakeOver(enabled, ctx.operator());
      sync.announce();
      return sync.status();
    },
  };
}
