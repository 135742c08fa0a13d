// All RPC handlers, merged from one file per domain. The return type makes a method
// declared in @gdial/protocol but not implemented here a compile error.
import type { EngineContext } from '../../context';
import type { Handlers } from '../server';
import { campaignsHandlers } from './campaigns';
import { connectivityHandlers } from './connectivity';
import { contactsHandlers } from './contacts';
import { systemHandlers } from './system';
import { ttsHandlers } from './tts';

export interface HandlerDeps {
  ctx: EngineContext;
  setOperator: (name: string) => void;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...systemHandlers(deps.ctx, deps.setOperator),
    ...ttsHandlers(deps.ctx),
    ...contactsHandlers(deps.ctx),
    ...campaignsHandlers(deps.ctx),
    ...connectivityHandlers(deps.ctx),
  };
}
