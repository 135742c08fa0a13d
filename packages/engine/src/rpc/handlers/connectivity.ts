// Handlers for the engine's view of the relay and the providers, and for configuring them.
import type { EngineServices } from '../../services';
import { checkRelay } from '../../services/connectivity/relay-check';
import type { HandlersFor } from '../server';

export function connectivityHandlers({
  connectivity,
  setup,
}: Pick<EngineServices, 'connectivity' | 'setup'>): HandlersFor<'connectivity.'> {
  return {
    'connectivity.status': () => connectivity.status(),
    'connectivity.setup': () => setup.view(),
    'connectivity.saveSetup': (input) => setup.save(input),
    'connectivity.reloadSetup': () => setup.reload(),
    'connectivity.checkRelay': ({ url }) => checkRelay(url),
  };
}
