// The loopback provider simulator: Twilio (SMS, WhatsApp, voice), 46elks (SMS, voice), SendGrid, Telegram
// and an OpenAI-compatible language model
// over one local port, deterministic for a seed. See server.ts for the entry point.
export { startSimulator, DEFAULT_CREDENTIALS, type Simulator, type SimulatorOptions } from './server';
export { builtInProfiles, standardRules, parseProfile, profileSchema, type Profile, type ProfileInput, type OutcomeRule } from './profile';
export type { SimNotice, SimConfig, SimCredentials } from './core';
export type { OutboundRecord, OutboundKind } from './outbound';
export type { SimMessage } from './twilio/messages';
export type { SimContent, ApprovalStatus } from './twilio/content';
export type { SimCall, CallLogEntry } from './twilio/calls';
export type { SimEmail } from './sendgrid';
export type { SimTelegramMessage } from './telegram';
export type { SimElksSms } from './elks/sms';
export type { SimElksCall, ElksCallLogEntry } from './elks/calls';
export { openAiFaults, type OpenAiFault, type OpenAiRequest } from './openai';
