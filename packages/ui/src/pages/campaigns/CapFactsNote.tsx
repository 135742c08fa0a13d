// In the wizard, for an alert made from a CAP message: where it came from and the CAP facts
// it keeps (event, area, severity, urgency), which its CAP export carries on.
import { Alert } from '@mantine/core';
import type { CapDetails } from '@gdial/protocol';
import { useLanguage, useT } from '../../i18n';

const severity = {
  sv: { Extreme: 'extrem', Severe: 'allvarlig', Moderate: 'måttlig', Minor: 'liten', Unknown: 'okänd' },
  en: { Extreme: 'extreme', Severe: 'severe', Moderate: 'moderate', Minor: 'minor', Unknown: 'unknown' },
} as const;
const urgency = {
  sv: { Immediate: 'omedelbart', Expected: 'snart', Future: 'längre fram', Past: 'redan över', Unknown: 'okänt' },
  en: { Immediate: 'immediate', Expected: 'expected soon', Future: 'in the future', Past: 'past', Unknown: 'unknown' },
} as const;

const dict = {
  sv: {
    title: 'Från CAP-meddelandet {id}',
    own: 'CAP-uppgifter',
    facts: '{event} · område: {area} · allvarlighet: {severity} · brådska: {urgency}. Välj mottagare och kanaler; texten finns i mallen.',
    from: 'Avsändare {sender}, skickat {sent}.',
    noArea: 'inte angivet',
  },
  en: {
    title: 'From the CAP message {id}',
    own: 'CAP facts',
    facts:
      '{event} · area: {area} · severity: {severity} · urgency: {urgency}. Choose recipients and channels; the text is in the template.',
    from: 'Sender {sender}, sent {sent}.',
    noArea: 'not given',
  },
};

export function CapFactsNote({ cap }: { cap: CapDetails | null }) {
  const t = useT(dict);
  const { language } = useLanguage();
  if (!cap) return null;
  return (
    <Alert color="blue" variant="light" title={cap.source ? t('title', { id: cap.source.identifier }) : t('own')}>
      {t('facts', {
        event: cap.event,
        area: cap.areaDesc ?? t('noArea'),
        severity: severity[language][cap.severity],
        urgency: urgency[language][cap.urgency],
      })}
      {cap.source && <div>{t('from', { sender: cap.source.sender, sent: cap.source.sent })}</div>}
    </Alert>
  );
}
