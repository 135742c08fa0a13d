// The REST API v1 routes for alerts other systems raise and follow (API key, auth/rules.ts):
//   POST /alerts                (alerts:trigger) trigger from a prepared alert; Idempotency-Key
//   GET  /alerts/:id            (alerts:read)    the request and its alert's state and counts
//   GET  /alerts/:id/rollcall   (alerts:read)    the roll-call, paged (?after=&limit=)
//   GET  /alerts/:id/report     (alerts:read)    the after-action figures
//   POST /alerts/:id/cancel     (alerts:trigger) cancel
//   POST /cap                   (alerts:trigger) a CAP 1.2 message (XML) → a draft alert on a desktop (alerts-api/cap.ts)
// and the desktops' side (device token):
//   GET  /sync/alert-requests             the requests waiting for a desktop or to be cancelled
//   POST /sync/alert-requests/:id/claim   take one (exactly one desktop gets it)
//   POST /sync/alert-requests/:id/state   report a step (awaiting-approval, running, completed, cancelled, refused)
import express, { type Router } from 'express';
import {
  API_CAP_MAX_BYTES,
  apiAlertCancelRequestSchema,
  apiAlertRequestUpdateSchema,
  describeIssues,
  fieldIssues,
  type ApiAlertTriggerResponse,
} from '@gdial/protocol';
import { deviceOf, keyCallerOf } from '../http/auth-guard';
import { apiError } from '../http/middleware';
import { reportOf, rollcallPage } from './read-model';
import type { AlertRequests } from './service';

const body = express.json({ limit: '32kb' });
/** The CAP content types POST /cap reads (anything else is 415). */
const capTypes = ['application/cap+xml', 'application/xml', 'text/xml'];

const nextStep = (v: { status: string; desktopOnline: boolean }): string =>
  v.status !== 'waiting-for-desktop'
    ? `Larmbegäran är ${v.status}.`
    : v.desktopOnline
      ? 'En arbetsplats är ansluten och tar emot larmet.'
      : 'Ingen arbetsplats som kan skicka larmet är ansluten: larmet väntar (waiting-for-desktop) och startas av nästa arbetsplats som ansluter.';

/** The two-person rule's part of the answer: a pre-approved prepared alert starts without a second approval. */
const approvalStep = (preApproved: boolean): string =>
  preApproved
    ? ' Larmmallen är förhandsgodkänd av två personer: larmet startar utan nytt godkännande, så länge mottagarna inte är fler än när den godkändes.'
    : ' Går larmet till fler än organisationens gräns väntar det på godkännande av en andra person i konsolen.';

export function alertsApiRouter(requests: AlertRequests): Router {
  const router = express.Router();

  router.post('/alerts', body, async (req, res) => {
    const caller = keyCallerOf(req);
    const result = await requests.trigger(caller, req.body, req.get('idempotency-key') ?? null);
    if (!result.ok) {
      apiError(res, result.status, result.code, result.message);
      return;
    }
    const { view, created, preApproved } = result.value;
    const answer: ApiAlertTriggerResponse = { ...view, created, preApproved, message: nextStep(view) + approvalStep(preApproved) };
    res.setHeader('Location', `/api/v1/alerts/${view.id}`);
    res.status(created ? 202 : 200).json(answer);
  });

  router.post('/cap', express.text({ type: () => true, limit: API_CAP_MAX_BYTES }), async (req, res) => {
    const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!capTypes.includes(contentType)) {
      apiError(res, 415, 'unsupported-media-type', `Content-Type ska vara ${capTypes.join(', ')} (ett CAP 1.2-meddelande i XML).`);
      return;
    }
    const xml = typeof req.body === 'string' ? req.body : '';
    if (xml.trim() === '') {
      apiError(res, 400, 'validation', 'Tomt meddelande: skicka ett CAP 1.2-meddelande i XML.');
      return;
    }
    const result = await requests.triggerCap(keyCallerOf(req), xml, req.get('idempotency-key') ?? null);
    if (!result.ok) {
      if ('cap' in result) res.status(422).json({ error: result.cap });
      else apiError(res, result.status, result.code, result.message);
      return;
    }
    const { view, created } = result.value;
    const message =
      view.status === 'waiting-for-desktop' && view.desktopOnline
        ? 'En arbetsplats är ansluten och gör ett utkast av CAP-meddelandet; en operatör granskar och startar det.'
        : view.status === 'waiting-for-desktop'
          ? 'Ingen arbetsplats är ansluten: CAP-meddelandet väntar (waiting-for-desktop) och blir ett utkast hos nästa arbetsplats som ansluter.'
          : nextStep(view);
    const answer: ApiAlertTriggerResponse = { ...view, created, message, preApproved: false };
    res.setHeader('Location', `/api/v1/alerts/${view.id}`);
    res.status(created ? 202 : 200).json(answer);
  });

  router.get('/alerts/:id', async (req, res) => {
    const { tenant } = keyCallerOf(req);
    const view = await requests.get(tenant, req.params.id);
    if (!view) apiError(res, 404, 'not-found', 'Ingen larmbegäran med det id:t.');
    else res.json(view);
  });

  router.get('/alerts/:id/rollcall', async (req, res) => {
    const { tenant } = keyCallerOf(req);
    const row = await requests.row(tenant.id, req.params.id);
    if (!row) {
      apiError(res, 404, 'not-found', 'Ingen larmbegäran med det id:t.');
      return;
    }
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 200) || 200));
    const after = typeof req.query.after === 'string' && req.query.after !== '' ? req.query.after : undefined;
    if (row.alertId === null) {
      res.json({ alertId: null, entries: [] });
      return;
    }
    const alertId = row.alertId;
    res.json(await rollcallPage(requests.db, tenant.id, alertId, after, limit));
  });

  router.get('/alerts/:id/report', async (req, res) => {
    const { tenant } = keyCallerOf(req);
    const row = await requests.row(tenant.id, req.params.id);
    const alertId = row?.alertId ?? null;
    const report = row && alertId ? await reportOf(requests.db, tenant.id, alertId, row.test) : null;
    if (!row) apiError(res, 404, 'not-found', 'Ingen larmbegäran med det id:t.');
    else if (!report) apiError(res, 409, 'no-alert-yet', `Larmet är inte skapat än (${row.status}): det finns ingen rapport.`);
    else res.json(report);
  });

  router.post('/alerts/:id/cancel', body, async (req, res) => {
    const parsed = apiAlertCancelRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const result = await requests.cancel(keyCallerOf(req), req.params.id, parsed.data.reason);
    if (!result.ok) apiError(res, result.status, result.code, result.message);
    else res.json(result.value);
  });

  return router;
}

export function alertRequestDeviceRouter(requests: AlertRequests): Router {
  const router = express.Router();

  router.get('/alert-requests', async (req, res) => {
    res.json({ requests: await requests.open(deviceOf(req).tenant) });
  });

  router.post('/alert-requests/:id/claim', async (req, res) => {
    const device = deviceOf(req);
    const r = await requests.claim(device.tenant, req.params.id, device.deviceId);
    if (!r) apiError(res, 404, 'not-found', 'No such alert request');
    else res.json(r);
  });

  router.post('/alert-requests/:id/state', body, async (req, res) => {
    const device = deviceOf(req);
    const parsed = apiAlertRequestUpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const r = await requests.update(device.tenant, req.params.id, device.deviceId, parsed.data);
    if (!r) apiError(res, 409, 'conflict', 'Not this desktop’s request, or it is already final');
    else res.json(r);
  });

  return router;
}
