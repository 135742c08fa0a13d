// Handlers for the bell (what an operator must not miss) and the health alerts (Översikt,
// Inställningar → Hälsolarm).
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function healthHandlers({
  health,
  notifications,
}: Pick<EngineServices, 'health' | 'notifications'>): HandlersFor<'health.' | 'notifications.'> {
  return {
    'notifications.list': () => notifications.list(),
    'notifications.markRead': ({ keys }) => notifications.markRead(keys),
    'health.list': () => health.overview(),
    'health.acknowledge': ({ id }) => health.acknowledge(id),
    'health.setThresholds': (t) => health.setThresholds(t),
  };
}
