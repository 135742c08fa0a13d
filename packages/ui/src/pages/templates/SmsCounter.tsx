// The live counter under an SMS text: encoding (GSM-7 or UCS-2), segments the text is
// billed as, and characters left before the next segment starts. When a character forces
// UCS-2 (which more than halves what fits), it names the character so it can be replaced.
import { Badge, Group, Text } from '@mantine/core';
import { smsSegments } from '@gdial/protocol';
import { useT } from '../../i18n';

const dict = {
  sv: {
    segments: '{n} SMS-delar',
    segmentsOne: '1 SMS',
    empty: 'Tomt',
    left: '{n} tecken kvar i denna del',
    chars: '{n} tecken',
    ucs2: 'Tecknen {c} finns inte i vanlig SMS-teckenuppsättning, så bara 70 tecken ryms per SMS. Byt ut dem för att få plats med mer.',
    variables: 'Variabler fylls i per mottagare, så den verkliga längden kan bli en annan.',
  },
  en: {
    segments: '{n} SMS parts',
    segmentsOne: '1 SMS',
    empty: 'Empty',
    left: '{n} characters left in this part',
    chars: '{n} characters',
    ucs2: 'The characters {c} are not in the standard SMS character set, so only 70 characters fit per SMS. Replace them to fit more.',
    variables: 'Variables are filled in per recipient, so the real length may differ.',
  },
};

export function SmsCounter({ text, id }: { text: string; id?: string }) {
  const t = useT(dict);
  const info = smsSegments(text);
  const hasVariables = /\{\{/.test(text);
  return (
    <div id={id} aria-live="polite">
      <Group gap="xs">
        <Badge variant="light" color={info.encoding === 'gsm7' ? 'blue' : 'orange'}>
          {info.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'}
        </Badge>
        <Badge variant="light" color={info.segments > 2 ? 'orange' : 'gray'}>
          {info.segments === 0 ? t('empty') : info.segments === 1 ? t('segmentsOne') : t('segments', { n: info.segments })}
        </Badge>
        <Text size="sm">{t('chars', { n: info.units })}</Text>
        <Text size="sm" c="dimmed">
          · {t('left', { n: info.charsLeft })}
        </Text>
      </Group>
      {info.encoding === 'ucs2' && (
        <Text size="sm" c="var(--gdial-warn-text)" mt={4}>
          {t('ucs2', { c: info.nonGsmChars.map((c) => `"${c}"`).join(' ') })}
        </Text>
      )}
      {hasVariables && (
        <Text size="xs" c="dimmed" mt={2}>
          {t('variables')}
        </Text>
      )}
    </div>
  );
}
