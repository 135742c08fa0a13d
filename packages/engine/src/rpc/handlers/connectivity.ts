// Handlers for the engine's view of the relay and the providers.
import { connectivityFor } from '../../connectivity';
import type { EngineContext } from '../../context';
import type { HandlersFor } from '../server';

export function connectivityHandlers(ctx: EngineContext): HandlersFor<'connectivity.'> {
  return {
    'connectivity.status': () => connectivityFor(ctx).status(),
  };
}
