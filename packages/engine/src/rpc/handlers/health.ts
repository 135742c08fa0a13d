// Handlers for health alerts (the notification centre, Översikt, Inställningar → Hälsolarm).
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function healthHandlers({ health }: Pick<EngineServices, 'health'>): HandlersFor<'health.'> {
  return {
    'health.list': () => health.overview(),
    'health.acknowledge': ({ id }) => health.acknowledge(id),
    'health.setThresholds': (t) => health.setThresholds(t),
  };
}
