// All RPC handlers, merged from one file per domain. The return type makes a method
// declared in @gdial/protocol but not implemented here a compile error. Handlers get the
// services built by the composition root (services/index.ts); they validate nothing the
// contract has not already checked, call one service, and map its result.
import type { EngineContext } from '../../context';
import type { EngineServices } from '../../services';
import type { Handlers } from '../server';
import { aiHandlers } from './ai';
import { analyticsHandlers } from './analytics';
import { backupsHandlers } from './backups';
import { campaignsHandlers } from './campaigns';
import { capHandlers } from './cap';
import { connectivityHandlers } from './connectivity';
import { contactsHandlers } from './contacts';
import { conversationsHandlers } from './conversations';
import { healthHandlers } from './health';
import { identityHandlers } from './identity';
import { syncHandlers } from './sync';
import { systemHandlers } from './system';
import { ttsHandlers } from './tts';

export function createHandlers(services: EngineServices, ctx: EngineContext): Handlers {
  return {
    ...systemHandlers(services),
    ...ttsHandlers(services),
    ...contactsHandlers(services),
    ...campaignsHandlers({ ...services, ctx }),
    ...conversationsHandlers(services),
    ...connectivityHandlers(services),
    ...syncHandlers({ ...services, ctx }),
    ...backupsHandlers(services),
    ...healthHandlers(services),
    ...identityHandlers(services),
    ...capHandlers(services),
    ...analyticsHandlers({ ctx }),
    ...aiHandlers(services),
  };
}
