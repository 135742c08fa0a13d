// Why a provider could not reach a person, in the operator's language. Providers word
// their reasons in English ("Unreachable destination handset"); the known codes are said
// here in Swedish (or plain English), and an unknown one gets a generic sentence with the
// provider's own code so it can still be looked up.
import type { Language } from '../i18n';

type Reason = Record<Language, string>;

const byCode: Record<string, Reason> = {
  // Twilio, asynchronous (status callbacks)
  '30001': { sv: 'leverantörens kö var full', en: 'the provider’s queue was full' },
  '30002': { sv: 'kontot hos leverantören är spärrat', en: 'the provider account is suspended' },
  '30003': {
    sv: 'telefonen gick inte att nå (avstängd eller utan täckning)',
    en: 'the phone could not be reached (off or out of coverage)',
  },
  '30004': { sv: 'mottagaren har blockerat meddelandet', en: 'the recipient blocked the message' },
  '30005': { sv: 'numret finns inte hos operatören', en: 'the number is unknown to the carrier' },
  '30006': { sv: 'numret är en fast telefon eller operatören tar inte emot SMS', en: 'a landline, or the carrier does not take SMS' },
  '30007': { sv: 'operatören filtrerade bort meddelandet', en: 'the carrier filtered the message' },
  '30008': { sv: 'okänt fel hos leverantören', en: 'an unknown error at the provider' },
  '30034': { sv: 'avsändarnumret är inte registrerat för SMS', en: 'the sender number is not registered for SMS' },
  '63003': { sv: 'numret har inget WhatsApp', en: 'the number has no WhatsApp' },
  '63016': {
    sv: 'utanför WhatsApps 24-timmarsfönster och utan godkänd mall',
    en: 'outside WhatsApp’s 24-hour window without an approved template',
  },
  '63024': { sv: 'numret kan inte ta emot WhatsApp', en: 'the number cannot receive WhatsApp' },
  // Twilio, synchronous (the API refused the send)
  '21211': { sv: 'ogiltigt telefonnummer', en: 'not a valid phone number' },
  '21408': { sv: 'kontot får inte skicka till det landet', en: 'the account may not send to that country' },
  '21610': { sv: 'mottagaren har avregistrerat sig (STOP)', en: 'the recipient opted out (STOP)' },
  '21612': { sv: 'numret kan inte nås från avsändarnumret', en: 'the number cannot be reached from the sender' },
  '21614': { sv: 'numret är inte ett mobilnummer', en: 'not a mobile number' },
  // Calls (Twilio and 46elks)
  busy: { sv: 'upptaget', en: 'the line was busy' },
  'no-answer': { sv: 'ingen svarade', en: 'nobody answered' },
  failed: { sv: 'samtalet gick inte att koppla', en: 'the call could not be connected' },
  canceled: { sv: 'samtalet avbröts', en: 'the call was cancelled' },
  'elks:busy': { sv: 'upptaget', en: 'the line was busy' },
  'elks:failed': { sv: '46elks kunde inte nå mottagaren', en: '46elks could not reach the recipient' },
  // Telegram
  'telegram:403': { sv: 'personen har blockerat larmboten i Telegram', en: 'the person blocked the alerting bot in Telegram' },
  'telegram:400': {
    sv: 'Telegram-chatten finns inte (koppla Telegram igen)',
    en: 'the Telegram chat does not exist (connect Telegram again)',
  },
  // E-mail
  dropped: { sv: 'e-postleverantören släppte inte iväg brevet', en: 'the e-mail provider dropped the mail' },
};

const prefixes: [string, Reason][] = [
  ['bounce:', { sv: 'e-posten studsade (adressen finns inte eller tar inte emot)', en: 'the e-mail bounced' }],
  ['blocked:', { sv: 'mottagarens e-postserver blockerade brevet', en: 'the recipient’s mail server blocked the mail' }],
];

/** The reason in the operator's language; the provider's own words only for an unknown code in English. */
export function providerReasonText(code: string | null | undefined, message: string | null, language: Language): string | null {
  if (!code && !message) return null;
  const known = code ? (byCode[code] ?? prefixes.find(([p]) => code.startsWith(p))?.[1]) : undefined;
  if (known) return known[language];
  if (language === 'en') return code && message ? `${message} (${code})` : (message ?? code ?? null);
  return code ? `leverantören kunde inte leverera (kod ${code})` : 'leverantören kunde inte leverera';
}
