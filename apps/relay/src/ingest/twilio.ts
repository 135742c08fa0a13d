// Twilio's webhooks: status callbacks, inbound messages and call-flow gathers arrive as
// form-encoded posts signed with the tenant's auth token over the public URL the relay was
// configured with (so the caller passes the URL rebuilt from the public base, never the
// internal one). Everything that knows a Twilio field name is in this file.
import { timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import type { WebhookKind } from '@gdial/protocol';
import type { AppendItem } from '../store/events';
import { parseFormBounded, type FormParams, type FormResult } from './limits';
import { webhookItem, type Verdict } from './webhook';

export type { FormParams };

export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** A Twilio form body, bounded (see limits.ts): parsed before the signature, which covers its parameters. */
export const parseForm = (raw: Buffer): FormResult => parseFormBounded(raw);

/** `params` is the body parsed with `parseForm` (already bounded, so the HMAC's cost is too). */
export function verifyTwilio(
  authToken: string | null,
  signature: string | undefined,
  publicUrl: string,
  rawBody: Buffer,
  contentType: string | undefined,
  params: FormParams,
): Verdict {
  if (!authToken) return { ok: false, reason: 'no Twilio auth token configured for this tenant' };
  if (!signature) return { ok: false, reason: 'missing X-Twilio-Signature' };
  const isJson = (contentType ?? '').includes('json');
  if (isJson) {
    return twilio.validateRequestWithBody(authToken, signature, publicUrl, rawBody.toString('utf8'))
      ? { ok: true }
      : { ok: false, reason: 'Twilio signature does not match' };
  }
  // The URL exactly as configured is one of the two forms validateRequest tries first (with
  // and without the port); checked alone first, a URL that names its port costs one HMAC
  // instead of two. Anything else is left to validateRequest, so the same requests pass.
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, publicUrl, params));
  const given = Buffer.from(signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return { ok: true };
  return twilio.validateRequest(authToken, signature, publicUrl, params)
    ? { ok: true }
    : { ok: false, reason: 'Twilio signature does not match' };
}

/** The webhook kinds under /hooks/:tenant/twilio/:kind, by the URL's last segment. */
export const twilioKinds = {
  'message-status': 'twilio.message-status',
  'call-status': 'twilio.call-status',
  inbound: 'twilio.inbound-message',
} as const satisfies Record<string, WebhookKind>;

export type TwilioHookKind = (typeof twilioKinds)[keyof typeof twilioKinds];

export function twilioKindOf(name: string): TwilioHookKind | null {
  return Object.hasOwn(twilioKinds, name) ? twilioKinds[name as keyof typeof twilioKinds] : null;
}

/** Provider identity of a Twilio callback: resends carry the same values. */
function twilioEventKey(kind: TwilioHookKind, p: FormParams): string | null {
  switch (kind) {
    case 'twilio.message-status': {
      const sid = first(p.MessageSid) ?? first(p.SmsSid);
      const status = first(p.MessageStatus) ?? first(p.SmsStatus);
      return sid && status ? `msg:${sid}:${status}` : null;
    }
    case 'twilio.call-status': {
      const sid = first(p.CallSid);
      const status = first(p.CallStatus);
      return sid && status ? `call:${sid}:${status}:${first(p.SequenceNumber) ?? ''}` : null;
    }
    case 'twilio.inbound-message': {
      const sid = first(p.MessageSid) ?? first(p.SmsSid);
      return sid ? `in:${sid}` : null;
    }
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** The log item of a verified callback, or why it cannot be one. */
export function twilioItem(kind: TwilioHookKind, params: FormParams, query: Record<string, string>): AppendItem | string {
  const eventKey = twilioEventKey(kind, params);
  return eventKey ? webhookItem(kind, eventKey, query, params) : 'callback lacks the Sid or status that identifies it';
}

/** What a verified gather (the digit a callee pressed) says, or why it cannot be used. */
export function twilioGather(
  params: FormParams,
  attempt: number,
  query: Record<string, string>,
): { item: AppendItem; digits: string | undefined } | string {
  const callSid = first(params.CallSid);
  if (!callSid) return 'gather lacks CallSid';
  return { item: webhookItem('twilio.gather', `gather:${callSid}:${attempt}`, query, params), digits: first(params.Digits) };
}

/** The answer to an inbound message: TwiML that sends no reply. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
