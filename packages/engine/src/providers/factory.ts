// Builds every configured channel provider from one settings object (no globals): the
// desktop passes what the operator configured, demo mode and benchmarks pass the
// simulator's URL and credentials. A channel without settings is simply absent.
import { elksActionUrl } from '@gdial/protocol';
import type { Logger } from '../log';
import { createTwilioClient, type TwilioSettings } from './twilio/client';
import { TwilioSmsProvider, TwilioWhatsAppProvider } from './twilio/messaging';
import { TwilioVoiceProvider } from './twilio/voice';
import { SendGridEmailProvider, type SendGridSettings } from './sendgrid';
import { TelegramBotProvider, type TelegramSettings } from './telegram';
import { ElksClient, type ElksSettings } from './elks/client';
import { ElksSmsProvider } from './elks/sms';
import { ElksVoiceProvider } from './elks/voice';
import type { EmailProvider, SmsProvider, TelegramProvider, VoiceProvider, WhatsAppProvider } from './types';

export interface ProviderSettings {
  twilio?: TwilioSettings & {
    sms?: { from?: string; messagingServiceSid?: string };
    whatsapp?: { from: string };
    voice?: { from: string; ringTimeoutSec?: number; timeLimitSec?: number };
    /** Relay URLs (see relayWebhookUrls); `d=<token>` is added per delivery. */
    callbacks: { messageStatusUrl: string; callStatusUrl: string };
  };
  /** 46elks (SMS and voice). Its callbacks are unsigned: the relay URLs carry the tenant's callback secret. */
  elks?: ElksSettings & {
    sms?: { from: string };
    voice?: { from: string; ringTimeoutSec?: number };
    /** Relay URLs with the secret (see relayWebhookUrls); `d=<token>` is added per delivery. */
    callbacks: { deliveryReportUrl: string; callHangupUrl: string; callbackSecret: string };
  };
  sendgrid?: Omit<SendGridSettings, 'logger'>;
  telegram?: Omit<TelegramSettings, 'logger'>;
  /**
   * Which provider carries a channel first when several are configured; the others take
   * over in this order when its path fails. Absent: Twilio first, then 46elks.
   */
  order?: { sms?: ChainProvider[]; voice?: ChainProvider[] };
  /** Each provider's sender throughput: SMS per second, calls per second (the dispatcher's defaults when absent). */
  rates?: Partial<Record<ChainProvider, { sms?: number; voice?: number }>>;
}

export const chainProviders = ['twilio', 'elks'] as const;
export type ChainProvider = (typeof chainProviders)[number];

export interface Providers {
  sms: SmsProvider | null;
  whatsapp: WhatsAppProvider | null;
  voice: VoiceProvider | null;
  email: EmailProvider | null;
  telegram: TelegramProvider | null;
  /** Every configured provider per channel, in failover order (the first is the one above). */
  chains: { sms: SmsProvider[]; voice: VoiceProvider[] };
}

/** Orders adapters by the configured provider order; unnamed ones keep their place after the named. */
function ordered<T extends { provider: string }>(adapters: (T | null)[], order: ChainProvider[] | undefined): T[] {
  const present = adapters.filter((a): a is T => a !== null);
  if (!order?.length) return present;
  const rank = (a: T) => {
    const i = order.indexOf(a.provider as ChainProvider);
    return i < 0 ? order.length : i;
  };
  return [...present].sort((a, b) => rank(a) - rank(b));
}

export function createProviders(settings: ProviderSettings, logger?: Logger): Providers {
  const log = logger?.child({ module: 'providers' });
  const t = settings.twilio;
  const client = t && (t.sms || t.whatsapp || t.voice) ? createTwilioClient(t) : null;
  const e = settings.elks;
  const elksClient = e && (e.sms || e.voice) ? new ElksClient(e) : null;
  const twilioSms =
    client && t?.sms ? new TwilioSmsProvider({ client, ...t.sms, statusCallbackUrl: t.callbacks.messageStatusUrl, logger: log }) : null;
  const twilioVoice =
    client && t?.voice ? new TwilioVoiceProvider({ client, ...t.voice, statusCallbackUrl: t.callbacks.callStatusUrl, logger: log }) : null;
  const elksSms =
    elksClient && e?.sms
      ? new ElksSmsProvider({ client: elksClient, from: e.sms.from, deliveryReportUrl: e.callbacks.deliveryReportUrl, logger: log })
      : null;
  const elksVoice =
    elksClient && e?.voice
      ? new ElksVoiceProvider({
          client: elksClient,
          ...e.voice,
          hangupUrl: e.callbacks.callHangupUrl,
          voiceStartUrl: (flowUrl) => elksActionUrl(flowUrl, e.callbacks.callbackSecret),
          logger: log,
        })
      : null;
  const sms = ordered<SmsProvider>([twilioSms, elksSms], settings.order?.sms);
  const voice = ordered<VoiceProvider>([twilioVoice, elksVoice], settings.order?.voice);
  return {
    sms: sms[0] ?? null,
    whatsapp:
      client && t?.whatsapp
        ? new TwilioWhatsAppProvider({ client, from: t.whatsapp.from, statusCallbackUrl: t.callbacks.messageStatusUrl, logger: log })
        : null,
    voice: voice[0] ?? null,
    email: settings.sendgrid ? new SendGridEmailProvider({ ...settings.sendgrid, logger: log }) : null,
    telegram: settings.telegram ? new TelegramBotProvider({ ...settings.telegram, logger: log }) : null,
    chains: { sms, voice },
  };
}
