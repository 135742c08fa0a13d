// Handlers for the engine's own methods: info, operator name, audit log.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function systemHandlers({ system }: Pick<EngineServices, 'system'>): HandlersFor<'system.' | 'audit.'> {
  return {
    'system.info': () => system.info(),
    'system.setOperator': ({ name }) => system.setOperator(name),
    'audit.list': (q) => system.audit(q),
  };
}
