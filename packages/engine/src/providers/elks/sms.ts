// SMS through 46elks. Our delivery token travels in the `whendelivered` URL (`?d=`) with the
// tenant's callback secret, so a delivery report finds its delivery even after a crash;
// reconciliation walks 46elks' newest-first listing for the number, as for Twilio.
import type { DeliveryStatus, ProviderFailure } from '@gdial/protocol';
import type { Logger } from '../../log';
import {
  withDeliveryToken,
  type ReconcileQuery,
  type ReconcileResult,
  type SendResult,
  type SmsProvider,
  type StatusResult,
  type TextMessage,
} from '../types';
import type { ElksClient } from './client';
import { elksDate } from './client';

export interface ElksSmsOptions {
  client: ElksClient;
  /** Sender: an E.164 number on the account, or an alphanumeric id of 3–11 characters. */
  from: string;
  /** Relay URL for delivery reports (carries the tenant's callback secret); `d=<token>` is added per delivery. */
  deliveryReportUrl: string;
  logger?: Logger;
}

interface ElksSms {
  id: string;
  direction: string;
  to: string;
  from: string;
  message: string;
  status: string;
  created: string;
  parts?: number;
}

/** Clock skew allowed when matching a listing against our attempt. */
const CLOCK_SKEW_MS = 120_000;
const MAX_PAGES = 5;

export function elksSmsStatus(status: string): DeliveryStatus | null {
  switch (status) {
    case 'created':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}

/** 46elks says only "failed": the handset or the number could not be reached. */
export const elksSmsFailure = (status: DeliveryStatus): ProviderFailure | null =>
  status === 'failed' ? { class: 'invalid-recipient', code: 'elks:failed', message: '46elks could not deliver the SMS' } : null;

export class ElksSmsProvider implements SmsProvider {
  readonly provider = 'elks' as const;
  readonly channel = 'sms' as const;

  constructor(private readonly options: ElksSmsOptions) {
    if (!options.from) throw new Error('46elks SMS needs a sender');
  }

  async send(message: TextMessage): Promise<SendResult> {
    const r = await this.options.client.post<ElksSms>('/a1/sms', {
      to: message.to,
      from: this.options.from,
      message: message.body,
      whendelivered: withDeliveryToken(this.options.deliveryReportUrl, message.deliveryToken),
    });
    if (!r.ok) {
      this.options.logger?.warn({ to: message.to, code: r.error.code, class: r.error.class }, '46elks refused an SMS');
      return { ok: false, error: r.error };
    }
    return { ok: true, providerId: r.body.id, status: elksSmsStatus(r.body.status) ?? 'queued', segments: r.body.parts ?? null };
  }

  async fetchStatus(providerId: string): Promise<StatusResult> {
    const r = await this.options.client.get<ElksSms>(`/a1/sms/${encodeURIComponent(providerId)}`);
    if (!r.ok) return r.status === 404 ? { kind: 'not-found' } : { kind: 'error', error: r.error };
    const status = elksSmsStatus(r.body.status);
    if (!status) return { kind: 'not-found' };
    return { kind: 'status', providerId: r.body.id, status, failure: elksSmsFailure(status), answeredBy: null, durationSec: null };
  }

  async findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult> {
    const since = query.attemptedAt.getTime() - CLOCK_SKEW_MS;
    const found: ElksSms[] = [];
    let end: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const qs = new URLSearchParams({ to: query.to, ...(end ? { end } : {}) });
      const r = await this.options.client.get<{ data: ElksSms[]; next?: string }>(`/a1/sms?${qs.toString()}`);
      if (!r.ok) return { kind: 'error', error: r.error };
      let older = false;
      for (const m of r.body.data) {
        const created = elksDate(m.created)?.getTime() ?? 0;
        if (created < since) older = true;
        else if (
          m.direction === 'outgoing' &&
          m.to === query.to &&
          m.from === this.options.from &&
          (query.body === undefined || m.message.trim() === query.body.trim())
        )
          found.push(m);
      }
      if (older || !r.body.next) break;
      end = r.body.next;
    }
    if (found.length === 0) return { kind: 'not-found' };
    if (found.length > 1) return { kind: 'ambiguous', providerIds: found.map((f) => f.id) };
    return { kind: 'found', providerId: found[0]!.id, status: elksSmsStatus(found[0]!.status) ?? 'queued' };
  }
}
