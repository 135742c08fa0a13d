// Builds the TwiML documents of a confirmation call, which the relay stores per flow and
// serves: `start` plays the message and gathers one key; the relay answers the gather with
// `confirmed` when the key is a confirm digit, `retry` (message again, gather again) while
// attempts remain, and `goodbye` when they are used up. Gathers post even when nothing was
// pressed (actionOnEmptyResult) so the relay counts silent attempts too.
import { callFlowPlaceholders, type CallFlowRegistration } from '@gdial/protocol';

export interface CallFlowSpec {
  /** A recorded or TTS-rendered message on the relay, or text for the provider's Swedish voice. */
  message: { audioUrl: string } | { sayText: string };
  /** Said after the message, inside the gather ("Tryck 1 för att bekräfta."). */
  prompt?: string;
  /** Digits that confirm (default "1"). */
  confirmDigits?: string[];
  /** How many times the question is asked in all (1–5; default 2). */
  maxAttempts?: number;
  /** Seconds to wait for a key after the prompt. */
  gatherTimeoutSec?: number;
  texts?: { confirmed?: string; retry?: string; goodbye?: string };
  /** Where the gather posts; the relay's placeholder unless a fixed URL is given. */
  gatherUrl?: string;
  /** Say voice; must speak sv-SE. */
  voice?: string;
  language?: string;
}

export const DEFAULT_CALL_TEXTS = {
  prompt: 'Tryck 1 för att bekräfta att du har tagit emot meddelandet.',
  confirmed: 'Tack. Din bekräftelse är registrerad. Hej då.',
  retry: 'Vi uppfattade inget svar. Meddelandet upprepas.',
  goodbye: 'Vi fick ingen bekräftelse. Hej då.',
} as const;

export type CallFlowDocuments = Pick<CallFlowRegistration, 'documents' | 'confirmDigits' | 'maxAttempts'>;

export function buildCallFlow(spec: CallFlowSpec): CallFlowDocuments {
  const confirmDigits = spec.confirmDigits ?? ['1'];
  if (confirmDigits.length === 0 || confirmDigits.some((d) => !/^[0-9*#]$/.test(d)))
    throw new Error('Confirm digits must be single keys 0-9, * or #');
  const maxAttempts = spec.maxAttempts ?? 2;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 5) throw new Error('maxAttempts must be an integer from 1 to 5');
  if ('sayText' in spec.message && !spec.message.sayText.trim()) throw new Error('The spoken message is empty');
  if ('audioUrl' in spec.message && !/^https?:\/\//.test(spec.message.audioUrl)) throw new Error('The audio URL must be http(s)');
  const timeout = spec.gatherTimeoutSec ?? 6;
  const language = spec.language ?? 'sv-SE';
  const voice = spec.voice ?? 'Polly.Astrid';
  const texts = { ...DEFAULT_CALL_TEXTS, ...stripUndefined(spec.texts ?? {}), ...(spec.prompt ? { prompt: spec.prompt } : {}) };
  // The placeholder is substituted (XML-escaped) by the relay; a fixed URL is escaped here.
  const action =
    spec.gatherUrl === undefined || spec.gatherUrl === callFlowPlaceholders.gatherUrl
      ? callFlowPlaceholders.gatherUrl
      : escapeXml(spec.gatherUrl);

  const say = (text: string): string => `<Say language="${language}" voice="${escapeXml(voice)}">${escapeXml(text)}</Say>`;
  const message = 'audioUrl' in spec.message ? `<Play>${escapeXml(spec.message.audioUrl)}</Play>` : say(spec.message.sayText);
  const gather = `<Gather input="dtmf" numDigits="1" timeout="${timeout}" action="${action}" method="POST" actionOnEmptyResult="true">${message}<Pause length="1"/>${say(texts.prompt)}</Gather>`;
  const doc = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

  return {
    documents: {
      start: doc(gather),
      confirmed: doc(`${say(texts.confirmed)}<Hangup/>`),
      retry: doc(`${say(texts.retry)}${gather}`),
      goodbye: doc(`${say(texts.goodbye)}<Hangup/>`),
    },
    confirmDigits,
    maxAttempts,
  };
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
