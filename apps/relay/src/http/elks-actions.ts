// Call flows as 46elks call actions (JSON), the way /twiml serves them to Twilio:
//   GET|POST /elks-actions/:tenant/:flowId?d=<token>&s=<secret>           → the first action
//   POST     /elks-actions/:tenant/:flowId/ivr?d=<token>&a=<attempt>&s=… → commits the digit
//            (46elks posts it as `result`) as an `elks.ivr` event, then answers what follows.
// 46elks signs nothing, so every request must carry the tenant's callback secret. 46elks
// plays audio but cannot speak text: a flow is served from the audio its TwiML plays (the
// message the engine published), and the same confirmed / retry / goodbye decision as for
// Twilio follows each ivr. A flow without audio cannot be run by 46elks and is refused.
import express, { type Request, type Response, type Router } from 'express';
import type { CallFlowRegistration } from '@gdial/protocol';
import { elksItem, verifyElks } from '../ingest/elks';
import { parseForm } from '../ingest/twilio';
import { queryOf } from '../ingest/webhook';
import type { FailureThrottle } from '../ops/rate-limit';
import { loadCallFlow } from '../store/callflows';
import { commitFlowEvent, flowBody, flowTenantFirst, rawBodyOf, type FlowLocals } from './call-flow-requests';
import { rateLimit } from './middleware';
import type { HttpServices } from './services';
import { gatherAnswer } from './twiml';
import { rejectWebhook } from './webhooks';

const unescapeXml = (s: string): string =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/** What 46elks can play of a flow: the audio of its message and the gather's timeout. */
export function elksFlowOf(flow: CallFlowRegistration): { audioUrl: string; timeoutSec: number } | null {
  const play = /<Play>([^<]+)<\/Play>/.exec(flow.documents.start);
  if (!play) return null;
  const timeout = /<Gather[^>]*\btimeout="(\d+)"/.exec(flow.documents.start);
  return { audioUrl: unescapeXml(play[1]!.trim()), timeoutSec: Math.min(30, Math.max(1, Number(timeout?.[1] ?? 6))) };
}

export function elksIvrUrl(services: HttpServices, tenant: string, flowId: string, token: string, attempt: number, secret: string): string {
  const q = new URLSearchParams({ d: token, a: String(attempt), s: secret });
  return `${services.publicBaseUrl()}/elks-actions/${encodeURIComponent(tenant)}/${encodeURIComponent(flowId)}/ivr?${q.toString()}`;
}

/** One ivr round: the message, one key, then the relay decides at `next`. */
const ivrAction = (audioUrl: string, timeoutSec: number, next: string) => ({
  ivr: audioUrl,
  digits: 1,
  timeout: timeoutSec,
  repeat: 1,
  next,
});

export function elksActionsRouter(services: HttpServices, failures: FailureThrottle): Router {
  const router = express.Router();
  router.use(rateLimit('elks-actions', services.config.rateLimitPerSecond, services.metrics));
  const tenantFirst = flowTenantFirst(services, failures, 'elks', 'elks-actions-failed-secrets', (p) =>
    p.endsWith('/ivr') ? 'elks.ivr' : 'elks.call-flow',
  );
  const body = flowBody(services);

  const admit = async (req: Request, res: Response, kind: string) => {
    const { resolved, failureKey } = res.locals as FlowLocals;
    const tenantSlug = String(req.params.tenant);
    const query = queryOf(req.url);
    const verdict = verifyElks(resolved.credentials.elksCallbackSecret, query.s);
    if (!verdict.ok) {
      failures.failed(failureKey);
      rejectWebhook(services, req.log, res, tenantSlug, 'elks', kind, 'rejected_signature', 403, verdict.reason);
      return null;
    }
    const form = parseForm(rawBodyOf(req));
    if (!form.ok) {
      rejectWebhook(services, req.log, res, tenantSlug, 'elks', kind, 'rejected_bad_request', form.status, form.reason);
      return null;
    }
    const flow = await loadCallFlow(services.db, resolved.tenant.id, String(req.params.flowId));
    const playable = flow ? elksFlowOf(flow) : null;
    if (!flow || !playable || !query.d) {
      const reason = !flow
        ? 'unknown call flow'
        : !playable
          ? 'the call flow has no audio; 46elks cannot speak text'
          : 'URL lacks the delivery token d';
      rejectWebhook(services, req.log, res, tenantSlug, 'elks', kind, 'rejected_bad_request', flow ? 400 : 404, reason);
      return null;
    }
    return { ...resolved, flow, playable, query, params: form.params, secret: query.s! };
  };

  const start = async (req: Request, res: Response) => {
    const ctx = await admit(req, res, 'elks.call-flow');
    if (!ctx) return;
    services.metrics.webhooks.inc({ provider: 'elks', kind: 'elks.call-flow', result: 'accepted' });
    const next = elksIvrUrl(services, ctx.tenant.slug, ctx.flow.flowId, ctx.query.d!, 1, ctx.secret);
    res.json(ivrAction(ctx.playable.audioUrl, ctx.playable.timeoutSec, next));
  };
  router.get('/:tenant/:flowId', tenantFirst, body, start);
  router.post('/:tenant/:flowId', tenantFirst, body, start);

  router.post('/:tenant/:flowId/ivr', tenantFirst, body, async (req, res) => {
    const kind = 'elks.ivr';
    const ctx = await admit(req, res, kind);
    if (!ctx) return;
    const attempt = Math.max(1, Number.parseInt(ctx.query.a ?? '1', 10) || 1);
    const { params } = ctx;
    const item = elksItem(kind, params, ctx.query);
    if (typeof item === 'string') {
      rejectWebhook(services, req.log, res, ctx.tenant.slug, 'elks', kind, 'rejected_bad_request', 400, item);
      return;
    }
    if (!(await commitFlowEvent(services, req, res, ctx.tenant.id, 'elks', kind, item))) return;
    const result = typeof params.result === 'string' ? params.result : undefined;
    const answer = gatherAnswer(ctx.flow, result && /^[0-9*#]+$/.test(result) ? result : undefined, attempt);
    if (answer === 'retry') {
      const next = elksIvrUrl(services, ctx.tenant.slug, ctx.flow.flowId, ctx.query.d!, attempt + 1, ctx.secret);
      res.json(ivrAction(ctx.playable.audioUrl, ctx.playable.timeoutSec, next));
      return;
    }
    // Confirmed or out of attempts: the call ends; the confirmation is already committed.
    res.json({ hangup: answer === 'confirmed' ? 'ok' : 'no-answer' });
  });

  return router;
}
