// People who call back (issue #21): the alert number's voice webhook for both providers.
//   POST /callback/:tenant/twilio                 Twilio: an inbound call starts (TwiML)
//   POST /callback/:tenant/twilio/menu?d=&f=      the digit the caller pressed (or none)
//   POST /callback/:tenant/twilio/recording?f=&d= the voicemail's recording status callback
//   POST /callback/:tenant/elks?s=                46elks: an inbound call starts (JSON actions)
//   POST /callback/:tenant/elks/menu?s=&d=&f=     the ivr's result
//   POST /callback/:tenant/elks/recording?s=&f=&d= the voicemail (the record action's URL)
// A caller whose number the desktops published (store/callbacks.ts) hears the message of that
// alert's call flow; 1 commits the digit to the tenant's log exactly as an outbound call's
// gather does (twilio.gather / elks.ivr with the delivery token), so the engine confirms that
// delivery by the same path; 2 connects to the crisis room's number; anything else, and every
// unknown caller, leaves a voicemail, committed as a twilio.voicemail / elks.voicemail event
// the desktops put in the inbox. Twilio's requests are signed (checked on the URL and form);
// 46elks' carry the tenant's callback secret. The caller's number and the delivery token
// travel in the URLs the relay itself hands out, so they are covered by the same checks.
import express, { type Request, type Response, type Router } from 'express';
import { CALLBACK_DIGITS, callbackPhoneSchema, type CallbackTarget, type WebhookKind } from '@gdial/protocol';
import { elksItem, verifyElks } from '../ingest/elks';
import { first, parseForm, twilioGather, type FormParams } from '../ingest/twilio';
import { queryOf, webhookItem } from '../ingest/webhook';
import type { FailureThrottle } from '../ops/rate-limit';
import { loadCallFlow } from '../store/callflows';
import { loadCallbackTarget, loadCrisisRoomNumber } from '../store/callbacks';
import { commitFlowEvent, flowBody, flowTenantFirst, rawBodyOf, verifiedTwilioForm, type FlowLocals } from './call-flow-requests';
import { elksFlowOf } from './elks-actions';
import { rateLimit } from './middleware';
import type { HttpServices } from './services';
import { rejectWebhook } from './webhooks';

/** What the relay says (Twilio speaks it in Swedish; 46elks cannot speak text, see below). */
export const CALLBACK_TEXTS = {
  menu: 'Tryck 1 för att bekräfta att du har tagit emot meddelandet. Tryck 2 för att kopplas till krisledningen. Eller lämna ett meddelande efter tonen.',
  unknown: 'Hej. Du har ringt krisledningens larmnummer. Lämna ett meddelande efter tonen, med ditt namn.',
  record: 'Lämna ett meddelande efter tonen. Avsluta med fyrkant eller lägg på.',
  confirmed: 'Tack. Din bekräftelse är registrerad. Hej då.',
  connecting: 'Du kopplas nu till krisledningen.',
  noConnect: 'Det går inte att koppla samtalet just nu.',
  thanks: 'Tack för ditt meddelande. Hej då.',
} as const;

/** The longest voicemail, seconds. */
export const VOICEMAIL_MAX_SEC = 120;

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const say = (text: string): string => `<Say language="sv-SE" voice="Polly.Astrid">${xml(text)}</Say>`;
const twiml = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

/** The message element (`<Play>` or `<Say>`) of a call flow's start document, as it is. */
export function flowMessageOf(startDoc: string): string | null {
  const m = /<Play>[^<]*<\/Play>|<Say\b[^>]*>[^<]*<\/Say>/.exec(startDoc);
  return m ? m[0] : null;
}

interface CallContext {
  tenantSlug: string;
  caller: string | null;
  target: CallbackTarget | null;
}

/** The query every URL of one call carries: the caller (f), the delivery (d) and, for 46elks, the secret (s). */
function callQuery(ctx: CallContext, secret?: string): string {
  const q = new URLSearchParams();
  if (ctx.caller) q.set('f', ctx.caller);
  if (ctx.target) q.set('d', ctx.target.deliveryToken);
  if (secret) q.set('s', secret);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function callbackCallsRouter(services: HttpServices, failures: FailureThrottle): Router {
  const router = express.Router();
  router.use(rateLimit('callback', services.config.rateLimitPerSecond, services.metrics));
  const base = (tenant: string, provider: 'twilio' | 'elks') =>
    `${services.publicBaseUrl()}/callback/${encodeURIComponent(tenant)}/${provider}`;
  const kindOf =
    (provider: 'twilio' | 'elks') =>
    (path: string): string =>
      path.endsWith('/recording') ? `${provider}.voicemail` : path.endsWith('/menu') ? `${provider}.callback-menu` : `${provider}.callback`;
  const body = flowBody(services);

  /** The verified form of a Twilio request, or null (answered already). */
  const twilioForm = (req: Request, res: Response, kind: string): FormParams | null =>
    verifiedTwilioForm(services, failures, req, res, kind);

  /** The verified form of a 46elks request, or null (answered already). */
  const elksForm = (req: Request, res: Response, kind: string): { params: FormParams; secret: string } | null => {
    const { resolved, failureKey } = res.locals as FlowLocals;
    const query = queryOf(req.url);
    const verdict = verifyElks(resolved.credentials.elksCallbackSecret, query.s);
    if (!verdict.ok) {
      failures.failed(failureKey);
      rejectWebhook(services, req.log, res, String(req.params.tenant), 'elks', kind, 'rejected_signature', 403, verdict.reason);
      return null;
    }
    const form = parseForm(rawBodyOf(req));
    if (!form.ok) {
      rejectWebhook(services, req.log, res, String(req.params.tenant), 'elks', kind, 'rejected_bad_request', form.status, form.reason);
      return null;
    }
    return { params: form.params, secret: query.s! };
  };

  /** Who is calling and the latest alert their number was sent (null: unknown caller). */
  const contextOf = async (res: Response, from: string | undefined): Promise<CallContext> => {
    const { resolved } = res.locals as FlowLocals;
    const caller = from && callbackPhoneSchema.safeParse(from).success ? from : null;
    const target = caller ? await loadCallbackTarget(services.db, resolved.tenant.id, caller) : null;
    return { tenantSlug: resolved.tenant.slug, caller, target };
  };

  /** The caller and delivery of a follow-up request, from the URL the relay handed out. */
  const followUpOf = (req: Request, res: Response): CallContext => {
    const { resolved } = res.locals as FlowLocals;
    const q = queryOf(req.url);
    const caller = q.f && callbackPhoneSchema.safeParse(q.f).success ? q.f : null;
    const target: CallbackTarget | null = q.d ? { phone: caller ?? '', deliveryToken: q.d, flowId: null, sentAt: '' } : null;
    return { tenantSlug: resolved.tenant.slug, caller, target };
  };

  const accepted = (provider: 'twilio' | 'elks', kind: string) => services.metrics.webhooks.inc({ provider, kind, result: 'accepted' });

  // ── Twilio ──────────────────────────────────────────────────────────────────────────
  const twilioRecord = (ctx: CallContext, lead: string): string =>
    twiml(
      `${say(lead)}<Record maxLength="${VOICEMAIL_MAX_SEC}" playBeep="true" finishOnKey="#" timeout="5" ` +
        `recordingStatusCallback="${xml(`${base(ctx.tenantSlug, 'twilio')}/recording${callQuery(ctx)}`)}" recordingStatusCallbackMethod="POST" ` +
        `action="${xml(`${base(ctx.tenantSlug, 'twilio')}/done`)}" method="POST"/>`,
    );

  const twilioTenantFirst = flowTenantFirst(services, failures, 'twilio', 'callback-failed-signatures', kindOf('twilio'));
  router.post('/:tenant/twilio', twilioTenantFirst, body, async (req, res) => {
    const kind = 'twilio.callback';
    const params = twilioForm(req, res, kind);
    if (!params) return;
    const ctx = await contextOf(res, first(params.From));
    accepted('twilio', kind);
    const flow = ctx.target?.flowId
      ? await loadCallFlow(services.db, (res.locals as FlowLocals).resolved.tenant.id, ctx.target.flowId)
      : null;
    if (!ctx.target) {
      res.type('text/xml').send(twilioRecord(ctx, CALLBACK_TEXTS.unknown));
      return;
    }
    const message = flow ? flowMessageOf(flow.documents.start) : null;
    const menuUrl = `${base(ctx.tenantSlug, 'twilio')}/menu${callQuery(ctx)}`;
    res
      .type('text/xml')
      .send(
        twiml(
          `<Gather input="dtmf" numDigits="1" timeout="6" action="${xml(menuUrl)}" method="POST" actionOnEmptyResult="true">` +
            `${message ? `${message}<Pause length="1"/>` : ''}${say(CALLBACK_TEXTS.menu)}</Gather>`,
        ),
      );
  });

  router.post('/:tenant/twilio/menu', twilioTenantFirst, body, async (req, res) => {
    const kind = 'twilio.gather';
    const params = twilioForm(req, res, kind);
    if (!params) return;
    const ctx = followUpOf(req, res);
    const digits = first(params.Digits) ?? '';
    if (digits === CALLBACK_DIGITS.confirm && ctx.target) {
      // The same event an outbound call's gather commits: the engine confirms the delivery.
      const gather = twilioGather(params, 1, { d: ctx.target.deliveryToken });
      if (typeof gather === 'string') {
        rejectWebhook(services, req.log, res, ctx.tenantSlug, 'twilio', kind, 'rejected_bad_request', 400, gather);
        return;
      }
      const item = { ...gather.item, eventKey: `callback:${gather.item.eventKey}` };
      if (!(await commitFlowEvent(services, req, res, (res.locals as FlowLocals).resolved.tenant.id, 'twilio', kind, item))) return;
      res.type('text/xml').send(twiml(`${say(CALLBACK_TEXTS.confirmed)}<Hangup/>`));
      return;
    }
    accepted('twilio', 'twilio.callback-menu');
    if (digits === CALLBACK_DIGITS.connect) {
      const number = await loadCrisisRoomNumber(services.db, (res.locals as FlowLocals).resolved.tenant.id);
      if (number) {
        res.type('text/xml').send(twiml(`${say(CALLBACK_TEXTS.connecting)}<Dial>${xml(number)}</Dial>`));
        return;
      }
      res.type('text/xml').send(twilioRecord(ctx, `${CALLBACK_TEXTS.noConnect} ${CALLBACK_TEXTS.record}`));
      return;
    }
    res.type('text/xml').send(twilioRecord(ctx, CALLBACK_TEXTS.record));
  });

  router.post('/:tenant/twilio/done', twilioTenantFirst, body, (req, res) => {
    if (!twilioForm(req, res, 'twilio.callback-menu')) return;
    res.type('text/xml').send(twiml(`${say(CALLBACK_TEXTS.thanks)}<Hangup/>`));
  });

  router.post('/:tenant/twilio/recording', twilioTenantFirst, body, async (req, res) => {
    const kind: WebhookKind = 'twilio.voicemail';
    const params = twilioForm(req, res, kind);
    if (!params) return;
    const sid = first(params.RecordingSid);
    if (!sid || first(params.RecordingStatus) !== 'completed') {
      // Only a finished recording is a voicemail; "in-progress"/"absent" are acknowledged.
      accepted('twilio', kind);
      res.status(204).end();
      return;
    }
    const item = webhookItem(kind, `voicemail:${sid}`, queryOf(req.url), params);
    if (!(await commitFlowEvent(services, req, res, (res.locals as FlowLocals).resolved.tenant.id, 'twilio', kind, item))) return;
    res.status(204).end();
  });

  // ── 46elks ──────────────────────────────────────────────────────────────────────────
  // 46elks plays audio and cannot speak text: a known caller hears the alert's audio (a flow
  // without audio cannot be played) inside an ivr that takes one key; what is not 1 or 2 is
  // recorded after the beep.
  const elksRecord = (ctx: CallContext, secret: string) => ({
    record: `${base(ctx.tenantSlug, 'elks')}/recording${callQuery(ctx, secret)}`,
    timelimit: VOICEMAIL_MAX_SEC,
  });

  const elksTenantFirst = flowTenantFirst(services, failures, 'elks', 'callback-failed-secrets', kindOf('elks'));
  router.post('/:tenant/elks', elksTenantFirst, body, async (req, res) => {
    const kind = 'elks.callback';
    const form = elksForm(req, res, kind);
    if (!form) return;
    const ctx = await contextOf(res, first(form.params.from));
    accepted('elks', kind);
    const flow = ctx.target?.flowId
      ? await loadCallFlow(services.db, (res.locals as FlowLocals).resolved.tenant.id, ctx.target.flowId)
      : null;
    const playable = flow ? elksFlowOf(flow) : null;
    if (!ctx.target || !playable) {
      res.json(elksRecord(ctx, form.secret));
      return;
    }
    res.json({
      ivr: playable.audioUrl,
      digits: 1,
      timeout: playable.timeoutSec,
      repeat: 1,
      next: `${base(ctx.tenantSlug, 'elks')}/menu${callQuery(ctx, form.secret)}`,
    });
  });

  router.post('/:tenant/elks/menu', elksTenantFirst, body, async (req, res) => {
    const kind = 'elks.ivr';
    const form = elksForm(req, res, kind);
    if (!form) return;
    const ctx = followUpOf(req, res);
    const result = first(form.params.result) ?? '';
    if (result === CALLBACK_DIGITS.confirm && ctx.target) {
      const item = elksItem(kind, form.params, { d: ctx.target.deliveryToken, a: 'callback' });
      if (typeof item === 'string') {
        rejectWebhook(services, req.log, res, ctx.tenantSlug, 'elks', kind, 'rejected_bad_request', 400, item);
        return;
      }
      if (!(await commitFlowEvent(services, req, res, (res.locals as FlowLocals).resolved.tenant.id, 'elks', kind, item))) return;
      res.json({ hangup: 'ok' });
      return;
    }
    accepted('elks', 'elks.callback-menu');
    if (result === CALLBACK_DIGITS.connect) {
      const number = await loadCrisisRoomNumber(services.db, (res.locals as FlowLocals).resolved.tenant.id);
      if (number) {
        res.json({ connect: number });
        return;
      }
    }
    res.json(elksRecord(ctx, form.secret));
  });

  router.post('/:tenant/elks/recording', elksTenantFirst, body, async (req, res) => {
    const kind: WebhookKind = 'elks.voicemail';
    const form = elksForm(req, res, kind);
    if (!form) return;
    const item = elksItem(kind, form.params, queryOf(req.url));
    if (typeof item === 'string') {
      rejectWebhook(services, req.log, res, String(req.params.tenant), 'elks', kind, 'rejected_bad_request', 400, item);
      return;
    }
    if (!(await commitFlowEvent(services, req, res, (res.locals as FlowLocals).resolved.tenant.id, 'elks', kind, item))) return;
    res.status(204).end();
  });

  return router;
}
