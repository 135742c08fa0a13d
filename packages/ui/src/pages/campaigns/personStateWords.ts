// The roll-call's states of a person, in the operator's language, with the colour of each.
import type { Language } from '../../i18n';
import type { PersonState } from './rollCall';

export const personStateWords: Record<Language, Record<PersonState, string>> = {
  sv: {
    'not-sent-yet': 'Ännu inte skickat',
    'waiting-for-network': 'Väntar på nät',
    'sent-no-answer': 'Skickat – inget svar än',
    'reached-not-confirmed': 'Nådd men inte bekräftat',
    confirmed: 'Bekräftat',
    unreached: 'Ej nådd',
    'not-sent-no-network': 'Ej skickat – inget nät',
    stopped: 'Stoppad',
  },
  en: {
    'not-sent-yet': 'Not sent yet',
    'waiting-for-network': 'Waiting for the network',
    'sent-no-answer': 'Sent – no answer yet',
    'reached-not-confirmed': 'Reached, not confirmed',
    confirmed: 'Confirmed',
    unreached: 'Not reached',
    'not-sent-no-network': 'Not sent – no network',
    stopped: 'Stopped',
  },
};

export const personStateColour: Record<PersonState, string> = {
  'not-sent-yet': 'gray',
  'waiting-for-network': 'orange',
  'sent-no-answer': 'blue',
  'reached-not-confirmed': 'teal',
  confirmed: 'green',
  unreached: 'red',
  'not-sent-no-network': 'yellow',
  stopped: 'dark',
};

/** The roll-call's mark for a person who opened the alert's engångsmeddelande, with the time. */
export const openedWords: Record<Language, (time: string) => string> = {
  sv: (time) => `Öppnat ${time}`,
  en: (time) => `Opened ${time}`,
};
