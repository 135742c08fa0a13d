// What the campaign engine needs from the outside world, as interfaces: a sender per
// channel (send, find by our delivery token, hang up, ask for a status) and a place that
// hosts voice call flows. The providers layer (providers/, adapted in senders.ts)
// implements these; tests and benchmarks may plug in their own. A send's result is the
// providers' one SendResult type, so a failure is classified once, where it happens, and
// the dispatcher never sees a provider's field names.
import type { AnsweredBy, Channel, Confirmation, DeliveryStatus, ProviderFailure, WhatsAppContentTemplate } from '@gdial/protocol';
import type { SendError, SendResult } from '../providers/types';

export type { SendError, SendResult };

/** One delivery as handed to a channel sender. */
export interface OutboundDelivery {
  /** Our delivery token: travels in callback URLs / custom args and finds the message again after a crash. */
  token: string;
  channel: Channel;
  to: string;
  body: string | null;
  subject: string | null;
  html: string | null;
  audioId: string | null;
  /** Voice: the URL the provider fetches the call flow from, for this delivery. */
  callFlowUrl: string | null;
  /**
   * WhatsApp: send this approved content template instead of the free-form body (the person
   * has not written within 24 hours, or there is no free-form text). Null: send `body`.
   */
  whatsAppTemplate: { contentSid: string; variables: Record<string, string> } | null;
}

/**
 * A lookup by delivery token: found; definitely not there (`false`); the provider could not
 * be asked (`unknown`: its path failed, so no answer yet); or it can never say (`cannot-tell`:
 * the channel has no lookup, e.g. Telegram).
 */
export type LookupOutcome =
  { found: true; providerId: string; status: string } | { found: false } | { found: 'unknown'; message: string } | { found: 'cannot-tell' };

export interface ChannelSender {
  /** Provider name, for the circuit breaker and the report ("twilio", "sendgrid", "telegram"). */
  readonly provider: string;
  send(delivery: OutboundDelivery): Promise<SendResult>;
  /** Finds what we sent with this token (after a crash), so it is adopted rather than sent twice. */
  findByToken(q: { token: string; channel: Channel; to: string; since: Date; body?: string | null }): Promise<LookupOutcome>;
  /** Ends a call in progress (cancel). */
  hangUp?(providerId: string): Promise<void>;
  /** Asks the provider where a delivery stands (when its callbacks seem lost). Null when it cannot say. */
  fetchStatus?(providerId: string): Promise<PolledStatus | null>;
}

export interface PolledStatus {
  status: DeliveryStatus;
  answeredBy: AnsweredBy | null;
  failure: ProviderFailure | null;
}

export interface ChannelSenders {
  /** The first provider of a channel (the one that carries it while its path works). */
  get(channel: Channel): ChannelSender | null;
  /**
   * Every provider of a channel in failover order, the first being `get`'s. When the
   * first one's path fails (circuit open, credentials refused), the next carries on.
   * Absent: the channel has only `get`'s provider.
   */
  chain?(channel: Channel): ChannelSender[];
  /** The WhatsApp account's content templates with their approval; absent when WhatsApp is not set up. */
  whatsAppContent?(): Promise<{ ok: true; templates: WhatsAppContentTemplate[] } | { ok: false; error: SendError }>;
  /** The Telegram bot's @username (for deep links); absent when Telegram is not set up. */
  telegramBot?(): Promise<string | null>;
}

/** A channel's providers in failover order. */
export function chainOf(senders: ChannelSenders, channel: Channel): ChannelSender[] {
  const chain = senders.chain?.(channel);
  if (chain && chain.length) return chain;
  const first = senders.get(channel);
  return first ? [first] : [];
}

/** The sender of the provider that carried a delivery (for look-ups, polls and hang-ups), or the channel's first. */
export function senderOf(senders: ChannelSenders, channel: Channel, provider: string | null): ChannelSender | null {
  return (provider ? chainOf(senders, channel).find((s) => s.provider === provider) : undefined) ?? senders.get(channel);
}

/** Where the call flow of a campaign lives (the relay in production, a test server in tests). */
export interface CallFlowHost {
  /** Registers the flow for a campaign and returns the URL of one delivery's flow. */
  register(flow: CallFlowSpec): Promise<{ urlFor: (token: string) => string }>;
}

export interface CallFlowSpec {
  flowId: string;
  /** Text to speak when there is no audio. */
  script: string | null;
  audioId: string | null;
  /** The Piper voice to speak `script` with; null: the default voice. */
  voiceId: string | null;
  language: 'sv' | 'en';
  confirmation: Confirmation;
}
