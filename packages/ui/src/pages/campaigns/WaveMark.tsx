// "Våg 2" beside a person an escalation wave added to the alert (the roll-call and the
// after-action report): who was in the alert from the start and who came with which wave.
import { Badge } from '@mantine/core';
import { useLanguage } from '../../i18n';
import { waveWords } from './waveWords';

export function WaveMark({ wave }: { wave: number }) {
  const { language } = useLanguage();
  if (wave <= 0) return null;
  return (
    <Badge ml="xs" size="sm" variant="outline" color="grape" data-testid="wave-mark">
      {waveWords(language).title(wave - 1)}
    </Badge>
  );
}
