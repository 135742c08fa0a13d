// How an escalation wave is said, once for the wizard, the review step and the live view:
// its condition ("if fewer than 50 % have confirmed 10 minutes after the start") and, live,
// what became of it.
import type { CampaignProgress, PlanReport } from '@gdial/protocol';
import { translate, type Language } from '../../i18n';

type WaveRule = Pick<PlanReport['waves'][number], 'fewerThan' | 'unit' | 'afterMinutes'>;

const dict = {
  sv: {
    wave: 'Våg {n}',
    condition: 'om färre än {n} {u} har bekräftat {m} {m|minut|minuter} efter start',
    people: '{n|person|personer}',
    percent: '%',
    alerts: '{c} larmas {g}.',
    upTo: 'upp till {n} {n|person|personer} till',
    pending: 'Avgörs {at}',
    pendingUnstarted: 'Avgörs när larmet har startat',
    alerted: '{n} {n|person|personer} larmade',
    notNeeded: 'Behövdes inte – tillräckligt många bekräftade',
  },
  en: {
    wave: 'Wave {n}',
    condition: 'if fewer than {n} {u} have confirmed {m} {m|minute|minutes} after the start',
    people: '{n|person|people}',
    percent: '%',
    alerts: '{c}, alert {g}.',
    upTo: 'up to {n} more {n|person|people}',
    pending: 'Decided at {at}',
    pendingUnstarted: 'Decided once the alert has started',
    alerted: '{n} {n|person|people} alerted',
    notNeeded: 'Not needed – enough people confirmed',
  },
};

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function waveWords(language: Language) {
  const t = translate(dict, language);
  const condition = (w: WaveRule) =>
    t('condition', { n: w.fewerThan, u: w.unit === 'percent' ? t('percent') : t('people', { n: w.fewerThan }), m: w.afterMinutes });
  return {
    title: (index: number) => t('wave', { n: index + 1 }),
    /** "Om färre än 50 % har bekräftat 10 minuter efter start larmas Reserv." */
    sentence: (w: WaveRule, whom: string) => capitalise(t('alerts', { c: condition(w), g: whom })),
    upTo: (people: number) => t('upTo', { n: people }),
    /** What became of a wave in a running or finished alert. */
    state: (w: CampaignProgress['waves'][number], time: (iso: string) => string) =>
      w.state === 'alerted'
        ? t('alerted', { n: w.people })
        : w.state === 'not-needed'
          ? t('notNeeded')
          : w.dueAt
            ? t('pending', { at: time(w.dueAt) })
            : t('pendingUnstarted'),
  };
}
