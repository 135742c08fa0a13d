// Adapts the providers layer's per-channel adapters (providers/types.ts) to the narrow
// ChannelSender the dispatcher uses: one send, one lookup by delivery token, one hang-up.
// A send's result is the provider's own (one failure type for both sides); a send that
// may have reached the provider although we got no answer is marked so by the provider,
// and the dispatcher looks it up before sending again.
import type { Channel } from '@gdial/protocol';
import {
  sendError,
  type EmailProvider,
  type ReconcileResult,
  type SendResult,
  type SmsProvider,
  type StatusResult,
  type TelegramProvider,
  type VoiceProvider,
  type WhatsAppProvider,
} from '../providers/types';
import type { ChannelSender, ChannelSenders, LookupOutcome, OutboundDelivery, PolledStatus } from './ports';

export interface ProviderSet {
  sms?: SmsProvider | undefined;
  whatsapp?: WhatsAppProvider | undefined;
  voice?: VoiceProvider | undefined;
  email?: EmailProvider | undefined;
  telegram?: TelegramProvider | undefined;
  /** SMS and voice providers in failover order (the first replaces `sms` / `voice`). */
  chains?: { sms?: SmsProvider[] | undefined; voice?: VoiceProvider[] | undefined } | undefined;
}

function lookupOf(r: ReconcileResult): LookupOutcome {
  switch (r.kind) {
    case 'found':
      return { found: true, providerId: r.providerId, status: r.status };
    case 'not-found':
      return { found: false };
    case 'unsupported':
      return { found: 'cannot-tell' };
    case 'ambiguous':
      // Several matches that cannot be told apart: one of them is ours; never send a third.
      return { found: true, providerId: r.providerIds[0]!, status: 'queued' };
    case 'error':
      return { found: 'unknown', message: r.error.message };
    default: {
      const never: never = r;
      throw new Error(`unknown reconcile result ${JSON.stringify(never)}`);
    }
  }
}

const polled = async (p: { fetchStatus(id: string): Promise<StatusResult> }, providerId: string): Promise<PolledStatus | null> => {
  const r = await p.fetchStatus(providerId);
  return r.kind === 'status' ? { status: r.status, answeredBy: r.answeredBy, failure: r.failure } : null;
};

const missing = (what: string): SendResult => ({ ok: false, error: sendError('permanent', `The delivery has no ${what}`) });

const smsSender = (sms: SmsProvider): ChannelSender => ({
  provider: sms.provider,
  send: async (d: OutboundDelivery) => (d.body === null ? missing('text') : sms.send({ deliveryToken: d.token, to: d.to, body: d.body })),
  findByToken: async (q) =>
    lookupOf(
      await sms.findByDeliveryToken({
        deliveryToken: q.token,
        to: q.to,
        attemptedAt: q.since,
        ...(q.body != null ? { body: q.body } : {}),
      }),
    ),
  fetchStatus: (id) => polled(sms, id),
});

const voiceSender = (voice: VoiceProvider): ChannelSender => ({
  provider: voice.provider,
  send: async (d) =>
    d.callFlowUrl === null
      ? missing('call flow')
      : voice.call({ deliveryToken: d.token, to: d.to, flowUrl: d.callFlowUrl, machineDetection: true }),
  findByToken: async (q) => lookupOf(await voice.findByDeliveryToken({ deliveryToken: q.token, to: q.to, attemptedAt: q.since })),
  fetchStatus: (id) => polled(voice, id),
  hangUp: async (providerId) => {
    const r = await voice.hangUp(providerId);
    if (!r.ok) throw new Error(r.error.message);
  },
});

/** The button under a Telegram alert: pressing it answers "1", a confirmation, with the delivery's token. */
export const TELEGRAM_CONFIRM = { label: 'Bekräfta', replyText: '1' } as const;

/** ChannelSenders over whatever providers are configured; SMS and voice may have several, in failover order. */
export function sendersFromProviders(p: ProviderSet): ChannelSenders {
  const chains = new Map<Channel, ChannelSender[]>();
  const sms = p.chains?.sms?.length ? p.chains.sms : p.sms ? [p.sms] : [];
  if (sms.length) chains.set('sms', sms.map(smsSender));
  const voice = p.chains?.voice?.length ? p.chains.voice : p.voice ? [p.voice] : [];
  if (voice.length) chains.set('voice', voice.map(voiceSender));
  if (p.whatsapp) {
    const wa = p.whatsapp;
    chains.set('whatsapp', [
      {
        provider: wa.provider,
        send: async (d) =>
          d.whatsAppTemplate
            ? wa.send({ deliveryToken: d.token, to: d.to, body: d.body ?? '', template: d.whatsAppTemplate })
            : d.body === null
              ? missing('text')
              : wa.send({ deliveryToken: d.token, to: d.to, body: d.body }),
        findByToken: async (q) =>
          lookupOf(
            await wa.findByDeliveryToken({
              deliveryToken: q.token,
              to: q.to,
              attemptedAt: q.since,
              ...(q.body != null ? { body: q.body } : {}),
            }),
          ),
        fetchStatus: (id) => polled(wa, id),
      },
    ]);
  }
  if (p.email) {
    const email = p.email;
    chains.set('email', [
      {
        provider: email.provider,
        send: async (d) =>
          d.body === null || d.subject === null
            ? missing('subject or text')
            : email.send({ deliveryToken: d.token, to: d.to, subject: d.subject, text: d.body, ...(d.html ? { html: d.html } : {}) }),
        findByToken: async (q) => lookupOf(await email.findByDeliveryToken({ deliveryToken: q.token, to: q.to, attemptedAt: q.since })),
        fetchStatus: (id) => polled(email, id),
      },
    ]);
  }
  if (p.telegram) {
    const tg = p.telegram;
    chains.set('telegram', [
      {
        provider: tg.provider,
        send: async (d) => {
          if (d.body === null) return missing('text');
          const r = await tg.send({ deliveryToken: d.token, chatId: d.to, text: d.body, confirmButton: TELEGRAM_CONFIRM });
          // Telegram has no delivery receipts: an accepted message is as far as delivery can be
          // known, so it is final (reached, unconfirmed until the button or a reply). The next
          // step then waits the operator's wait, not the stall meant for lost callbacks.
          return r.ok ? { ...r, status: 'delivered' } : r;
        },
        findByToken: async (q) => lookupOf(await tg.findByDeliveryToken({ deliveryToken: q.token, to: q.to, attemptedAt: q.since })),
      },
    ]);
  }
  const wa = p.whatsapp;
  return {
    get: (channel) => chains.get(channel)?.[0] ?? null,
    chain: (channel) => chains.get(channel) ?? [],
    ...(wa?.listTemplates ? { whatsAppContent: () => wa.listTemplates!() } : {}),
    ...(p.telegram?.botUsername ? { telegramBot: () => p.telegram!.botUsername!() } : {}),
  };
}
