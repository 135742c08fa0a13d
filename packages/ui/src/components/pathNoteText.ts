// The engine's notes about the path to the provider (retries, lost answers, lookups after an
// interruption, failover, giving up: protocol/path-notes.ts) in the operator's language. The
// provider's own message stays as the provider wrote it.
import type { PathFailure, PathNote, PersonFailure } from '@gdial/protocol';
import type { Language } from '../i18n';

const providerNames: Record<string, string> = { twilio: 'Twilio', elks: '46elks', sendgrid: 'SendGrid', telegram: 'Telegram' };

/** The path a voice step waits on when its audio must come from the organisation's server (the relay). */
const relayName: Record<Language, string> = { sv: 'Organisationens server', en: "The organisation's server" };

/** "twilio, elks" → "Twilio och 46elks". */
function providers(list: string, language: Language): string {
  const names = list.split(', ').map((p) => (p === 'relay' ? relayName[language] : (providerNames[p] ?? p)));
  if (names.length < 2) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${language === 'sv' ? 'och' : 'and'} ${names.at(-1)}`;
}

const failureWords: Record<Language, Record<PathFailure | PersonFailure, string>> = {
  sv: {
    transient: 'nådde inte fram',
    'rate-limited': 'bad oss sakta ner',
    auth: 'nekade inloggningen',
    permanent: 'vägrade meddelandet',
    'invalid-recipient': 'ogiltig mottagare',
    'opted-out': 'mottagaren har avregistrerat sig',
  },
  en: {
    transient: 'could not be reached',
    'rate-limited': 'asked us to slow down',
    auth: 'refused our credentials',
    permanent: 'refused the message',
    'invalid-recipient': 'invalid recipient',
    'opted-out': 'the recipient opted out',
  },
};

const seconds = (s: number, language: Language): string =>
  `${s.toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 })} s`;

export function pathNoteText(n: PathNote, language: Language): string {
  const sv = language === 'sv';
  const p = (list: string) => providers(list, language);
  switch (n.code) {
    case 'retry':
      return sv
        ? `${p(n.provider)} ${failureWords.sv[n.failure]} (${n.message}); nytt försök om ${seconds(n.inSeconds, language)}`
        : `${p(n.provider)} ${failureWords.en[n.failure]} (${n.message}); next attempt in ${seconds(n.inSeconds, language)}`;
    case 'refused':
      return `${p(n.provider)}: ${failureWords[language][n.failure]} (${n.message})`;
    case 'answer-lost':
      return sv
        ? `${p(n.provider)}s svar kom bort (${n.message}); slås upp hos leverantören innan något skickas igen`
        : `${p(n.provider)}'s answer was lost (${n.message}); looked up before anything is sent again`;
    case 'failed-over':
      return sv ? `${p(n.from)} går inte att nå; nästa försök via ${p(n.to)}` : `${p(n.from)} unavailable; next attempt through ${p(n.to)}`;
    case 'fell-through':
      return sv ? `${p(n.provider)} går inte att nå; vidare till nästa steg` : `${p(n.provider)} unavailable; on to the next step`;
    case 'adopted':
      return sv
        ? `hittat hos ${p(n.provider)} som ${n.providerId} (${n.status}); skickas inte igen`
        : `found at ${p(n.provider)} as ${n.providerId} (${n.status}); not sent again`;
    case 'resend-unaskable':
      return sv
        ? `${p(n.providers)} går inte att fråga; skickas igen (kan ha kommit fram två gånger)`
        : `${p(n.providers)} cannot be asked; sent again (possible duplicate)`;
    case 'resend-no-record':
      return n.possibleDuplicate
        ? sv
          ? 'leverantören har det inte; skickas igen (kan ha kommit fram två gånger)'
          : 'the provider has no record of it; sent again (possible duplicate)'
        : sv
          ? 'leverantören har det inte; det skickades aldrig och skickas nu'
          : 'the provider has no record of it; it was never sent and is sent now';
    case 'resend-through':
      return sv
        ? `${p(n.unasked)} gick inte att fråga (${n.message}); skickas via ${p(n.carrier)} (kan ha kommit fram två gånger)`
        : `${p(n.unasked)} could not be asked (${n.message}); sent through ${p(n.carrier)} (possible duplicate)`;
    case 'look-up-again':
      return sv
        ? `${p(n.unasked)} gick inte att fråga (${n.message}); frågar igen innan något skickas`
        : `${p(n.unasked)} could not be asked (${n.message}); asked again before anything is sent`;
    case 'no-provider':
      return sv ? 'ingen leverantör är inställd' : 'no provider configured';
    case 'given-up':
      return n.lookingUp
        ? sv
          ? 'gav upp: nätet kom inte tillbaka; om det tidigare utskicket kom fram går inte att veta'
          : 'given up: the network did not come back; whether the earlier send went out is not known'
        : sv
          ? 'ej skickat: nätet kom inte tillbaka innan larmet gav upp'
          : 'not sent: the network did not come back before the alert gave up';
    case 'skipped-held':
      return n.lookingUp
        ? sv
          ? 'hoppades över i väntan på nät; om det tidigare utskicket kom fram går inte att veta; vidare till nästa steg'
          : 'skipped while waiting for the network; whether the earlier send went out is not known; on to the next step'
        : sv
          ? 'hoppades över i väntan på nät; vidare till nästa steg'
          : 'skipped while waiting for the network; on to the next step';
    default: {
      const never: never = n;
      return String(never);
    }
  }
}
