// The providers layer: the only part of GDial that knows Twilio, 46elks, SendGrid and Telegram.
// The campaign engine talks to the channel interfaces in types.ts, builds call flows with
// buildCallFlow and turns relay webhooks into domain events with parseWebhook.
export * from './types';
export { createTwilioClient, type TwilioClient, type TwilioSettings } from './twilio/client';
export { TwilioSmsProvider, TwilioWhatsAppProvider, type TwilioMessagingOptions, type ContentTemplate } from './twilio/messaging';
export { TwilioVoiceProvider, type TwilioVoiceOptions } from './twilio/voice';
export { classifyTwilioError, asyncFailure as twilioAsyncFailure } from './twilio/errors';
export { SendGridEmailProvider, SENDGRID_TOKEN_ARG, classifySendGridError, type SendGridSettings } from './sendgrid';
export { TelegramBotProvider, classifyTelegramError, type TelegramSettings } from './telegram';
export { parseWebhook, WebhookParseError } from './webhooks';
export { buildCallFlow, DEFAULT_CALL_TEXTS, type CallFlowSpec, type CallFlowDocuments } from './call-flow';
export { createProviders, chainProviders, type ChainProvider, type ProviderSettings, type Providers } from './factory';
export { ElksClient, classifyElksError, type ElksSettings } from './elks/client';
export { ElksSmsProvider, type ElksSmsOptions } from './elks/sms';
export { ElksVoiceProvider, type ElksVoiceOptions } from './elks/voice';
