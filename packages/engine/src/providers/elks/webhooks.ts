// 46elks' callbacks as GDial provider events: delivery reports (`whendelivered`), incoming
// SMS (the number's sms_url), the end of a call (`whenhangup`) and the digits a callee
// pressed in an ivr (posted to `next` as `result`). 46elks signs nothing; the relay has
// already checked the tenant's secret in the URL. Every event key is the same however
// often 46elks retries the callback.
import type { DeliveryStatus, ProviderEvent, ProviderFailure, RawWebhook } from '@gdial/protocol';
import { elksDate } from './client';
import { elksSmsFailure, elksSmsStatus } from './sms';
import { voicemailText } from '../voicemail';

export type ElksWebhookKind = Extract<RawWebhook['kind'], `elks.${string}`>;

/** Keywords 46elks passes through untouched: GDial itself honours STOP for this provider. */
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPP', 'STOPPA', 'AVSLUTA', 'UNSUBSCRIBE']);

export class ElksWebhookError extends Error {}

function param(raw: RawWebhook, key: string): string | undefined {
  const body = raw.body as Record<string, unknown> | null;
  const value = body && typeof body === 'object' ? body[key] : undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[value.length - 1] === 'string') return value[value.length - 1] as string;
  return undefined;
}

function required(raw: RawWebhook, key: string): string {
  const value = param(raw, key);
  if (!value) throw new ElksWebhookError(`missing ${key}`);
  return value;
}

const isoOr = (value: string | undefined, fallback: string): string => elksDate(value)?.toISOString() ?? fallback;

/** A call's end in GDial's statuses: 46elks says success, busy or failed (never reached, which is mostly nobody answering). */
export function elksCallStatus(state: string): DeliveryStatus | null {
  switch (state) {
    case 'ongoing':
      return 'queued';
    case 'success':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'failed':
      return 'no-answer';
    default:
      return null;
  }
}

export function elksCallFailure(status: DeliveryStatus): ProviderFailure | null {
  if (status === 'busy') return { class: 'transient', code: 'elks:busy', message: 'The line was busy' };
  if (status === 'no-answer') return { class: 'transient', code: 'elks:failed', message: 'The call was not answered' };
  return null;
}

export function parseElksWebhook(raw: RawWebhook & { kind: ElksWebhookKind }): ProviderEvent[] {
  const token = raw.query.d || null;
  switch (raw.kind) {
    case 'elks.sms-status': {
      const id = required(raw, 'id');
      const elksStatus = required(raw, 'status');
      const status = elksSmsStatus(elksStatus);
      if (!status) return [];
      return [
        {
          type: 'status',
          eventKey: `elks:${id}:${elksStatus}`,
          provider: 'elks',
          channel: 'sms',
          deliveryToken: token,
          providerId: id,
          occurredAt: isoOr(param(raw, 'delivered'), raw.receivedAt),
          status,
          failure: elksSmsFailure(status),
          answeredBy: null,
          durationSec: null,
        },
      ];
    }
    case 'elks.inbound-sms': {
      const id = required(raw, 'id');
      const from = required(raw, 'from');
      const text = param(raw, 'message') ?? '';
      const base = { provider: 'elks' as const, channel: 'sms' as const, deliveryToken: null, providerId: id, occurredAt: raw.receivedAt };
      const events: ProviderEvent[] = [{ ...base, type: 'reply', eventKey: `elks:${id}:inbound`, from, to: param(raw, 'to') ?? '', text }];
      if (OPT_OUT_KEYWORDS.has(text.trim().toUpperCase()))
        events.push({ ...base, type: 'opt-out', eventKey: `elks:${id}:opt-out`, address: from, reason: 'stop-keyword' });
      return events;
    }
    case 'elks.call-hangup': {
      const id = required(raw, 'id');
      const state = required(raw, 'state');
      const status = elksCallStatus(state);
      if (!status) return [];
      const duration = param(raw, 'duration');
      return [
        {
          type: 'status',
          eventKey: `elks:${id}:hangup`,
          provider: 'elks',
          channel: 'voice',
          deliveryToken: token,
          providerId: id,
          occurredAt: raw.receivedAt,
          status,
          failure: elksCallFailure(status),
          // 46elks tells no machine from a person; an answered call was answered by "someone".
          answeredBy: status === 'completed' ? 'unknown' : null,
          durationSec: duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : null,
        },
      ];
    }
    case 'elks.ivr': {
      const id = required(raw, 'callid');
      const result = param(raw, 'result') ?? '';
      return [
        {
          type: 'dtmf',
          eventKey: `elks:${id}:ivr:${raw.eventKey}`,
          provider: 'elks',
          channel: 'voice',
          deliveryToken: token,
          providerId: id,
          occurredAt: raw.receivedAt,
          // "failed" is 46elks' word for nothing pressed.
          digits: /^[0-9*#]+$/.test(result) ? result : '',
        },
      ];
    }
    case 'elks.voicemail': {
      const id = required(raw, 'callid');
      const from = raw.query.f || param(raw, 'from');
      if (!from) throw new ElksWebhookError('voicemail without the caller');
      const duration = param(raw, 'duration');
      return [
        {
          type: 'reply',
          eventKey: `elks:${id}:voicemail`,
          provider: 'elks',
          channel: 'voice',
          deliveryToken: token,
          providerId: id,
          occurredAt: isoOr(param(raw, 'created'), raw.receivedAt),
          from,
          to: param(raw, 'to') ?? '',
          text: voicemailText(duration),
          voicemail: { recordingUrl: required(raw, 'wav'), durationSec: duration && /^\d+$/.test(duration) ? Number(duration) : null },
        },
      ];
    }
    default: {
      const never: never = raw.kind;
      throw new ElksWebhookError(`unknown 46elks webhook ${String(never)}`);
    }
  }
}
