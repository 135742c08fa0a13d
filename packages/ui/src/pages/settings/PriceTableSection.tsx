// Settings → prices: what an SMS segment, a call minute and a WhatsApp message cost, per
// country with a default row for every other country. "Granska och starta" estimates an
// alert's cost from this table; the engine keeps it and records each change in the audit log.
import { ActionIcon, Alert, Button, Group, List, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { DEFAULT_COUNTRY, draftFromTable, draftToTable, type PriceDraft, type PriceProblem, type PriceRow } from './priceTableForm';

const dict = {
  sv: {
    title: 'Priser',
    intro:
      'Priserna används för den uppskattade kostnaden i "Granska och starta". Skriv in priserna från er leverantörs prislista. Ett tomt pris betyder att landet har samma pris som "Övriga länder".',
    currency: 'Valuta',
    currencyHelp: 'Tre bokstäver, t.ex. SEK.',
    callMinutes: 'Debiterade minuter per besvarat samtal',
    callMinutesHelp: 'Uppskattning, t.ex. 1 eller 1,5.',
    table: 'Priser per land',
    country: 'Land',
    sms: 'SMS per segment',
    call: 'Samtal per minut',
    whatsapp: 'WhatsApp per meddelande',
    other: 'Övriga länder',
    countryLabel: 'Landskod rad {n}',
    priceLabel: '{kind}, {country}',
    remove: 'Ta bort {country}',
    removeCol: 'Ta bort',
    addCountry: 'Lägg till land',
    save: 'Spara priser',
    saved: 'Priserna sparades.',
    problems: 'Priserna sparades inte. Rätta det här:',
    pCurrency: 'Valutan ska vara tre bokstäver, t.ex. SEK.',
    pCallMinutes: 'Minuter per samtal ska vara ett tal större än 0.',
    pCountry: 'Rad {n}: landskoden ska vara två bokstäver, t.ex. NO.',
    pDuplicate: 'Rad {n}: landet finns redan i tabellen.',
    pPrice: 'Rad {n}: {kind} ska vara ett tal, 0 eller mer (t.ex. 0,45).',
    pDefault: '{kind} måste ha ett pris för Övriga länder.',
    newRow: 'ny rad',
  },
  en: {
    title: 'Prices',
    intro:
      'The prices are used for the estimated cost in "Review and start". Enter the prices from your provider\'s price list. An empty price means the country has the same price as "Other countries".',
    currency: 'Currency',
    currencyHelp: 'Three letters, e.g. SEK.',
    callMinutes: 'Billed minutes per answered call',
    callMinutesHelp: 'An estimate, e.g. 1 or 1.5.',
    table: 'Prices per country',
    country: 'Country',
    sms: 'SMS per segment',
    call: 'Call per minute',
    whatsapp: 'WhatsApp per message',
    other: 'Other countries',
    countryLabel: 'Country code row {n}',
    priceLabel: '{kind}, {country}',
    remove: 'Remove {country}',
    removeCol: 'Remove',
    addCountry: 'Add country',
    save: 'Save prices',
    saved: 'The prices were saved.',
    problems: 'The prices were not saved. Correct this:',
    pCurrency: 'The currency must be three letters, e.g. SEK.',
    pCallMinutes: 'Minutes per call must be a number greater than 0.',
    pCountry: 'Row {n}: the country code must be two letters, e.g. NO.',
    pDuplicate: 'Row {n}: the country is already in the table.',
    pPrice: 'Row {n}: {kind} must be a number, 0 or more (e.g. 0.45).',
    pDefault: '{kind} needs a price for Other countries.',
    newRow: 'new row',
  },
};

const kinds = ['sms', 'call', 'whatsapp'] as const;

export function PriceTableSection() {
  const t = useT(dict);
  const rpc = useRpc();
  const q = useQuery('campaigns.priceTable.get', {});
  const [draft, setDraft] = useState<PriceDraft | null>(null);
  const [problems, setProblems] = useState<PriceProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data) setDraft(draftFromTable(q.data));
  }, [q.data]);

  const problemText = (p: PriceProblem): string => {
    switch (p.field) {
      case 'currency':
        return t('pCurrency');
      case 'callMinutes':
        return t('pCallMinutes');
      case 'country':
        return t('pCountry', { n: p.row + 1 });
      case 'duplicate':
        return t('pDuplicate', { n: p.row + 1 });
      case 'price':
        return t('pPrice', { n: p.row + 1, kind: t(p.kind) });
      case 'defaultMissing':
        return t('pDefault', { kind: t(p.kind) });
    }
  };
  const rowHas = (row: number, kind?: string) =>
    problems.some((p) => 'row' in p && p.row === row && (kind === undefined ? p.field !== 'price' : 'kind' in p && p.kind === kind));

  const setRow = (i: number, patch: Partial<PriceRow>) => {
    setSaved(false);
    setDraft((d) => d && { ...d, rows: d.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  };
  const save = () => {
    if (!draft) return;
    setSaved(false);
    setError(null);
    const result = draftToTable(draft);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    setSaving(true);
    rpc
      .call('campaigns.priceTable.set', result.table)
      .then((table) => {
        setDraft(draftFromTable(table));
        setSaved(true);
      }, setError)
      .finally(() => setSaving(false));
  };

  const countryName = (r: PriceRow, i: number) =>
    r.country === DEFAULT_COUNTRY ? t('other') : r.country.trim().toUpperCase() || `${t('newRow')} ${i + 1}`;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="prices-title">
      <Stack>
        <Title order={3} id="prices-title">
          {t('title')}
        </Title>
        <Text size="sm">{t('intro')}</Text>
        <ErrorAlert error={q.error} />
        {draft && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <Stack>
              <Group align="flex-start">
                <TextInput
                  w={140}
                  label={t('currency')}
                  description={t('currencyHelp')}
                  value={draft.currency}
                  maxLength={3}
                  error={problems.some((p) => p.field === 'currency')}
                  onChange={(e) => {
                    const currency = e.currentTarget.value;
                    setDraft((d) => d && { ...d, currency });
                  }}
                />
                <TextInput
                  w={320}
                  label={t('callMinutes')}
                  description={t('callMinutesHelp')}
                  value={draft.callMinutes}
                  inputMode="decimal"
                  error={problems.some((p) => p.field === 'callMinutes')}
                  onChange={(e) => {
                    const callMinutes = e.currentTarget.value;
                    setDraft((d) => d && { ...d, callMinutes });
                  }}
                />
              </Group>
              <Table aria-label={t('table')} verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('country')}</Table.Th>
                    {kinds.map((k) => (
                      <Table.Th key={k}>
                        {t(k)} ({draft.currency})
                      </Table.Th>
                    ))}
                    <Table.Th>
                      <VisuallyHidden>{t('removeCol')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {draft.rows.map((r, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>
                        {r.country === DEFAULT_COUNTRY ? (
                          <Text fw={600}>{t('other')}</Text>
                        ) : (
                          <TextInput
                            w={90}
                            aria-label={t('countryLabel', { n: i + 1 })}
                            value={r.country}
                            maxLength={2}
                            error={rowHas(i)}
                            onChange={(e) => setRow(i, { country: e.currentTarget.value })}
                          />
                        )}
                      </Table.Td>
                      {kinds.map((k) => (
                        <Table.Td key={k}>
                          <TextInput
                            w={130}
                            inputMode="decimal"
                            aria-label={t('priceLabel', { kind: t(k), country: countryName(r, i) })}
                            value={r[k]}
                            error={
                              rowHas(i, k) ||
                              (r.country === DEFAULT_COUNTRY && problems.some((p) => p.field === 'defaultMissing' && p.kind === k))
                            }
                            onChange={(e) => setRow(i, { [k]: e.currentTarget.value })}
                          />
                        </Table.Td>
                      ))}
                      <Table.Td>
                        {r.country !== DEFAULT_COUNTRY && (
                          <ActionIcon
                            variant="light"
                            color="red"
                            size="lg"
                            aria-label={t('remove', { country: countryName(r, i) })}
                            onClick={() => setDraft((d) => d && { ...d, rows: d.rows.filter((_, j) => j !== i) })}
                          >
                            <span aria-hidden>✕</span>
                          </ActionIcon>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {problems.length > 0 && (
                <Alert color="red" role="alert" title={t('problems')}>
                  <List size="sm">
                    {problems.map((p, i) => (
                      <List.Item key={i}>{problemText(p)}</List.Item>
                    ))}
                  </List>
                </Alert>
              )}
              <ErrorAlert error={error} />
              <Group justify="space-between">
                <Button
                  variant="light"
                  onClick={() => setDraft((d) => d && { ...d, rows: [...d.rows, { country: '', sms: '', call: '', whatsapp: '' }] })}
                >
                  {t('addCountry')}
                </Button>
                <Group>
                  {saved && (
                    <Text role="status" c="var(--gdial-ok-text)" fw={600}>
                      {t('saved')}
                    </Text>
                  )}
                  <Button type="submit" loading={saving}>
                    {t('save')}
                  </Button>
                </Group>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
