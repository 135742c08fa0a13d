// The OpenAPI paths of outgoing webhooks' routes (routes.ts), from the protocol's zod schemas
// and the route table (auth/rules.ts), like the identity routes' (http/openapi-auth.ts).
import { z } from 'zod';
import {
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookSecretResponseSchema,
  webhookSubscriptionInputSchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionSchema,
  webhookSubscriptionUpdateSchema,
} from '@gdial/protocol';
import { op } from '../http/openapi-auth';

const subscriptionId = [
  { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'Subscription id' },
];
const noSuch = { '404': 'No such subscription' };

export function webhookPaths(): Record<string, Record<string, unknown>> {
  return {
    '/api/v1/webhooks': {
      get: op('GET /webhooks', {
        summary: "The organisation's webhook subscriptions",
        ok: ['200', 'Subscriptions', webhookSubscriptionListSchema],
      }),
      post: op('POST /webhooks', {
        summary: 'Subscribe an HTTPS URL to alert events; the signing secret (whsec_…) is in the answer, once',
        request: webhookSubscriptionInputSchema,
        ok: ['201', 'Created, with its secret', webhookSecretResponseSchema],
      }),
    },
    '/api/v1/webhooks/{id}': {
      patch: op('PATCH /webhooks/:id', {
        summary: 'Change the events, the progress step or the description; turn it on or off',
        parameters: subscriptionId,
        request: webhookSubscriptionUpdateSchema,
        ok: ['200', 'Changed', webhookSubscriptionSchema],
        errors: noSuch,
      }),
      delete: op('DELETE /webhooks/:id', {
        summary: 'Unsubscribe (its delivery log goes too)',
        parameters: subscriptionId,
        ok: ['204', 'Removed'],
        errors: noSuch,
      }),
    },
    '/api/v1/webhooks/{id}/rotate-secret': {
      post: op('POST /webhooks/:id/rotate-secret', {
        summary: 'A new secret, shown once; the previous one still signs (a second v1 signature) for 24 hours',
        parameters: subscriptionId,
        ok: ['200', 'The new secret', webhookSecretResponseSchema],
        errors: noSuch,
      }),
    },
    '/api/v1/webhooks/{id}/test': {
      post: op('POST /webhooks/:id/test', {
        summary: 'Send a webhook.test event now',
        parameters: subscriptionId,
        ok: ['202', 'Queued, with its webhook-id', z.object({ id: z.string() })],
        errors: noSuch,
      }),
    },
    '/api/v1/webhook-deliveries': {
      get: op('GET /webhook-deliveries', {
        summary: 'The delivery log, newest first, with every attempt (time, HTTP status or error, duration)',
        parameters: [
          { name: 'subscription', in: 'query', required: false, schema: { type: 'string', format: 'uuid' } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } },
        ],
        ok: ['200', 'Deliveries', webhookDeliveryListSchema],
      }),
    },
    '/api/v1/webhook-deliveries/{id}/resend': {
      post: op('POST /webhook-deliveries/:id/resend', {
        summary: 'Send a delivered or failed delivery again now, under the same webhook-id',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The webhook-id (msg_…)' }],
        ok: ['202', 'Queued again', webhookDeliverySchema],
        errors: { '404': 'No such delivery' },
      }),
    },
  };
}
