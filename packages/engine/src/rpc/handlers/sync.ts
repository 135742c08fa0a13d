// Handlers for organisation sync's state and the organisation's desktops.
import { DomainError } from '../../errors';
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function syncHandlers({ sync }: Pick<EngineServices, 'sync'>): HandlersFor<'sync.'> {
  return {
    'sync.status': () => sync.status(),
    'sync.organisation': async () => {
      const view = await sync.organisation();
      if (!view.ok) throw new DomainError('UNAVAILABLE', view.message);
      return view.value;
    },
  };
}
