// Builds every configured channel provider from one settings object (no globals): the
// desktop passes what the operator configured, demo mode and benchmarks pass the
// simulator's URL and credentials. A channel without settings is simply absent.
import type { Logger } from '../log';
import { createTwilioClient, type TwilioSettings } from './twilio/client';
import { TwilioSmsProvider, TwilioWhatsAppProvider } from './twilio/messaging';
import { TwilioVoiceProvider } from './twilio/voice';
import { SendGridEmailProvider, type SendGridSettings } from './sendgrid';
import { TelegramBotProvider, type TelegramSettings } from './telegram';
import type { EmailProvider, SmsProvider, TelegramProvider, VoiceProvider, WhatsAppProvider } from './types';

export interface ProviderSettings {
  twilio?: TwilioSettings & {
    sms?: { from?: string; messagingServiceSid?: string };
    whatsapp?: { from: string };
    voice?: { from: string; ringTimeoutSec?: number; timeLimitSec?: number };
    /** Relay URLs (see relayWebhookUrls); `d=<token>` is added per delivery. */
    callbacks: { messageStatusUrl: string; callStatusUrl: string };
  };
  sendgrid?: Omit<SendGridSettings, 'logger'>;
  telegram?: Omit<TelegramSettings, 'logger'>;
}

export interface Providers {
  sms: SmsProvider | null;
  whatsapp: WhatsAppProvider | null;
  voice: VoiceProvider | null;
  email: EmailProvider | null;
  telegram: TelegramProvider | null;
}

export function createProviders(settings: ProviderSettings, logger?: Logger): Providers {
  const log = logger?.child({ module: 'providers' });
  const t = settings.twilio;
  const client = t && (t.sms || t.whatsapp || t.voice) ? createTwilioClient(t) : null;
  return {
    sms:
      client && t?.sms ? new TwilioSmsProvider({ client, ...t.sms, statusCallbackUrl: t.callbacks.messageStatusUrl, logger: log }) : null,
    whatsapp:
      client && t?.whatsapp
        ? new TwilioWhatsAppProvider({ client, from: t.whatsapp.from, statusCallbackUrl: t.callbacks.messageStatusUrl, logger: log })
        : null,
    voice:
      client && t?.voice
        ? new TwilioVoiceProvider({ client, ...t.voice, statusCallbackUrl: t.callbacks.callStatusUrl, logger: log })
        : null,
    email: settings.sendgrid ? new SendGridEmailProvider({ ...settings.sendgrid, logger: log }) : null,
    telegram: settings.telegram ? new TelegramBotProvider({ ...settings.telegram, logger: log }) : null,
  };
}
