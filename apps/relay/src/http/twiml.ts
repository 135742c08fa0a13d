// Call flows Twilio fetches while a call is up:
//   GET|POST /twiml/:tenant/:flowId?d=<deliveryToken>           → the flow's start document
//   POST     /twiml/:tenant/:flowId/gather?d=<token>&a=<attempt> → commits the digit as a
//            `twilio.gather` event, then answers confirmed, retry or goodbye.
// Both are signed by Twilio like any webhook and checked the same way. The delivery token
// travels in the signed URL, so it cannot be swapped without breaking the signature.
import express, { type Request, type Response, type Router } from 'express';
import { callFlowPlaceholders, type CallFlowRegistration } from '@gdial/protocol';
import { twilioGather } from '../ingest/twilio';
import type { FailureThrottle } from '../ops/rate-limit';
import { queryOf } from '../ingest/webhook';
import { loadCallFlow } from '../store/callflows';
import { commitFlowEvent, flowBody, flowTenantFirst, verifiedTwilioForm, type FlowLocals } from './call-flow-requests';
import { rateLimit } from './middleware';
import type { HttpServices } from './services';
import { rejectWebhook } from './webhooks';

const xmlAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function gatherUrl(services: HttpServices, tenant: string, flowId: string, deliveryToken: string, attempt: number): string {
  return `${services.publicBaseUrl()}/twiml/${encodeURIComponent(tenant)}/${encodeURIComponent(flowId)}/gather?d=${encodeURIComponent(deliveryToken)}&a=${attempt}`;
}

const render = (doc: string, gather: string): string => doc.replaceAll(callFlowPlaceholders.gatherUrl, xmlAttr(gather));

/** Which document answers a gather: a confirm digit ends the flow, else retry until attempts run out. */
export function gatherAnswer(flow: CallFlowRegistration, digits: string | undefined, attempt: number): 'confirmed' | 'retry' | 'goodbye' {
  if (digits !== undefined && digits.length > 0 && flow.confirmDigits.includes(digits.slice(0, 1))) return 'confirmed';
  return attempt < flow.maxAttempts ? 'retry' : 'goodbye';
}

export function twimlRouter(services: HttpServices, failures: FailureThrottle): Router {
  const router = express.Router();
  router.use(rateLimit('twiml', services.config.rateLimitPerSecond, services.metrics));
  const tenantFirst = flowTenantFirst(services, failures, 'twilio', 'twiml-failed-signatures', (p) =>
    p.endsWith('/gather') ? 'twilio.gather' : 'twilio.call-flow',
  );
  const body = flowBody(services);

  const admit = async (req: Request, res: Response, kind: string) => {
    const params = verifiedTwilioForm(services, failures, req, res, kind);
    if (!params) return null;
    const { resolved } = res.locals as FlowLocals;
    const flow = await loadCallFlow(services.db, resolved.tenant.id, String(req.params.flowId));
    if (!flow) {
      rejectWebhook(services, req.log, res, String(req.params.tenant), 'twilio', kind, 'rejected_bad_request', 404, 'unknown call flow');
      return null;
    }
    const deliveryToken = queryOf(req.url).d;
    if (!deliveryToken) {
      rejectWebhook(
        services,
        req.log,
        res,
        String(req.params.tenant),
        'twilio',
        kind,
        'rejected_bad_request',
        400,
        'call flow URL lacks the delivery token d',
      );
      return null;
    }
    return { ...resolved, flow, deliveryToken, params };
  };

  const start = async (req: Request, res: Response) => {
    const ctx = await admit(req, res, 'twilio.call-flow');
    if (!ctx) return;
    services.metrics.webhooks.inc({ provider: 'twilio', kind: 'twilio.call-flow', result: 'accepted' });
    res
      .type('text/xml')
      .send(render(ctx.flow.documents.start, gatherUrl(services, ctx.tenant.slug, ctx.flow.flowId, ctx.deliveryToken, 1)));
  };
  router.get('/:tenant/:flowId', tenantFirst, body, start);
  router.post('/:tenant/:flowId', tenantFirst, body, start);

  router.post('/:tenant/:flowId/gather', tenantFirst, body, async (req, res) => {
    const kind = 'twilio.gather';
    const ctx = await admit(req, res, kind);
    if (!ctx) return;
    const query = queryOf(req.url);
    const attempt = Math.max(1, Number.parseInt(query.a ?? '1', 10) || 1);
    const gather = twilioGather(ctx.params, attempt, query);
    if (typeof gather === 'string') {
      rejectWebhook(services, req.log, res, String(req.params.tenant), 'twilio', kind, 'rejected_bad_request', 400, gather);
      return;
    }
    if (!(await commitFlowEvent(services, req, res, ctx.tenant.id, 'twilio', kind, gather.item))) return;
    const answer = gatherAnswer(ctx.flow, gather.digits, attempt);
    const doc = ctx.flow.documents[answer];
    res.type('text/xml').send(render(doc, gatherUrl(services, ctx.tenant.slug, ctx.flow.flowId, ctx.deliveryToken, attempt + 1)));
  });

  return router;
}
