// 46elks' callbacks: delivery reports, incoming SMS, the end of a call and the digits of an
// ivr, all form-encoded and unsigned. The tenant's callback secret travels in the URL as
// `s` and is compared in constant time; it is dropped from the query before the event is
// committed, so the log never holds it. Everything that knows a 46elks field name is here.
import type { WebhookKind } from '@gdial/protocol';
import type { AppendItem } from '../store/events';
import { constantTimeEqual } from '../store/secrets';
import { first, type FormParams } from './twilio';
import { webhookItem, type Verdict } from './webhook';

export function verifyElks(secret: string | null, given: string | undefined): Verdict {
  if (!secret) return { ok: false, reason: 'no 46elks callback secret configured for this tenant' };
  if (!given) return { ok: false, reason: 'callback URL lacks the 46elks secret s' };
  return constantTimeEqual(secret, given) ? { ok: true } : { ok: false, reason: '46elks callback secret does not match' };
}

/** The webhook kinds under /hooks/:tenant/elks/:kind, by the URL's last segment. */
export const elksKinds = {
  'sms-status': 'elks.sms-status',
  inbound: 'elks.inbound-sms',
  'call-hangup': 'elks.call-hangup',
} as const satisfies Record<string, WebhookKind>;

export type ElksHookKind = (typeof elksKinds)[keyof typeof elksKinds] | 'elks.ivr' | 'elks.voicemail';

export function elksKindOf(name: string): ElksHookKind | null {
  return Object.hasOwn(elksKinds, name) ? elksKinds[name as keyof typeof elksKinds] : null;
}

/** The query without the secret: what is committed and pushed to the desktops. */
export function withoutSecret(query: Record<string, string>): Record<string, string> {
  const rest = { ...query };
  delete rest.s;
  return rest;
}

/** Provider identity of a 46elks callback: its retries carry the same values. */
function elksEventKey(kind: ElksHookKind, p: FormParams, query: Record<string, string>): string | null {
  switch (kind) {
    case 'elks.sms-status': {
      const id = first(p.id);
      const status = first(p.status);
      return id && status ? `elks:sms:${id}:${status}` : null;
    }
    case 'elks.inbound-sms': {
      const id = first(p.id);
      return id ? `elks:in:${id}` : null;
    }
    case 'elks.call-hangup': {
      const id = first(p.id);
      return id ? `elks:call:${id}` : null;
    }
    case 'elks.ivr': {
      const id = first(p.callid);
      return id ? `elks:ivr:${id}:${query.a ?? '1'}` : null;
    }
    case 'elks.voicemail': {
      const id = first(p.callid);
      return id ? `elks:voicemail:${id}` : null;
    }
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** The log item of a verified callback, or why it cannot be one. */
export function elksItem(kind: ElksHookKind, params: FormParams, query: Record<string, string>): AppendItem | string {
  const eventKey = elksEventKey(kind, params, query);
  return eventKey ? webhookItem(kind, eventKey, withoutSecret(query), params) : 'callback lacks the id that identifies it';
}
