// The operator's words for the contract's vocabulary (channels, campaign statuses,
// recipient outcomes, delivery states, exclusion reasons), in Swedish and English, and the
// colour each state is shown in. One place, so the dashboard, the wizard and the live
// view never call the same thing by two names.
import {
  describeConfirmedVia,
  isRole,
  roleLabel,
  parseEventDetail,
  parseStatusDetail,
  parsePathNote,
  type AnsweredBy,
  type FieldIssue,
  type IssueCode,
  type CampaignStatus,
  type DeliveryStatus,
  type Channel,
  type DeliveryState,
  type ExclusionReason,
  type RecipientOutcome,
  type SkipReason,
  type VmaPoint,
} from '@gdial/protocol';
import { useLanguage, type Language } from '../i18n';
import { pathNoteText } from './pathNoteText';
import { displayAddress } from './phone';

type Words<K extends string> = Record<Language, Record<K, string>>;

/** The VMA form's points (MSB's five, who asks and the number to call back), as the form and its refusals name them. */
export const vmaPointWords: Words<VmaPoint | 'requester' | 'callbackPhone'> = {
  sv: {
    area: 'område',
    happened: 'vad som har hänt eller kan hända',
    threat: 'det akuta hotet',
    publicAction: 'vad allmänheten ska göra',
    publicHelp: 'hur allmänheten kan hjälpa till',
    requester: 'vem som begär',
    callbackPhone: 'telefonnummer för återuppringning',
  },
  en: {
    area: 'area',
    happened: 'what has happened or may happen',
    threat: 'the acute threat',
    publicAction: 'what the public should do',
    publicHelp: 'how the public can help',
    requester: 'who requests',
    callbackPhone: 'call-back phone number',
  },
};

export const channelWords: Words<Channel> = {
  sv: { voice: 'Röstsamtal', sms: 'SMS', email: 'E-post', whatsapp: 'WhatsApp', telegram: 'Telegram' },
  en: { voice: 'Voice call', sms: 'SMS', email: 'E-mail', whatsapp: 'WhatsApp', telegram: 'Telegram' },
};

export const campaignStatusWords: Words<CampaignStatus> = {
  sv: {
    draft: 'Utkast',
    'awaiting-approval': 'Väntar på godkännande',
    scheduled: 'Schemalagd',
    running: 'Pågår',
    paused: 'Pausad',
    completed: 'Klar',
    cancelled: 'Avbruten',
    rejected: 'Avslagen',
  },
  en: {
    draft: 'Draft',
    'awaiting-approval': 'Awaiting approval',
    scheduled: 'Scheduled',
    running: 'Running',
    paused: 'Paused',
    completed: 'Completed',
    cancelled: 'Cancelled',
    rejected: 'Rejected',
  },
};

export const outcomeWords: Words<RecipientOutcome> = {
  sv: {
    pending: 'Inte påbörjad',
    'in-progress': 'Pågår',
    confirmed: 'Bekräftat',
    reached: 'Nådd, ej bekräftat',
    unreached: 'Ej nådd',
    'opted-out': 'Har avregistrerat sig',
    cancelled: 'Avbruten',
    'no-network': 'Ej skickat – inget nät',
  },
  en: {
    pending: 'Not started',
    'in-progress': 'In progress',
    confirmed: 'Confirmed',
    reached: 'Reached, not confirmed',
    unreached: 'Not reached',
    'opted-out': 'Opted out',
    cancelled: 'Cancelled',
    'no-network': 'Not sent – no network',
  },
};

export const deliveryStateWords: Words<DeliveryState> = {
  sv: {
    waiting: 'Väntar på sitt steg',
    queued: 'I kö',
    sending: 'Skickas',
    sent: 'Skickat',
    delivered: 'Levererat',
    failed: 'Misslyckades',
    skipped: 'Behövdes inte',
    cancelled: 'Avbrutet',
  },
  en: {
    waiting: 'Waiting for its step',
    queued: 'Queued',
    sending: 'Sending',
    sent: 'Sent',
    delivered: 'Delivered',
    failed: 'Failed',
    skipped: 'Not needed',
    cancelled: 'Cancelled',
  },
};

export const exclusionWords: Words<ExclusionReason> = {
  sv: {
    excluded: 'Undantagen av ett urval',
    'not-in-test-group': 'Inte med i testgruppen',
    'no-address': 'Saknar nummer/adress för kanalerna',
    'do-not-contact': 'Får inte kontaktas',
    'opted-out': 'Har avregistrerat sig',
    'duplicate-address': 'Samma nummer/adress som en annan mottagare',
    'missing-variables': 'Saknar uppgifter som meddelandet behöver',
  },
  en: {
    excluded: 'Excluded by a rule',
    'not-in-test-group': 'Not in the test group',
    'no-address': 'No number/address for the channels',
    'do-not-contact': 'Must not be contacted',
    'opted-out': 'Opted out',
    'duplicate-address': 'Same number/address as another recipient',
    'missing-variables': 'Lacks details the message needs',
  },
};

/** Kinds of entries in a delivery's history as the engine records them; unknown kinds show as they are. */
export const deliveryEventWords: Words<string> = {
  sv: {
    scheduled: 'Planerad',
    sent: 'Lämnad till leverantören',
    status: 'Status från leverantören',
    dtmf: 'Knapptryckning',
    reply: 'Svar',
    retry: 'Nytt försök planerat',
    failed: 'Misslyckades',
    skipped: 'Behövdes inte',
    cancelled: 'Avbruten',
    reconciled: 'Avstämd efter avbrott',
    unknown: 'Oklart om det gick iväg',
    'opt-out': 'Avregistrering',
    open: 'Öppnad',
    click: 'Länk klickad',
    'burn-opened': 'Engångsmeddelandet öppnat',
  },
  en: {
    scheduled: 'Scheduled',
    sent: 'Handed to the provider',
    status: 'Status from the provider',
    dtmf: 'Key press',
    reply: 'Reply',
    retry: 'Retry scheduled',
    failed: 'Failed',
    skipped: 'Not needed',
    cancelled: 'Cancelled',
    reconciled: 'Reconciled after an interruption',
    unknown: 'Unclear whether it went out',
    'opt-out': 'Opt-out',
    open: 'Opened',
    click: 'Link clicked',
    'burn-opened': 'One-time message opened',
  },
};

export function campaignStatusColour(status: CampaignStatus): string {
  switch (status) {
    case 'draft':
      return 'gray';
    case 'awaiting-approval':
      return 'orange';
    case 'scheduled':
      return 'grape';
    case 'running':
      return 'blue';
    case 'paused':
      return 'yellow';
    case 'completed':
      return 'green';
    case 'cancelled':
    case 'rejected':
      return 'red';
    default: {
      const never: never = status;
      return never;
    }
  }
}

export function outcomeColour(outcome: RecipientOutcome): string {
  switch (outcome) {
    case 'confirmed':
      return 'green';
    case 'reached':
      return 'teal';
    case 'pending':
      return 'gray';
    case 'in-progress':
      return 'blue';
    case 'unreached':
      return 'red';
    case 'opted-out':
      return 'orange';
    case 'cancelled':
      return 'dark';
    case 'no-network':
      return 'yellow';
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

/** The providers' statuses, as the engine normalises them. */
export const providerStatusWords: Words<DeliveryStatus> = {
  sv: {
    queued: 'i kö hos leverantören',
    deferred: 'fördröjt',
    sending: 'skickas',
    sent: 'skickat',
    ringing: 'ringer',
    answered: 'besvarat',
    delivered: 'levererat',
    undelivered: 'kunde inte levereras',
    failed: 'misslyckades',
    busy: 'upptaget',
    'no-answer': 'inget svar',
    canceled: 'avbrutet',
    bounced: 'studsade',
    dropped: 'kastades av leverantören',
    read: 'läst',
    completed: 'avslutat',
  },
  en: {
    queued: 'queued at the provider',
    deferred: 'deferred',
    sending: 'sending',
    sent: 'sent',
    ringing: 'ringing',
    answered: 'answered',
    delivered: 'delivered',
    undelivered: 'undelivered',
    failed: 'failed',
    busy: 'busy',
    'no-answer': 'no answer',
    canceled: 'cancelled',
    bounced: 'bounced',
    dropped: 'dropped by the provider',
    read: 'read',
    completed: 'completed',
  },
};

const answeredByWords: Words<AnsweredBy> = {
  sv: { human: 'en person svarade', machine: 'en telefonsvarare svarade', fax: 'en fax svarade', unknown: 'okänt vem som svarade' },
  en: { human: 'a person answered', machine: 'an answering machine answered', fax: 'a fax answered', unknown: 'unknown who answered' },
};

const skipWords: Words<SkipReason> = {
  sv: { 'already-confirmed': 'redan bekräftat', 'opted-out': 'mottagaren har avregistrerat sig', cancelled: 'larmet avbröts' },
  en: { 'already-confirmed': 'already confirmed', 'opted-out': 'recipient opted out', cancelled: 'alert cancelled' },
};

const channelName = (channel: string, language: Language): string => channelWords[language][channel as Channel]?.toLowerCase() ?? channel;

/** How a recipient confirmed ("tryckte 1 (röstsamtal 070-123 45 67)"), from what the engine stored; unknown text as it is. */
export const confirmedViaText = (text: string, language: Language): string =>
  describeConfirmedVia(text, language, { channel: (c) => channelName(c, language), address: displayAddress });

/** A delivery event's or skip's detail from the engine in the operator's language (key presses, replies, statuses, notes about the path); unknown text as it is. */
export function eventDetailText(text: string, language: Language): string {
  const d = parseEventDetail(text);
  if (!d) {
    const s = parseStatusDetail(text);
    if (!s) {
      const note = parsePathNote(text);
      return note ? pathNoteText(note, language) : text;
    }
    const word = providerStatusWords[language][s.status];
    // The provider's own code and message stay as the provider wrote them.
    if (s.failure) return `${word}: ${s.failure.code} ${s.failure.message}`;
    return s.answeredBy ? `${word} (${answeredByWords[language][s.answeredBy]})` : word;
  }
  const sv = language === 'sv';
  switch (d.kind) {
    case 'pressed':
      return sv ? `tryckte ${d.digits}${d.confirmed ? ' (bekräftat)' : ''}` : `pressed ${d.digits}${d.confirmed ? ' (confirmed)' : ''}`;
    case 'no-key':
      return sv ? 'tryckte ingen knapp' : 'no key pressed';
    case 'replied':
      return sv ? `svarade ”${d.text}” (bekräftat)` : `replied “${d.text}” (confirmed)`;
    case 'opted-out-by-reply':
      return sv ? `avregistrerade sig genom att svara ”${d.text}”` : `opted out by replying “${d.text}”`;
    case 'unrecognised-reply':
      return sv ? 'svar som inte kändes igen (finns i inkorgen)' : 'unrecognised reply (in the inbox)';
    case 'skipped':
      return skipWords[language][d.reason];
    default: {
      const never: never = d;
      return String(never);
    }
  }
}

const issuePhrases: Record<IssueCode, string> = {
  'phone.empty': 'Telefonnumret är tomt',
  'phone.characters': '”{value}” innehåller tecken som inte hör till ett telefonnummer',
  'phone.tooShort': '”{value}” är för kort för att vara ett telefonnummer',
  'phone.tooLong': '”{value}” är för långt för att vara ett telefonnummer',
  'phone.wrongLength': '”{value}” har fel antal siffror',
  'phone.unknownCountryCode': '”{value}” har en landskod som inte finns',
  'phone.notANumber': '”{value}” är inte ett telefonnummer',
  'phone.invalidInCountry': '”{value}” är inte ett giltigt nummer i {country}',
  'phone.invalidForCountryCode': '”{value}” är inte ett giltigt nummer för sin landskod',
  'phone.duplicate': '”{value}” är samma nummer som nummer {of}',
  'contact.nameRequired': 'En kontakt behöver ett namn, en organisation, ett telefonnummer eller en e-postadress',
  'language.unknown': '”{value}” är inget språk GDial talar (sv eller en)',
  'text.tooLong': 'Högst {max} tecken',
  'text.empty': 'Får inte vara tomt',
  'list.tooLong': 'Högst {max} stycken',
  'format.invalid': 'Har inte rätt form',
};

/** Fields whose wrong form has words of its own (the path's last part, or all of it). */
const formatPhrases: Record<string, string> = {
  address: 'Inte en giltig e-postadress',
  email: 'Inte en giltig e-postadress',
  telegramChatId: 'Ett Telegram-chatt-id är ett nummer, t.ex. 123456789',
  colour: 'Färgen ska skrivas som #1c7ed6',
};

const regionNames = new Intl.DisplayNames(['sv'], { type: 'region' });

/**
 * Why the engine refused a value, in the operator's language. The engine writes its
 * refusals in English and names the reason with a code; English is shown as written, and
 * so is a refusal the console has no words for.
 */
export function issueText(issue: Pick<FieldIssue, 'message' | 'code' | 'params'> & { path?: string | null }, language: Language): string {
  if (language !== 'sv' || !issue.code) return issue.message;
  const params = { ...issue.params };
  if (typeof params.country === 'string') params.country = regionName(params.country);
  const phrase = (issue.code === 'format.invalid' && formatPhrases[issue.path?.split('.').at(-1) ?? '']) || issuePhrases[issue.code];
  return phrase.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

function regionName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The words for the current language; `words.channel.sms` etc. */
export function useWords() {
  const { language } = useLanguage();
  return {
    channel: channelWords[language],
    campaignStatus: campaignStatusWords[language],
    outcome: outcomeWords[language],
    deliveryState: deliveryStateWords[language],
    exclusion: exclusionWords[language],
    deliveryEvent: (kind: string) => deliveryEventWords[language][kind] ?? kind,
    eventDetail: (text: string) => eventDetailText(text, language),
    confirmedVia: (text: string) => confirmedViaText(text, language),
    issue: (issue: Parameters<typeof issueText>[0]) => issueText(issue, language),
  };
}

/** A role's name ("Larmoperatör"), or the value as it is when it is no role this console knows. */
export function roleWord(r: string | number | undefined, lang: Language): string {
  return isRole(r) ? roleLabel(r, lang) : String(r);
}
