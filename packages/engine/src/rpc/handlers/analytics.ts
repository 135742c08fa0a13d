// Handlers for the analytics across alerts (Analys).
import { alertAnalytics } from '../../campaigns/analytics';
import type { EngineContext } from '../../context';
import type { HandlersFor } from '../server';

export function analyticsHandlers({ ctx }: { ctx: EngineContext }): HandlersFor<'analytics.'> {
  return {
    'analytics.overview': (filter) => alertAnalytics(ctx.store.read, filter),
  };
}
