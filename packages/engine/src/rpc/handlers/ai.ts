// Handlers for AI assistance: its settings (Inställningar → AI-stöd), the proposals the
// template editor asks for, and the suggested classes and summary of replies.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function aiHandlers({ ai }: Pick<EngineServices, 'ai'>): HandlersFor<'ai.'> {
  return {
    'ai.status': () => ai.status(),
    'ai.settings.save': (input) => ai.saveSettings(input),
    'ai.usage.list': ({ limit }) => ({ uses: ai.usage(limit) }),
    'ai.draftAlert': (input) => ai.draftAlert(input),
    'ai.simplify': (input) => ai.simplify(input),
    'ai.translate': (input) => ai.translate(input),
    'ai.classifyReplies': (input) => ai.classifyReplies(input),
    'ai.replySuggestions': ({ inboxIds }) => ({ suggestions: ai.replySuggestions(inboxIds) }),
    'ai.summariseReplies': (input) => ai.summariseReplies(input),
  };
}
