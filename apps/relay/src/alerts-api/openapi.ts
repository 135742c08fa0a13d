// The OpenAPI paths of the alert routes (routes.ts), from the protocol's zod schemas and the
// route table (auth/rules.ts), like the identity and webhook routes'.
import {
  API_CAP_MAX_BYTES,
  apiAlertCancelRequestSchema,
  apiAlertClaimResponseSchema,
  apiAlertReportSchema,
  apiAlertRequestListSchema,
  apiAlertRequestSchema,
  apiAlertRequestUpdateSchema,
  apiAlertTriggerRequestSchema,
  apiAlertTriggerResponseSchema,
  apiAlertViewSchema,
  apiRollcallPageSchema,
} from '@gdial/protocol';
import { op } from '../http/openapi-auth';

const requestId = [
  {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
    description: 'The alert request id (POST /alerts answers it)',
  },
];
const noSuch = { '404': 'No such alert request' };

export function alertPaths(): Record<string, Record<string, unknown>> {
  return {
    '/api/v1/alerts': {
      post: op('POST /alerts', {
        summary:
          "Trigger an alert from a prepared alert (its id or name) with variables; the organisation's dispatching desktop starts it (or waits for a second person's approval). With no desktop online it waits (waiting-for-desktop)",
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 200 },
            description:
              'The same key (per API key) answers with the same request; with another body it is refused (422 idempotency-key-reused)',
          },
        ],
        request: apiAlertTriggerRequestSchema,
        ok: ['202', 'Recorded (200: a repeated request, the same one)', apiAlertTriggerResponseSchema],
        errors: {
          '404': 'No prepared alert with that id or name',
          '409': 'Several prepared alerts have that name (ambiguous): give its id',
          '422': 'Variables missing or unknown, or the Idempotency-Key was used with another body',
        },
      }),
    },
    '/api/v1/cap': {
      post: {
        ...op('POST /cap', {
          summary:
            "A CAP 1.2 message (XML) becomes a draft alert on the organisation's desktop (text, language, area, severity), for an operator to review and start; it never starts an alert. Validated with the desktop's own CAP rules; a DOCTYPE or ENTITY declaration is refused. Idempotent by the message's sender and identifier (or Idempotency-Key)",
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 200 },
              description:
                "Without it, the CAP message's sender and identifier are the key: the same message answers with the same request",
            },
          ],
          ok: ['202', 'Recorded (200: the same message again)', apiAlertTriggerResponseSchema],
          errors: {
            '413': `Larger than ${API_CAP_MAX_BYTES} bytes`,
            '415': 'Content-Type is not application/cap+xml, application/xml or text/xml',
            '422':
              'Not XML (cap-not-xml), a DOCTYPE/ENTITY declaration (cap-markup-refused), a broken CAP rule (cap-invalid: message, messageEn and every rule with its path), or another message under the same sender and identifier or Idempotency-Key',
          },
        }),
        requestBody: {
          required: true,
          content: Object.fromEntries(
            ['application/cap+xml', 'application/xml', 'text/xml'].map((t) => [
              t,
              { schema: { type: 'string', maxLength: API_CAP_MAX_BYTES } },
            ]),
          ),
        },
      },
    },
    '/api/v1/alerts/{id}': {
      get: op('GET /alerts/:id', {
        summary: "The request's state and, once a desktop made it, the alert's state and counts (people, deliveries by state)",
        parameters: requestId,
        ok: ['200', 'The request', apiAlertViewSchema],
        errors: noSuch,
      }),
    },
    '/api/v1/alerts/{id}/rollcall': {
      get: op('GET /alerts/:id/rollcall', {
        summary: "The alert's roll-call, per person: status, channel, confirmation time (paged: ?after=<next>&limit=, at most 1000)",
        parameters: [
          ...requestId,
          { name: 'after', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        ok: ['200', 'One page', apiRollcallPageSchema],
        errors: noSuch,
      }),
    },
    '/api/v1/alerts/{id}/report': {
      get: op('GET /alerts/:id/report', {
        summary: 'The after-action figures: counts, outcomes, channels, times to confirmation',
        parameters: requestId,
        ok: ['200', 'The report', apiAlertReportSchema],
        errors: { ...noSuch, '409': 'No alert made yet (no-alert-yet)' },
      }),
    },
    '/api/v1/alerts/{id}/cancel': {
      post: op('POST /alerts/:id/cancel', {
        summary: 'Cancel: a request no desktop took is cancelled at once; a running alert is cancelled by its desktop (cancelling)',
        parameters: requestId,
        request: apiAlertCancelRequestSchema,
        ok: ['200', 'Cancelled, or being cancelled', apiAlertViewSchema],
        errors: { ...noSuch, '409': 'Already completed, cancelled or refused (already-final)' },
      }),
    },
    '/api/v1/sync/alert-requests': {
      get: op('GET /sync/alert-requests', {
        summary: 'The requests waiting for a desktop, and those a key asked to cancel',
        ok: ['200', 'Open requests', apiAlertRequestListSchema],
      }),
    },
    '/api/v1/sync/alert-requests/{id}/claim': {
      post: op('POST /sync/alert-requests/:id/claim', {
        summary: 'Take a waiting request: exactly one desktop gets claimed=true',
        parameters: requestId,
        ok: ['200', 'Claimed, or who has it', apiAlertClaimResponseSchema],
        errors: noSuch,
      }),
    },
    '/api/v1/sync/alert-requests/{id}/state': {
      post: op('POST /sync/alert-requests/:id/state', {
        summary:
          "The claiming desktop reports a step: awaiting-approval, running (with the alert's id), completed, cancelled, refused (with a reason)",
        parameters: requestId,
        request: apiAlertRequestUpdateSchema,
        ok: ['200', 'Updated', apiAlertRequestSchema],
        errors: { '409': 'Not this desktop’s request, or already final' },
      }),
    },
  };
}
