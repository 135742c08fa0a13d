// The audit log: who did what and when, newest first, paged backwards.
import { Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { AuditEntry } from '@gdial/protocol';
import { ErrorAlert } from '../components/ErrorAlert';
import { useFormat, useLanguage, useT } from '../i18n';
import { auditInRed, auditSubject, auditText, redRowStyle } from './auditText';
import { useQuery } from '../rpc/react';

const dict = {
  sv: {
    title: 'Händelselogg',
    when: 'Tid',
    who: 'Vem',
    what: 'Händelse',
    subject: 'Gäller',
    older: 'Visa äldre',
    empty: 'Inga händelser ännu.',
    newest: 'Till senaste',
  },
  en: {
    title: 'Audit log',
    when: 'Time',
    who: 'Who',
    what: 'Event',
    subject: 'Subject',
    older: 'Show older',
    empty: 'No events yet.',
    newest: 'Back to newest',
  },
};

export function AuditPage() {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const [beforeId, setBeforeId] = useState<number | undefined>(undefined);
  const q = useQuery('audit.list', beforeId === undefined ? { limit: 100 } : { limit: 100, beforeId });
  const entries: AuditEntry[] = q.data?.entries ?? [];
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <ErrorAlert error={q.error} />
      {q.loading && !q.data ? (
        <Loader aria-label="…" />
      ) : entries.length === 0 ? (
        <Text>{t('empty')}</Text>
      ) : (
        <Table striped highlightOnHover aria-label={t('title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('when')}</Table.Th>
              <Table.Th>{t('who')}</Table.Th>
              <Table.Th>{t('what')}</Table.Th>
              <Table.Th>{t('subject')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => {
              const { text, detail } = auditText(e, language);
              const red = auditInRed(e.action);
              return (
                <Table.Tr key={e.id} style={red ? redRowStyle : undefined}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.dateTime(e.at)}</Table.Td>
                  <Table.Td>{e.actor}</Table.Td>
                  <Table.Td c={red ? 'var(--gdial-error-text)' : undefined} fw={red ? 700 : undefined}>
                    {text}
                    {detail && (
                      <Text size="sm" c="dimmed" lang="en">
                        {detail}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{auditSubject(e, language)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Group>
        {beforeId !== undefined && (
          <Button variant="default" onClick={() => setBeforeId(undefined)}>
            {t('newest')}
          </Button>
        )}
        {q.data?.nextBeforeId != null && (
          <Button variant="default" onClick={() => setBeforeId(q.data?.nextBeforeId ?? undefined)}>
            {t('older')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
