// The Templates page: every message template with its channels and approval state, and
// the editor at #/templates/<id> (#/templates/new for a new one).
import { Badge, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Template } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useFormat, useT } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useEvent, useQuery } from '../../rpc/react';
import { TemplateEditor } from './TemplateEditor';
import { pageScope } from '../../components/pageScope';

const dict = {
  sv: {
    title: 'Mallar',
    intro: 'Färdiga meddelanden för larm: text för SMS och e-post, och röstmeddelanden som läses upp eller spelas in.',
    newTemplate: 'Ny mall',
    name: 'Namn',
    channels: 'Kanaler',
    status: 'Status',
    updated: 'Ändrad',
    approved: 'Godkänd',
    draft: 'Utkast',
    empty: 'Inga mallar ännu. Skapa den första med knappen "Ny mall".',
    table: 'Mallar',
    loading: 'Hämtar mallen…',
  },
  en: {
    title: 'Templates',
    intro: 'Ready-made messages for alerts: text for SMS and e-mail, and voice messages spoken or recorded.',
    newTemplate: 'New template',
    name: 'Name',
    channels: 'Channels',
    status: 'Status',
    updated: 'Changed',
    approved: 'Approved',
    draft: 'Draft',
    empty: 'No templates yet. Create the first one with "New template".',
    table: 'Templates',
    loading: 'Fetching the template…',
  },
};

export function TemplatesPage({ route }: { route: Route }) {
  const target = route.params[0];
  if (target === 'new') return <TemplateEditor template={null} onSaved={() => {}} />;
  if (target) return <TemplateById id={Number(target)} />;
  return <TemplateList />;
}

function TemplateById({ id }: { id: number }) {
  const t = useT(dict);
  const q = useQuery('templates.get', { id });
  const [template, setTemplate] = useState<Template | null>(null);
  useEffect(() => setTemplate(q.data ?? null), [q.data]);
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!template)
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('loading')}</Text>
      </Group>
    );
  return <TemplateEditor template={template} onSaved={setTemplate} />;
}

function TemplateList() {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const q = useQuery('templates.list', {});
  useEvent('templates.changed', () => q.reload());
  const templates = q.data?.templates ?? [];
  return (
    <Stack className={pageScope}>
      <Group justify="space-between">
        <Title order={2}>{t('title')}</Title>
        <Button size="md" onClick={() => navigate('templates', 'new')}>
          {t('newTemplate')}
        </Button>
      </Group>
      <Text c="dimmed">{t('intro')}</Text>
      <ErrorAlert error={q.error} />
      {q.loading && !q.data ? (
        <Loader aria-label="…" />
      ) : templates.length === 0 ? (
        <Text size="lg">{t('empty')}</Text>
      ) : (
        <Table highlightOnHover aria-label={t('table')} verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('name')}</Table.Th>
              <Table.Th>{t('channels')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th>{t('updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {templates.map((tpl) => (
              <Table.Tr key={tpl.id}>
                <Table.Td>
                  <a href={`#/templates/${tpl.id}`}>{tpl.name}</a>
                </Table.Td>
                <Table.Td>{tpl.channels.map((c) => words.channel[c]).join(', ')}</Table.Td>
                <Table.Td>
                  <Badge color={tpl.status === 'approved' ? 'green' : 'gray'}>
                    {tpl.status === 'approved' ? t('approved') : t('draft')}
                  </Badge>
                </Table.Td>
                <Table.Td>{f.dateTime(tpl.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
