// Voice calls through 46elks. 46elks fetches the call's first action from `voice_start`
// once someone answers; the relay serves the flow as 46elks call actions at the URL the
// `voiceStartUrl` option derives from the flow URL (the tenant's callback secret is in it).
// The end of the call is posted to `whenhangup` with our token. 46elks offers no way to end
// a call from outside, so hang-up is refused and the call ends with its flow.
import type { Logger } from '../../log';
import {
  sendError,
  withDeliveryToken,
  type HangUpResult,
  type ReconcileQuery,
  type ReconcileResult,
  type SendResult,
  type StatusResult,
  type VoiceCall,
  type VoiceProvider,
} from '../types';
import type { ElksClient } from './client';
import { elksDate } from './client';
import { elksCallFailure, elksCallStatus } from './webhooks';

export interface ElksVoiceOptions {
  client: ElksClient;
  /** Caller id: a voice-enabled number on the account (E.164). */
  from: string;
  /** Relay URL the end of each call is posted to (carries the tenant's callback secret); `d=<token>` is added. */
  hangupUrl: string;
  /** The URL 46elks asks for the first action, from the flow URL the call flow host gave (TwiML on the relay). */
  voiceStartUrl: (flowUrl: string) => string;
  /** Seconds to let it ring (46elks' default is 60). */
  ringTimeoutSec?: number;
  logger?: Logger;
}

interface ElksCall {
  id: string;
  to: string;
  from: string;
  state: string;
  created: string;
  duration?: number;
}

const CLOCK_SKEW_MS = 120_000;

export class ElksVoiceProvider implements VoiceProvider {
  readonly provider = 'elks' as const;
  readonly channel = 'voice' as const;

  constructor(private readonly options: ElksVoiceOptions) {
    if (!options.from) throw new Error('46elks voice needs a caller id number');
  }

  async call(call: VoiceCall): Promise<SendResult> {
    const r = await this.options.client.post<ElksCall>('/a1/calls', {
      from: this.options.from,
      to: call.to,
      voice_start: this.options.voiceStartUrl(call.flowUrl),
      whenhangup: withDeliveryToken(this.options.hangupUrl, call.deliveryToken),
      timeout: String(Math.min(120, call.ringTimeoutSec ?? this.options.ringTimeoutSec ?? 30)),
    });
    if (!r.ok) {
      this.options.logger?.warn({ to: call.to, code: r.error.code, class: r.error.class }, '46elks refused a call');
      return { ok: false, error: r.error };
    }
    return { ok: true, providerId: r.body.id, status: elksCallStatus(r.body.state) ?? 'queued', segments: null };
  }

  async fetchStatus(providerId: string): Promise<StatusResult> {
    const r = await this.options.client.get<ElksCall>(`/a1/calls/${encodeURIComponent(providerId)}`);
    if (!r.ok) return r.status === 404 ? { kind: 'not-found' } : { kind: 'error', error: r.error };
    const status = elksCallStatus(r.body.state);
    if (!status) return { kind: 'not-found' };
    return {
      kind: 'status',
      providerId: r.body.id,
      status,
      failure: elksCallFailure(status),
      answeredBy: status === 'completed' ? 'unknown' : null,
      durationSec: typeof r.body.duration === 'number' ? r.body.duration : null,
    };
  }

  async findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult> {
    const r = await this.options.client.get<{ data: ElksCall[] }>(`/a1/calls?${new URLSearchParams({ to: query.to }).toString()}`);
    if (!r.ok) return { kind: 'error', error: r.error };
    const since = query.attemptedAt.getTime() - CLOCK_SKEW_MS;
    const found = r.body.data.filter(
      (c) => c.to === query.to && c.from === this.options.from && (elksDate(c.created)?.getTime() ?? 0) >= since,
    );
    if (found.length === 0) return { kind: 'not-found' };
    if (found.length > 1) return { kind: 'ambiguous', providerIds: found.map((c) => c.id) };
    return { kind: 'found', providerId: found[0]!.id, status: elksCallStatus(found[0]!.state) ?? 'queued' };
  }

  hangUp(): Promise<HangUpResult> {
    return Promise.resolve({
      ok: false,
      error: sendError('permanent', '46elks cannot end a call from outside; it ends with its call flow'),
    });
  }
}
