// Handlers for the engine's view of the relay and the providers, and for configuring them.
import { connectivityFor } from '../../connectivity';
import { checkRelay } from '../../connectivity/relay-check';
import { connectivitySetupFor } from '../../connectivity/setup';
import type { EngineContext } from '../../context';
import type { HandlersFor } from '../server';

export function connectivityHandlers(ctx: EngineContext): HandlersFor<'connectivity.'> {
  return {
    'connectivity.status': () => connectivityFor(ctx).status(),
    'connectivity.setup': () => connectivitySetupFor(ctx).view(),
    'connectivity.saveSetup': (input) => connectivitySetupFor(ctx).save(input),
    'connectivity.reloadSetup': () => connectivitySetupFor(ctx).reload(),
    'connectivity.checkRelay': ({ url }) => checkRelay(url),
  };
}
