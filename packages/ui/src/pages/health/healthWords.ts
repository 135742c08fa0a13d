// What each health rule is called and how its value reads, in Swedish and English: shared by
// the notification centre, Översikt and Inställningar → Hälsolarm, so a rule is named the
// same everywhere.
import type { HealthAlert, HealthRule } from '@gdial/protocol';
import type { Language } from '../../i18n';

interface RuleWords {
  /** The alert's title. */
  title: (subject: string) => string;
  /** What was seen against the threshold (numbers already formatted). */
  seen: (value: string, threshold: string) => string;
  /** The threshold's field label in settings, with its unit. */
  setting: string;
  /** What to do about it. */
  advice: string;
}

export const ruleWords: Record<Language, Record<HealthRule, RuleWords>> = {
  sv: {
    'provider.errorRate': {
      title: (p) => `Leverantören ${p} svarar med fel`,
      seen: (v, t) => `${v} % av utskicken de senaste 10 minuterna misslyckades (gräns ${t} %).`,
      setting: 'Leverantörsfel, procent av utskicken',
      advice:
        'GDial försöker igen och byter till reservleverantören om en finns. Kontrollera leverantörens driftstatus och kontouppgifter.',
    },
    'relay.unreachable': {
      title: () => 'Reläet går inte att nå',
      seen: (v, t) => `Ingen kontakt på ${v} minuter (gräns ${t} minuter).`,
      setting: 'Relä utan kontakt, minuter',
      advice: 'Larm går ut, men bekräftelser och svar kommer först när kontakten är tillbaka. Kontrollera nätet och reläets adress.',
    },
    'relay.lag': {
      title: () => 'Reläet ligger före den här datorn',
      seen: (v, t) => `${v} händelser väntar på att läsas in (gräns ${t}).`,
      setting: 'Händelser som väntar hos reläet',
      advice: 'Statusar och svar visas med fördröjning. Det brukar lösa sig av sig självt; kvarstår det, starta om GDial.',
    },
    'store.writeLatency': {
      title: () => 'Databasen skriver långsamt',
      seen: (v, t) => `99 % av skrivningarna de senaste 5 minuterna tog upp till ${v} ms (gräns ${t} ms).`,
      setting: 'Databasens skrivtid (99:e percentilen), ms',
      advice: 'Disken kan vara överbelastad eller på väg att fyllas. Stäng andra tunga program och kontrollera disken.',
    },
    'relay.signatureFailures': {
      title: () => 'Förfalskade anrop till reläet',
      seen: (v, t) => `${v} anrop med fel signatur de senaste 15 minuterna (gräns ${t}).`,
      setting: 'Anrop med fel signatur på 15 minuter',
      advice:
        'Någon skickar anrop som inte kommer från leverantören, eller leverantörens nyckel har bytts. Kontakta den som driver reläet.',
    },
    'sync.outbox': {
      title: () => 'Ändringar väntar på att delas',
      seen: (v, t) => `${v} ändringar har inte nått organisationen (gräns ${t}).`,
      setting: 'Ändringar som väntar på att delas',
      advice: 'Andra arbetsplatser ser inte ändringarna än. Kontrollera kontakten med reläet.',
    },
    'store.diskSpace': {
      title: () => 'Disken är nästan full',
      seen: (v, t) => `${v} MB ledigt där databasen ligger (gräns ${t} MB).`,
      setting: 'Minsta lediga diskutrymme, MB',
      advice: 'Frigör utrymme. Blir disken full kan GDial inte spara nya larm eller svar.',
    },
  },
  en: {
    'provider.errorRate': {
      title: (p) => `Provider ${p} is answering with errors`,
      seen: (v, t) => `${v} % of the sends in the last 10 minutes failed (threshold ${t} %).`,
      setting: 'Provider errors, percent of sends',
      advice: "GDial retries and moves to the fallback provider if there is one. Check the provider's status page and account details.",
    },
    'relay.unreachable': {
      title: () => 'The relay cannot be reached',
      seen: (v, t) => `No contact for ${v} minutes (threshold ${t} minutes).`,
      setting: 'Relay out of reach, minutes',
      advice: "Alerts go out, but confirmations and replies arrive only once contact is back. Check the network and the relay's address.",
    },
    'relay.lag': {
      title: () => 'The relay is ahead of this computer',
      seen: (v, t) => `${v} events wait to be read in (threshold ${t}).`,
      setting: 'Events waiting at the relay',
      advice: 'Statuses and replies show late. It usually clears by itself; if it stays, restart GDial.',
    },
    'store.writeLatency': {
      title: () => 'The database is writing slowly',
      seen: (v, t) => `99 % of the writes in the last 5 minutes took up to ${v} ms (threshold ${t} ms).`,
      setting: "The database's write time (99th percentile), ms",
      advice: 'The disk may be overloaded or filling up. Close other heavy programs and check the disk.',
    },
    'relay.signatureFailures': {
      title: () => 'Forged calls to the relay',
      seen: (v, t) => `${v} calls with a bad signature in the last 15 minutes (threshold ${t}).`,
      setting: 'Calls with a bad signature in 15 minutes',
      advice:
        "Someone is sending calls that do not come from the provider, or the provider's key was changed. Contact whoever runs the relay.",
    },
    'sync.outbox': {
      title: () => 'Changes are waiting to be shared',
      seen: (v, t) => `${v} changes have not reached the organisation (threshold ${t}).`,
      setting: 'Changes waiting to be shared',
      advice: 'Other workstations do not see the changes yet. Check the contact with the relay.',
    },
    'store.diskSpace': {
      title: () => 'The disk is almost full',
      seen: (v, t) => `${v} MB free where the database is (threshold ${t} MB).`,
      setting: 'Least free disk space, MB',
      advice: 'Free some space. If the disk fills up GDial cannot save new alerts or replies.',
    },
  },
};

/** An alert's title and what was seen, in the operator's language. */
export function describeHealthAlert(
  a: HealthAlert,
  language: Language,
  number: (n: number) => string,
): { title: string; seen: string; advice: string } {
  const w = ruleWords[language][a.rule];
  return { title: w.title(a.subject), seen: w.seen(number(a.value), number(a.threshold)), advice: w.advice };
}
