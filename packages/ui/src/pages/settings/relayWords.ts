// The relay's connection states in the operator's words, shared by the status and setup sections.
import type { RelayState } from '@gdial/protocol';
import type { Language } from '../../i18n';

export const relayStateWords: Record<Language, Record<RelayState['status'], string>> = {
  sv: {
    'not-configured': 'Inte inställt',
    stopped: 'Stoppat',
    connecting: 'Ansluter…',
    connected: 'Anslutet',
    reconnecting: 'Återansluter…',
    'resync-required': 'Måste stämmas av',
    unauthorized: 'Nekad – enhetens nyckel godtas inte',
  },
  en: {
    'not-configured': 'Not set up',
    stopped: 'Stopped',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    'resync-required': 'Needs reconciling',
    unauthorized: "Refused – the device's key is not accepted",
  },
};

/** A silent line (nothing heard from the relay within seconds, nothing closed) named as such while reconnecting. */
const silentWords: Record<Language, string> = {
  sv: 'Tyst linje – återansluter…',
  en: 'Silent line – reconnecting…',
};

/** The relay's state in the operator's words: its status, and a silent line named as one. */
export const relayWord = (relay: Pick<RelayState, 'status' | 'silent'>, language: Language): string =>
  relay.status === 'reconnecting' && relay.silent ? silentWords[language] : relayStateWords[language][relay.status];

export const relayColour = (s: RelayState['status']): string =>
  s === 'connected'
    ? 'green'
    : s === 'connecting' || s === 'reconnecting'
      ? 'yellow'
      : s === 'not-configured' || s === 'stopped'
        ? 'gray'
        : 'red';
