// The OpenAPI 3.1 description of the relay's HTTP API, served at /openapi.json. Request and
// response bodies come from the protocol's zod schemas, so the document cannot drift from
// what the routes validate.
import { z } from 'zod';
import {
  burnUploadResponseSchema,
  burnUploadSchema,
  callbackUpdateSchema,
  callFlowRegistrationResponseSchema,
  callFlowRegistrationSchema,
  deviceEnrolmentRequestSchema,
  deviceEnrolmentResponseSchema,
  leaseListSchema,
  leaseRenewRequestSchema,
  leaseRenewResponseSchema,
  leaseTakeRequestSchema,
  leaseTakeResponseSchema,
  mediaUploadResponseSchema,
  organisationViewSchema,
  syncPushRequestSchema,
  syncStatesRequestSchema,
  syncStatesResponseSchema,
  syncPushResponseSchema,
  syncSnapshotPageSchema,
  relayApiErrorSchema,
  relayHealthSchema,
  relayMediaContentTypes,
} from '@gdial/protocol';
import { authPaths } from './openapi-auth';
import { webhookPaths } from '../webhooks-out/openapi';
import { contactPaths } from './openapi-contacts';
import { alertPaths } from '../alerts-api/openapi';

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const error = (description: string) => ({ description, content: json(relayApiErrorSchema) });
const tenant = { name: 'tenant', in: 'path', required: true, schema: { type: 'string' }, description: 'Tenant slug' };
const signed = (header: string) => ({ name: header, in: 'header', required: true, schema: { type: 'string' } });
const webhookResponses = {
  '200': { description: 'Committed (or a duplicate of a committed event)' },
  '204': { description: 'Committed (Twilio status callbacks)' },
  '400': error('Signed, but not a recognisable event; or some events of a SendGrid post refused (named), the others committed'),
  '403': error('Signature verification failed'),
  '404': error('Unknown tenant'),
  '413': error('Body too large, or a form with more than 512 parameters'),
  '429': error('Rate limited, or too many failed signatures from this client for this tenant (Retry-After)'),
  '503': error('Not committed; retry'),
};

const callbackCaller = { name: 'f', in: 'query', required: false, schema: { type: 'string' }, description: 'The caller (E.164)' };
const callbackDelivery = {
  name: 'd',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description: 'The delivery the caller was sent',
};
const elksSecret = {
  name: 's',
  in: 'query',
  required: true,
  schema: { type: 'string' },
  description: "The tenant's 46elks callback secret",
};
const burnId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{22,64}$' } };
const burnRefusalSchema = z.object({
  state: z.enum(['opened', 'expired', 'unknown']),
  openedAt: z.string().nullable().optional(),
  text: z.string(),
});

const deviceCall = (summary: string, response: z.ZodType, request?: z.ZodType, extra: Record<string, unknown> = {}) => ({
  summary,
  security: [{ device: [] }],
  ...(request ? { requestBody: { required: true, content: json(request) } } : {}),
  responses: {
    '200': { description: 'OK', content: json(response) },
    '400': error('Invalid body'),
    '401': error('No valid device token'),
    ...extra,
  },
});

/** Organisation sync (docs/sync.md): operations, snapshots, the organisation's desktops, alert leases. */
const syncPaths = {
  '/api/v1/sync/push': {
    post: deviceCall(
      "Push operations of the desktop's outbox (idempotent per device and counter)",
      syncPushResponseSchema,
      syncPushRequestSchema,
    ),
  },
  '/api/v1/sync/states': {
    post: deviceCall(
      "Re-push the desktop's merged states into the relay's new sync epoch (after its database was restored from a backup); each is joined with the relay's and what it adds is logged",
      syncStatesResponseSchema,
      syncStatesRequestSchema,
      { '409': error('The epoch named is not the relay’s current one (take the new one from the stream and start again)') },
    ),
  },
  '/api/v1/sync/snapshot': {
    get: {
      ...deviceCall("One page of the organisation's current state", syncSnapshotPageSchema),
      parameters: [
        { name: 'after', in: 'query', required: false, schema: { type: 'string' }, description: 'The previous page’s `next`' },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 10000 } },
      ],
    },
  },
  '/api/v1/sync/organisation': { get: deviceCall("The organisation's desktops: name, last seen, online", organisationViewSchema) },
  '/api/v1/sync/leases': { get: deviceCall('Who dispatches each running alert, and whether its lease expired', leaseListSchema) },
  '/api/v1/sync/leases/renew': {
    post: deviceCall('Renew the leases this desktop holds on the alerts it dispatches', leaseRenewResponseSchema, leaseRenewRequestSchema),
  },
  '/api/v1/sync/leases/take': {
    post: deviceCall(
      'Take over an alert whose owner stopped renewing its lease (a greater token); `taken: false` names the owner that still renews',
      leaseTakeResponseSchema,
      leaseTakeRequestSchema,
    ),
  },
};

export function openApiDocument(publicBaseUrl: string, version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'GDial relay',
      version,
      description: 'Provider webhooks in, durable per-tenant event log out (WebSocket /stream), call flows and audio for Twilio.',
    },
    servers: [{ url: publicBaseUrl }],
    components: {
      securitySchemes: {
        device: { type: 'http', scheme: 'bearer', description: 'Device token from enrolment' },
        user: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token from /api/v1/auth/sign-in or /refresh (10 min)',
        },
        key: {
          type: 'http',
          scheme: 'bearer',
          description: 'API key (gdk_…) an administrator created in the console (Inställningar → API-nycklar); see docs/api.md',
        },
      },
    },
    paths: {
      ...authPaths(),
      ...webhookPaths(),
      ...contactPaths(),
      ...alertPaths(),
      '/api/v1/health': {
        get: deviceCall(
          "The organisation's event-log head (the desktop compares it with what it applied) and the webhooks refused for a bad signature in the last minutes (counted by the relay instance that answers)",
          relayHealthSchema,
        ),
      },
      '/hooks/{tenant}/twilio/{kind}': {
        post: {
          summary: 'Twilio status callbacks and inbound messages',
          parameters: [
            tenant,
            { name: 'kind', in: 'path', required: true, schema: { enum: ['message-status', 'call-status', 'inbound'] } },
            signed('X-Twilio-Signature'),
          ],
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
          responses: webhookResponses,
        },
      },
      '/hooks/{tenant}/sendgrid/events': {
        post: {
          summary: 'SendGrid event webhook (ECDSA signed)',
          parameters: [tenant, signed('X-Twilio-Email-Event-Webhook-Signature'), signed('X-Twilio-Email-Event-Webhook-Timestamp')],
          requestBody: {
            content: { 'application/json': { schema: { type: 'array', items: { type: 'object', required: ['sg_event_id'] } } } },
          },
          responses: webhookResponses,
        },
      },
      '/hooks/{tenant}/telegram/update': {
        post: {
          summary: 'Telegram bot webhook',
          parameters: [tenant, signed('X-Telegram-Bot-Api-Secret-Token')],
          requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['update_id'] } } } },
          responses: webhookResponses,
        },
      },
      '/twiml/{tenant}/{flowId}': {
        post: {
          summary: "A delivery's call flow (start document)",
          parameters: [
            tenant,
            { name: 'flowId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'd', in: 'query', required: true, schema: { type: 'string' } },
            signed('X-Twilio-Signature'),
          ],
          responses: {
            '200': { description: 'TwiML', content: { 'text/xml': {} } },
            '403': error('Signature verification failed'),
            '404': error('Unknown tenant or flow'),
          },
        },
      },
      '/twiml/{tenant}/{flowId}/gather': {
        post: {
          summary: 'Gather result: commits a twilio.gather event, answers confirmed / retry / goodbye',
          parameters: [
            tenant,
            { name: 'flowId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'd', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'a', in: 'query', required: true, schema: { type: 'integer' } },
            signed('X-Twilio-Signature'),
          ],
          responses: {
            '200': { description: 'TwiML', content: { 'text/xml': {} } },
            '403': error('Signature verification failed'),
            '503': error('Not committed'),
          },
        },
      },
      '/callback/{tenant}/twilio': {
        post: {
          summary:
            "People who call back: the alert number's Twilio voice webhook. A caller the desktops published hears the latest alert's message and a menu (1 confirms that delivery, 2 connects to the crisis room, else a voicemail); an unknown caller is asked for a voicemail",
          parameters: [tenant, signed('X-Twilio-Signature')],
          responses: {
            '200': { description: 'TwiML', content: { 'text/xml': {} } },
            '403': error('Signature verification failed'),
            '404': error('Unknown tenant'),
          },
        },
      },
      '/callback/{tenant}/twilio/menu': {
        post: {
          summary:
            'The digit a caller pressed: 1 commits a twilio.gather event for the delivery d (confirms it), 2 answers <Dial>, else <Record>',
          parameters: [tenant, callbackCaller, callbackDelivery, signed('X-Twilio-Signature')],
          responses: {
            '200': { description: 'TwiML', content: { 'text/xml': {} } },
            '403': error('Signature verification failed'),
            '503': error('Not committed'),
          },
        },
      },
      '/callback/{tenant}/twilio/done': {
        post: {
          summary: "The <Record> verb's action: thanks the caller and hangs up",
          parameters: [tenant, signed('X-Twilio-Signature')],
          responses: { '200': { description: 'TwiML', content: { 'text/xml': {} } }, '403': error('Signature verification failed') },
        },
      },
      '/callback/{tenant}/twilio/recording': {
        post: {
          summary: "A voicemail's recording status callback: a completed recording is committed as a twilio.voicemail event",
          parameters: [tenant, callbackCaller, callbackDelivery, signed('X-Twilio-Signature')],
          responses: { '204': { description: 'Committed' }, '403': error('Signature verification failed'), '503': error('Not committed') },
        },
      },
      '/callback/{tenant}/elks': {
        post: {
          summary:
            "People who call back: the alert number's 46elks voice_start. A known caller hears the alert's audio in an ivr (46elks cannot speak text); an unknown caller is recorded",
          parameters: [tenant, elksSecret],
          responses: { '200': { description: 'A 46elks call action (JSON)' }, '403': error('Secret does not match') },
        },
      },
      '/callback/{tenant}/elks/menu': {
        post: {
          summary: "The ivr's result: 1 commits an elks.ivr event for the delivery d, 2 answers connect, else record",
          parameters: [tenant, elksSecret, callbackCaller, callbackDelivery],
          responses: {
            '200': { description: 'A 46elks call action (JSON)' },
            '403': error('Secret does not match'),
            '503': error('Not committed'),
          },
        },
      },
      '/callback/{tenant}/elks/recording': {
        post: {
          summary: "The record action's URL: the voicemail is committed as an elks.voicemail event",
          parameters: [tenant, elksSecret, callbackCaller, callbackDelivery],
          responses: { '204': { description: 'Committed' }, '403': error('Secret does not match'), '503': error('Not committed') },
        },
      },
      '/api/v1/callbacks': {
        put: {
          summary:
            'Publish who was sent which alert (the latest per number wins) and the crisis-room number, so the relay answers call-backs while the desktops are offline',
          security: [{ device: [] }],
          requestBody: { required: true, content: json(callbackUpdateSchema) },
          responses: { '204': { description: 'Stored' }, '400': error('Invalid body'), '401': error('No valid device token') },
        },
      },
      '/media/{tenant}/{mediaId}': {
        get: {
          summary: 'Call audio (supports Range)',
          parameters: [
            tenant,
            { name: 'mediaId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'Range', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'Audio' },
            '206': { description: 'Partial audio' },
            '404': error('No such media'),
            '416': { description: 'Range not satisfiable' },
          },
        },
      },
      '/api/v1/devices/enrol': {
        post: {
          summary: 'Exchange a one-time enrolment token for a device token',
          requestBody: { required: true, content: json(deviceEnrolmentRequestSchema) },
          responses: {
            '201': { description: 'Enrolled', content: json(deviceEnrolmentResponseSchema) },
            '400': error('Invalid body'),
            '403': error('Token invalid, expired or used'),
          },
        },
      },
      '/api/v1/media': {
        post: {
          summary: 'Upload call audio',
          security: [{ device: [] }],
          requestBody: {
            required: true,
            content: Object.fromEntries(relayMediaContentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
          },
          responses: {
            '201': { description: 'Stored', content: json(mediaUploadResponseSchema) },
            '401': error('No valid device token'),
            '415': error('Unsupported content type'),
          },
        },
      },
      '/api/v1/media/sha256/{sha256}': {
        get: {
          summary: "The organisation's audio with these bytes (content-addressed; HEAD tells whether it is stored)",
          security: [{ device: [] }],
          parameters: [{ name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } }],
          responses: {
            '200': { description: 'Audio, with its stored content type and the hash as ETag' },
            '400': error('Not a SHA-256 hash'),
            '401': error('No valid device token'),
            '404': error('No audio with this hash in the organisation'),
          },
        },
      },
      '/api/v1/call-flows/{flowId}': {
        put: {
          summary: 'Register or replace a call flow',
          security: [{ device: [] }],
          parameters: [{ name: 'flowId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: json(callFlowRegistrationSchema) },
          responses: {
            '200': { description: 'Registered', content: json(callFlowRegistrationResponseSchema) },
            '400': error('Invalid flow'),
            '401': error('No valid device token'),
          },
        },
      },
      '/api/v1/burn-messages': {
        post: {
          summary:
            "Store a burn message's AES-256-GCM ciphertext (the key stays on the desktop and in the link's #fragment); answered with the short link",
          security: [{ device: [] }],
          requestBody: { required: true, content: json(burnUploadSchema) },
          responses: {
            '201': { description: 'Stored', content: json(burnUploadResponseSchema) },
            '400': error('Invalid body, or an expiry in the past or too far away'),
            '401': error('No valid device token'),
          },
        },
      },
      '/b/{id}': {
        get: {
          summary:
            "A burn message's page (Swedish, no external assets): decrypts in the browser with the key in the #fragment once the reader presses Visa meddelandet; says when it was already read or has expired",
          parameters: [burnId],
          responses: {
            '200': { description: 'The page', content: { 'text/html': {} } },
            '404': { description: 'No such message (the page says so)', content: { 'text/html': {} } },
          },
        },
      },
      '/b/{id}/open': {
        post: {
          summary:
            'Takes the ciphertext and clears it in the same transaction (of two simultaneous opens one wins); the desktops get a burn-opened event',
          parameters: [burnId],
          responses: {
            '200': { description: 'The ciphertext and IV, base64url', content: json(z.object({ ciphertext: z.string(), iv: z.string() })) },
            '404': { description: 'No such message', content: json(burnRefusalSchema) },
            '410': { description: 'Already read (with when) or expired', content: json(burnRefusalSchema) },
          },
        },
      },
      ...syncPaths,
      '/stream': {
        get: {
          summary: 'WebSocket upgrade: the desktop event stream (see @gdial/protocol relay.ts)',
          responses: {
            '101': { description: 'Switching protocols; say hello within 5 s' },
            '429': { description: 'Too many refused hellos from this address (Retry-After)' },
            '503': { description: 'Connection cap reached (per address or in total)' },
          },
        },
      },
      '/healthz': { get: { summary: 'Process is alive', responses: { '200': { description: 'ok' } } } },
      '/readyz': {
        get: {
          summary: 'The request path can commit: its database answers within 2 s, no commit is stuck, migrations applied',
          responses: {
            '200': { description: 'ready' },
            '503': { description: 'not ready (shutting down, database stalled or unreachable, migrations pending)' },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (Bearer RELAY_METRICS_TOKEN; not served without one)',
          responses: {
            '200': { description: 'text/plain; version=0.0.4' },
            '401': error('Missing or wrong metrics token'),
            '404': error('No metrics token configured'),
          },
        },
      },
    },
  };
}
