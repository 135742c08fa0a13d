// A test alert must not be mistaken for a live one: a striped violet banner with the word
// TEST, shown above a test alert wherever it is followed (its live view, its review, the
// overview's card).
import { Box, Text } from '@mantine/core';
import { useT } from '../i18n';

const dict = {
  sv: { test: 'TEST', body: 'Testlarm – bara testgruppens medlemmar får det. Inget riktigt larm.' },
  en: { test: 'TEST', body: 'Test alert – only the members of the test group get it. Not a real alert.' },
};

export function TestBanner({ compact = false }: { compact?: boolean }) {
  const t = useT(dict);
  return (
    <Box
      role="note"
      px="md"
      py={compact ? 4 : 'xs'}
      style={{
        borderRadius: 6,
        color: '#fff',
        // Violet stripes: unlike any status colour of a live alert; the text sits on the darker stripe's contrast.
        background: 'repeating-linear-gradient(135deg, #5f3dc4 0 18px, #4c2fa3 18px 36px)',
      }}
    >
      <Text fw={800} size={compact ? 'sm' : 'lg'} c="inherit">
        <span style={{ letterSpacing: 2, marginRight: 12 }}>{t('test')}</span>
        {t('body')}
      </Text>
    </Box>
  );
}
