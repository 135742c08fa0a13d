// Outgoing webhooks' HTTPS routes under /api/v1 (administrators only, auth/rules.ts):
//   GET    /webhooks                          the organisation's subscriptions
//   POST   /webhooks                          subscribe a URL (the secret is in the answer, once)
//   PATCH  /webhooks/:id                      events, progress step, description, on/off
//   DELETE /webhooks/:id                      unsubscribe (its log goes too)
//   POST   /webhooks/:id/rotate-secret        a new secret (shown once; the old one signs 24 h more)
//   POST   /webhooks/:id/test                 send a webhook.test event
//   GET    /webhook-deliveries                the delivery log (?subscription=&limit=), each attempt
//   POST   /webhook-deliveries/:id/resend     "skicka igen" under the same webhook-id
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import {
  describeIssues,
  fieldIssues,
  webhookDeliveryQuerySchema,
  webhookSubscriptionInputSchema,
  webhookSubscriptionUpdateSchema,
} from '@gdial/protocol';
import type { AuthResult } from '../auth/service';
import { authError, callerOf } from '../http/auth-guard';
import type { WebhookService } from './service';

const body = express.json({ limit: '16kb' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parse<T extends z.ZodType>(schema: T, value: unknown, res: Response): z.infer<T> | null {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  authError(res, { status: 400, code: 'validation', message: describeIssues(fieldIssues(parsed.error)) });
  return null;
}

function answer<T>(res: Response, r: AuthResult<T>, status = 200): void {
  if (!r.ok) authError(res, r.failure);
  else if (r.value === null) res.status(204).end();
  else res.status(status).json(r.value);
}

/** The subscription id of the path, or a 404 (not a uuid: no such subscription). */
function subscriptionId(req: Request, res: Response): string | null {
  const id = String(req.params.id ?? '');
  if (UUID.test(id)) return id;
  authError(res, { status: 404, code: 'not-found', message: 'Ingen sådan webhook i organisationen.' });
  return null;
}

export function webhookRouter(webhooks: WebhookService): Router {
  const router = express.Router();

  router.get('/webhooks', async (req, res) => {
    res.json({ subscriptions: await webhooks.list(callerOf(req).tenantId) });
  });

  router.post('/webhooks', body, async (req, res) => {
    const input = parse(webhookSubscriptionInputSchema, req.body, res);
    if (input) answer(res, await webhooks.create(callerOf(req), input), 201);
  });

  router.patch('/webhooks/:id', body, async (req, res) => {
    const id = subscriptionId(req, res);
    const change = id && parse(webhookSubscriptionUpdateSchema, req.body, res);
    if (id && change) answer(res, await webhooks.update(callerOf(req), id, change));
  });

  router.delete('/webhooks/:id', async (req, res) => {
    const id = subscriptionId(req, res);
    if (id) answer(res, await webhooks.remove(callerOf(req), id));
  });

  router.post('/webhooks/:id/rotate-secret', async (req, res) => {
    const id = subscriptionId(req, res);
    if (id) answer(res, await webhooks.rotate(callerOf(req), id));
  });

  router.post('/webhooks/:id/test', async (req, res) => {
    const id = subscriptionId(req, res);
    if (id) answer(res, await webhooks.test(callerOf(req), id), 202);
  });

  router.get('/webhook-deliveries', async (req, res) => {
    const query = parse(
      webhookDeliveryQuerySchema,
      {
        ...(typeof req.query.subscription === 'string' ? { subscription: req.query.subscription } : {}),
        ...(typeof req.query.limit === 'string' ? { limit: Number(req.query.limit) } : {}),
      },
      res,
    );
    if (query) res.json({ deliveries: await webhooks.deliveries(callerOf(req).tenantId, query.subscription, query.limit) });
  });

  router.post('/webhook-deliveries/:id/resend', async (req, res) => {
    answer(res, await webhooks.resend(callerOf(req), String(req.params.id ?? '')), 202);
  });

  return router;
}
