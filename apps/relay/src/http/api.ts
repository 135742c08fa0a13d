// The HTTPS API the engine calls with its device token (Authorization: Bearer …):
//   POST /api/v1/devices/enrol          exchange a one-time enrolment token for a device token
//   POST /api/v1/media                  upload call audio (raw body, Content-Type audio/…)
//   GET  /api/v1/media/sha256/:sha256   the organisation's audio with these bytes (HEAD: whether it is stored)
//   PUT  /api/v1/call-flows/:flowId     register or replace a call flow
//   POST /api/v1/burn-messages         store a burn message's ciphertext (http/burn.ts)
//   PUT  /api/v1/callbacks             who was sent which alert, the crisis-room number (http/callbacks-api.ts)
//   GET  /api/v1/health                 the organisation's log head and forged webhooks (desktop health alerts)
//   /api/v1/sync/…                      organisation sync (http/sync.ts)
//   /api/v1/auth/…, users, invitations, sessions, devices, audit   identity (http/auth.ts)
//   /api/v1/webhooks…, webhook-deliveries…   outgoing webhooks (webhooks-out/routes.ts)
//   /api/v1/contacts…, groups…          the address book for other systems, on an API key (http/api-contacts.ts)
//   /api/v1/alerts…, sync/alert-requests…     alerts other systems raise with an API key (alerts-api/routes.ts)
// Who may call each route is one table (auth/rules.ts), checked by http/auth-guard.ts first.
import express, { type Router } from 'express';
import {
  callFlowRegistrationSchema,
  callFlowUrl,
  describeIssues,
  deviceEnrolmentRequestSchema,
  fieldIssues,
  relayMediaContentTypes,
  type CallFlowRegistrationResponse,
  type DeviceEnrolmentResponse,
  type MediaUploadResponse,
  type RelayHealth,
} from '@gdial/protocol';
import { loadMediaByHash, saveCallFlow, saveMedia } from '../store/callflows';
import { logPosition } from '../store/events';
import { enrolDevice } from '../store/tenants';
import { authGuard, deviceOf } from './auth-guard';
import { authRouter } from './auth';
import { burnUploadRouter } from './burn';
import { callbacksApiRouter } from './callbacks-api';
import { contactsApiRouter } from './api-contacts';
import { apiError, rateLimit } from './middleware';
import { syncRouter } from './sync';
import { webhookRouter } from '../webhooks-out/routes';
import { alertRequestDeviceRouter, alertsApiRouter } from '../alerts-api/routes';
import type { HttpServices } from './services';

export function streamUrlOf(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/^http/, 'ws')}/stream`;
}

export function apiRouter(services: HttpServices): Router {
  const router = express.Router();
  router.use(rateLimit('api', services.config.rateLimitPerSecond, services.metrics));
  router.use(authGuard(services, services.auth));

  router.post('/devices/enrol', express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = deviceEnrolmentRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const result = await enrolDevice(services.db, parsed.data.enrolmentToken, parsed.data.deviceName);
    if (!result.ok) {
      req.log.warn('device enrolment refused');
      apiError(res, 403, 'enrolment-refused', result.problem);
      return;
    }
    req.log.info({ tenant: result.tenant.slug, deviceId: result.deviceId }, 'device enrolled');
    const body: DeviceEnrolmentResponse = {
      tenant: result.tenant.slug,
      deviceId: result.deviceId,
      deviceToken: result.deviceToken,
      streamUrl: streamUrlOf(services.publicBaseUrl()),
      publicBaseUrl: services.publicBaseUrl(),
    };
    res.status(201).json(body);
  });

  router.post('/media', express.raw({ type: () => true, limit: services.config.mediaBodyLimitBytes }), async (req, res) => {
    const device = deviceOf(req);
    const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(relayMediaContentTypes as readonly string[]).includes(contentType)) {
      apiError(res, 415, 'unsupported-media-type', `Content-Type must be one of ${relayMediaContentTypes.join(', ')}`);
      return;
    }
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (bytes.length === 0) {
      apiError(res, 400, 'validation', 'Empty upload');
      return;
    }
    const stored = await saveMedia(services.db, device.tenant.id, contentType, bytes);
    const body: MediaUploadResponse = {
      mediaId: stored.id,
      url: `${services.publicBaseUrl()}/media/${encodeURIComponent(device.tenant.slug)}/${stored.id}`,
      contentType: stored.contentType,
      size: stored.size,
      sha256: stored.sha256,
    };
    req.log.info({ size: stored.size, contentType }, 'media stored');
    res.status(201).json(body);
  });

  // Audio is organisation data stored once, content-addressed: a desktop asks whether the
  // bytes are here before uploading them (HEAD) and fetches another desktop's on first use.
  // The caller checks the bytes against the hash it asked for.
  router.get('/media/sha256/:sha256', async (req, res) => {
    const device = deviceOf(req);
    const sha256 = String(req.params.sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
      apiError(res, 400, 'validation', 'The hash must be 64 hexadecimal digits (SHA-256)');
      return;
    }
    const media = await loadMediaByHash(services.db, device.tenant.id, sha256);
    if (!media) {
      apiError(res, 404, 'not-found', 'The organisation has no audio with this hash');
      return;
    }
    res.setHeader('Content-Type', media.contentType);
    res.setHeader('Content-Length', String(media.size));
    res.setHeader('ETag', `"${media.sha256}"`);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    if (req.method === 'HEAD') res.end();
    else res.end(media.bytes);
  });

  router.put('/call-flows/:flowId', express.json({ limit: '512kb' }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = callFlowRegistrationSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    if (parsed.data.flowId !== req.params.flowId) {
      apiError(res, 400, 'validation', 'flowId in the body must match the URL');
      return;
    }
    await saveCallFlow(services.db, device.tenant.id, parsed.data);
    const body: CallFlowRegistrationResponse = {
      flowId: parsed.data.flowId,
      url: callFlowUrl(services.publicBaseUrl(), device.tenant.slug, parsed.data.flowId, '').replace(/\?d=$/, ''),
    };
    res.status(200).json(body);
  });

  // The organisation's health as the relay sees it, for the desktop's health alerts.
  router.get('/health', async (req, res) => {
    const device = deviceOf(req);
    const { lastSeq } = await logPosition(services.db, device.tenant.id);
    const signatures = services.metrics.signatureFailures;
    const body: RelayHealth = {
      headSeq: lastSeq,
      signatureFailures: { windowMinutes: signatures.windowMinutes, count: signatures.count(device.tenant.slug) },
    };
    res.json(body);
  });

  router.use(burnUploadRouter(services));
  router.use(callbacksApiRouter(services));
  router.use('/sync', syncRouter(services, deviceOf));
  router.use('/sync', alertRequestDeviceRouter(services.alertRequests));
  router.use(alertsApiRouter(services.alertRequests));
  router.use(authRouter(services, services.auth, services.authAdmin));
  router.use(webhookRouter(services.webhooks));
  router.use(contactsApiRouter(services));

  return router;
}
