// The simulated 46elks SMS API: POST /a1/sms (to, from, message, whendelivered), GET
// /a1/sms/{id} and the newest-first listing, per-sender pacing, delivery reports posted to
// `whendelivered` (id, status delivered|failed, delivered time) and a person who answers,
// posted like an incoming SMS to the configured sms_url.
import type { SimCore } from '../core';
import { single, type FormParams } from '../http';
import { ruleFor, sampleLatency } from '../profile';
import { E164, Pacer, countSegments } from '../twilio/common';
import { ElksApiError, elksTime, postCallback } from './common';

export type ElksSmsStatus = 'created' | 'sent' | 'delivered' | 'failed';

export interface SimElksSms {
  id: string;
  direction: 'outgoing' | 'incoming';
  to: string;
  from: string;
  message: string;
  parts: number;
  status: ElksSmsStatus;
  created: Date;
  delivered: Date | null;
  whendelivered: string | null;
}

const ALPHANUMERIC_SENDER = /^[A-Za-z][A-Za-z0-9]{2,10}$/;

export class ElksSms {
  readonly messages = new Map<string, SimElksSms>();
  private readonly ordered: SimElksSms[] = [];
  private readonly pacer = new Pacer();

  constructor(private readonly core: SimCore) {}

  reset(): void {
    this.messages.clear();
    this.ordered.length = 0;
    this.pacer.clear();
  }

  create(params: FormParams): SimElksSms {
    const { core } = this;
    const to = single(params, 'to');
    const from = single(params, 'from');
    const message = single(params, 'message');
    const whendelivered = single(params, 'whendelivered') ?? null;
    if (!to) throw new ElksApiError(403, 'Missing key to');
    if (!from) throw new ElksApiError(403, 'Missing key from');
    if (message === undefined || message === '') throw new ElksApiError(403, 'Missing key message');
    if (!E164.test(to)) throw new ElksApiError(403, 'Invalid to number');
    if (!E164.test(from) && !ALPHANUMERIC_SENDER.test(from))
      throw new ElksApiError(403, 'Invalid from. Must be a phone number in E.164 format or a text of 3-11 characters (a-z, A-Z, 0-9)');
    if (message.length > 1600) throw new ElksApiError(403, 'Message too long');
    if (whendelivered !== null && !/^https?:\/\//.test(whendelivered)) throw new ElksApiError(403, 'Invalid whendelivered URL');
    if (!core.profile.allowedPrefixes.some((p) => to.startsWith(p))) throw new ElksApiError(403, 'Destination not allowed');
    if (ruleFor(core.rules, 'sms', to, 'serverError')) throw new ElksApiError(500, 'Internal server error');
    if (ruleFor(core.rules, 'sms', to, 'rejectCode') !== undefined) throw new ElksApiError(403, 'Invalid to number');

    const now = Date.now();
    const rate = core.profile.limits.messagesPerSecondPerSender;
    if (this.pacer.peek(from, rate, now) > 0 && core.profile.limits.overflow === 'reject') throw new ElksApiError(429, 'Too many requests');
    const startDelay = this.pacer.reserve(from, rate, now);
    const sms: SimElksSms = {
      id: core.nextSid('s'),
      direction: 'outgoing',
      to,
      from,
      message,
      parts: countSegments(message),
      status: 'created',
      created: new Date(now),
      delivered: null,
      whendelivered,
    };
    this.messages.set(sms.id, sms);
    this.ordered.push(sms);
    this.runLifecycle(sms, startDelay);
    return sms;
  }

  fetch(id: string): SimElksSms | undefined {
    return this.messages.get(id);
  }

  /** Newest first, as 46elks lists; `end` excludes anything created after it (paging cursor). */
  list(filters: { to?: string; end?: string; limit?: number }): { data: SimElksSms[]; next: string | null } {
    const end = filters.end ? Date.parse(filters.end.endsWith('Z') ? filters.end : `${filters.end.replace(/0{3}$/, '')}Z`) : null;
    const limit = Math.max(1, Math.min(100, filters.limit ?? 100));
    const data: SimElksSms[] = [];
    let next: string | null = null;
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const m = this.ordered[i]!;
      if (end !== null && m.created.getTime() >= end) continue;
      if (filters.to && m.to !== filters.to) continue;
      if (data.length === limit) {
        next = elksTime(data[data.length - 1]!.created);
        break;
      }
      data.push(m);
    }
    return { data, next };
  }

  /** An SMS from a person to one of our numbers, posted to the number's sms_url. */
  async inject(input: { from: string; to: string; message: string }): Promise<SimElksSms> {
    const { core } = this;
    const sms: SimElksSms = {
      id: core.nextSid('s'),
      direction: 'incoming',
      to: input.to,
      from: input.from,
      message: input.message,
      parts: countSegments(input.message),
      status: 'delivered',
      created: new Date(),
      delivered: new Date(),
      whendelivered: null,
    };
    this.messages.set(sms.id, sms);
    this.ordered.push(sms);
    core.notify({ type: 'message', sid: sms.id, status: 'received' });
    const url = core.config.elksSmsUrl;
    if (url) {
      await postCallback(
        core,
        'elks.inbound-sms',
        url,
        { direction: 'incoming', id: sms.id, from: sms.from, to: sms.to, message: sms.message, created: elksTime(sms.created) },
        sms.id,
      );
    }
    return sms;
  }

  private runLifecycle(sms: SimElksSms, startDelay: number): void {
    const { core } = this;
    const random = core.randomFor(sms.id);
    const rule = ruleFor(core.rules, 'sms', sms.to, 'message');
    const reply = ruleFor(core.rules, 'sms', sms.to, 'reply');
    const sentAt = startDelay + sampleLatency(core.profile.latency.messageSent, random);
    const finalAt = sentAt + sampleLatency(core.profile.latency.messageFinal, random);
    const failed = rule !== undefined && (rule.status === 'failed' || rule.status === 'undelivered');
    const steps: { at: number; run: () => void }[] = [{ at: sentAt, run: () => this.setStatus(sms, 'sent') }];
    if (rule?.status !== 'sent') steps.push({ at: finalAt, run: () => this.setStatus(sms, failed ? 'failed' : 'delivered') });
    if (!failed && reply !== undefined) {
      const replyAt = finalAt + 1 + sampleLatency(core.profile.latency.reply, random);
      steps.push({ at: replyAt, run: () => void this.inject({ from: sms.to, to: sms.from, message: reply }) });
    }
    core.sequence(steps);
  }

  private setStatus(sms: SimElksSms, status: ElksSmsStatus): void {
    sms.status = status;
    if (status === 'delivered') sms.delivered = new Date();
    this.core.notify({ type: 'message', sid: sms.id, status });
    // 46elks reports only the final outcome to whendelivered.
    if ((status !== 'delivered' && status !== 'failed') || !sms.whendelivered || !this.core.profile.callbacks.enabled) return;
    const params: Record<string, string> = { id: sms.id, status };
    if (sms.delivered) params.delivered = elksTime(sms.delivered);
    void postCallback(this.core, 'elks.sms-status', sms.whendelivered, params, sms.id);
  }
}

export function elksSmsJson(m: SimElksSms): Record<string, unknown> {
  return {
    id: m.id,
    direction: m.direction,
    from: m.from,
    to: m.to,
    created: elksTime(m.created),
    ...(m.delivered ? { delivered: elksTime(m.delivered) } : {}),
    message: m.message,
    status: m.status,
    parts: m.parts,
    cost: m.direction === 'outgoing' ? 3500 * m.parts : 0,
    estimated_cost: m.direction === 'outgoing' ? 3500 * m.parts : undefined,
  };
}
