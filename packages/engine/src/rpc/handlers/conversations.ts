// Handlers for the conversations (Inkorg): the inbox as threads, their assignment and handled state.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function conversationsHandlers({ conversations }: Pick<EngineServices, 'conversations'>): HandlersFor<'conversations.'> {
  return {
    'conversations.list': (q) => ({ conversations: conversations.list(q) }),
    'conversations.get': ({ key }) => conversations.get(key),
    'conversations.assign': ({ key, assign }) => ({ changed: conversations.assign(key, assign) }),
    'conversations.reply': ({ key, text, templateId, burn }) => conversations.reply(key, { text, templateId, burn }),
    'conversations.markHandled': ({ key, handled }) => ({ changed: conversations.markHandled(key, handled) }),
  };
}
