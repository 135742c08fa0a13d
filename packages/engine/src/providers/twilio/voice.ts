// Voice calls through Twilio's Calls API with the real SDK. The call flow lives on the
// relay (the flow URL carries our delivery token); status callbacks carry it too. Hang-up
// picks cancel or complete from the call's current state, as Twilio requires.
import type { Logger } from '../../log';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call';
import {
  withDeliveryToken,
  type HangUpResult,
  type ReconcileQuery,
  type ReconcileResult,
  type SendResult,
  type StatusResult,
  type VoiceCall,
  type VoiceProvider,
} from '../types';
import { classifyTwilioError } from './errors';
import { reconcileFromListing } from './reconcile';
import { answeredBy, callFailure, callStatus } from './status';
import type { TwilioClient } from './client';

export interface TwilioVoiceOptions {
  client: TwilioClient;
  /** Caller ID (E.164, a number on the account). */
  from: string;
  /** Relay URL for call status callbacks; `d=<token>` is added per delivery. */
  statusCallbackUrl: string;
  /** Default ring time in seconds (Twilio's default is 60). */
  ringTimeoutSec?: number;
  /** Default cap on a call's length in seconds. */
  timeLimitSec?: number;
  logger?: Logger;
}

export class TwilioVoiceProvider implements VoiceProvider {
  readonly provider = 'twilio' as const;
  readonly channel = 'voice' as const;

  constructor(private readonly options: TwilioVoiceOptions) {
    if (!options.from) throw new Error('Twilio voice needs a caller ID number');
  }

  async call(call: VoiceCall): Promise<SendResult> {
    const { client, from, statusCallbackUrl } = this.options;
    try {
      const created = await client.calls.create({
        to: call.to,
        from,
        url: call.flowUrl,
        method: 'POST',
        statusCallback: withDeliveryToken(statusCallbackUrl, call.deliveryToken),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        ...(call.machineDetection ? { machineDetection: 'Enable' } : {}),
        timeout: call.ringTimeoutSec ?? this.options.ringTimeoutSec ?? 30,
        timeLimit: call.timeLimitSec ?? this.options.timeLimitSec ?? 300,
      });
      return { ok: true, providerId: created.sid, status: callStatus(created.status) ?? 'queued', segments: null };
    } catch (error) {
      const classified = classifyTwilioError(error);
      this.options.logger?.warn({ to: call.to, code: classified.code, class: classified.class }, 'Twilio refused a call');
      return { ok: false, error: classified };
    }
  }

  async fetchStatus(providerId: string): Promise<StatusResult> {
    try {
      return toStatus(await this.options.client.calls(providerId).fetch());
    } catch (error) {
      const classified = classifyTwilioError(error);
      if (classified.code === '20404') return { kind: 'not-found' };
      return { kind: 'error', error: classified };
    }
  }

  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult> {
    const { client, from } = this.options;
    return reconcileFromListing<CallInstance>(
      () => client.calls.page({ to: query.to, from, pageSize: 100 }),
      query.attemptedAt,
      () => true,
      callStatus,
    );
  }

  async hangUp(providerId: string): Promise<HangUpResult> {
    const { client } = this.options;
    try {
      const current = await client.calls(providerId).fetch();
      const status = callStatus(current.status);
      if (current.status === 'in-progress') {
        const ended = await client.calls(providerId).update({ status: 'completed' });
        return { ok: true, status: callStatus(ended.status) ?? 'completed' };
      }
      if (current.status === 'queued' || current.status === 'ringing') {
        const ended = await client.calls(providerId).update({ status: 'canceled' });
        return { ok: true, status: callStatus(ended.status) ?? 'canceled' };
      }
      return { ok: true, status: status ?? 'completed' };
    } catch (error) {
      return { ok: false, error: classifyTwilioError(error) };
    }
  }
}

function toStatus(c: CallInstance): StatusResult {
  const status = callStatus(c.status);
  if (!status) return { kind: 'not-found' };
  return {
    kind: 'status',
    providerId: c.sid,
    status,
    failure: callFailure(status),
    answeredBy: answeredBy(c.answeredBy),
    durationSec: c.duration ? Number(c.duration) : null,
  };
}
