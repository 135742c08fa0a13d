// Settings → AI-stöd: off by default; the OpenAI API or an OpenAI-compatible server of the
// organisation's own (llama.cpp, Ollama, vLLM) by address; a model per task; the month's
// token budget and the price per million tokens the cost is shown with; whether names may
// be sent; the translation languages; the API key (sealed by the engine, never shown again).
// Below, the latest uses: who, what, which model, tokens and cost. Only an Administratör
// changes it; every change is audited.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { aiLanguages, aiTasks, type AiSettings, type AiTask } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RoleGuard } from '../../components/RoleGuard';
import { useFormat, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useAiWords } from '../../components/aiWords';

const dict = {
  sv: {
    title: 'AI-stöd',
    intro:
      'AI kan föreslå larmtexter, lättläst svenska och översättningar, och sortera svar. AI skickar och godkänner aldrig något: en person läser, ändrar och beslutar. Telefonnummer, e-postadresser och personnummer ersätts innan text skickas.',
    enabled: 'Använd AI-stöd',
    server: 'Server',
    openai: 'OpenAI',
    compatible: 'Egen server (OpenAI-kompatibel)',
    baseUrl: 'Serverns adress',
    baseUrlHelp: 'T.ex. http://localhost:8080/v1 för llama.cpp eller http://localhost:11434/v1 för Ollama.',
    apiKey: 'API-nyckel',
    apiKeyHelp: 'Sparas krypterad på den här datorn och visas aldrig igen. Lämna tomt för att behålla den sparade.',
    keySet: 'En nyckel är sparad.',
    keyNone: 'Ingen nyckel är sparad.',
    removeKey: 'Ta bort nyckeln',
    noSecure: 'Den här datorn kan inte spara nycklar säkert; en egen server utan nyckel fungerar ändå.',
    models: 'Modell per uppgift',
    budget: 'Tokens per månad',
    budgetHelp: 'När de är slut säger konsolen nej till AI till nästa månad. 0 stänger av all användning.',
    used: 'Använt den här månaden: {used} av {budget} tokens.',
    priceIn: 'Pris per miljon tokens in (kr)',
    priceOut: 'Pris per miljon tokens ut (kr)',
    names: 'Namn får skickas till AI',
    namesHelp: 'Annars ersätts kontakternas namn med platshållare.',
    languages: 'Språk att översätta till',
    timeout: 'Längsta väntetid (sekunder)',
    save: 'Spara AI-inställningar',
    saved: 'AI-inställningarna sparades.',
    uses: 'Senaste användning',
    when: 'När',
    who: 'Vem',
    task: 'Uppgift',
    model: 'Modell',
    tokens: 'Tokens',
    cost: 'Kostnad',
    noUses: 'AI har inte använts än.',
    urlMissing: 'Ange serverns adress.',
    hostServer: 'Den här datorn använder en fast AI-server ({url}, demoläge); server och nyckel nedan används inte.',
  },
  en: {
    title: 'AI assistance',
    intro:
      'AI can propose alert texts, easy Swedish and translations, and sort replies. AI never sends or approves anything: a person reads, edits and decides. Phone numbers, e-mail addresses and personal identity numbers are replaced before text is sent.',
    enabled: 'Use AI assistance',
    server: 'Server',
    openai: 'OpenAI',
    compatible: 'Own server (OpenAI-compatible)',
    baseUrl: "Server's address",
    baseUrlHelp: 'E.g. http://localhost:8080/v1 for llama.cpp or http://localhost:11434/v1 for Ollama.',
    apiKey: 'API key',
    apiKeyHelp: 'Stored encrypted on this computer and never shown again. Leave empty to keep the stored one.',
    keySet: 'A key is stored.',
    keyNone: 'No key is stored.',
    removeKey: 'Remove the key',
    noSecure: 'This computer cannot store keys securely; an own server without a key still works.',
    models: 'Model per task',
    budget: 'Tokens per month',
    budgetHelp: 'When they are used up the console refuses AI until next month. 0 stops all use.',
    used: 'Used this month: {used} of {budget} tokens.',
    priceIn: 'Price per million input tokens (SEK)',
    priceOut: 'Price per million output tokens (SEK)',
    names: 'Names may be sent to the AI',
    namesHelp: "Otherwise contacts' names are replaced by placeholders.",
    languages: 'Languages to translate into',
    timeout: 'Longest wait (seconds)',
    save: 'Save AI settings',
    saved: 'The AI settings were saved.',
    uses: 'Latest use',
    when: 'When',
    who: 'Who',
    task: 'Task',
    model: 'Model',
    tokens: 'Tokens',
    cost: 'Cost',
    noUses: 'AI has not been used yet.',
    urlMissing: "Enter the server's address.",
    hostServer: 'This computer uses a fixed AI server ({url}, demo mode); the server and key below are not used.',
  },
};

export function AiSection() {
  const t = useT(dict);
  const f = useFormat();
  const words = useAiWords();
  const rpc = useRpc();
  const status = useQuery('ai.status', {});
  const uses = useQuery('ai.usage.list', { limit: 20 });
  const [draft, setDraft] = useState<AiSettings | null>(null);
  const [own, setOwn] = useState(false);
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!status.data) return;
    setDraft(status.data.settings);
    setOwn(status.data.settings.baseUrl !== null);
  }, [status.data]);

  if (!draft) return null;
  const change = (patch: Partial<AiSettings>) => {
    setDraft({ ...draft, ...patch });
    setSaved(false);
  };
  const urlMissing = own && !(draft.baseUrl ?? '').trim();
  const save = (key: string | null | undefined) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    rpc
      .call('ai.settings.save', {
        ...draft,
        baseUrl: own ? (draft.baseUrl ?? '').trim() : null,
        ...(key === undefined ? {} : { apiKey: key }),
      })
      .then(() => {
        setSaved(true);
        setApiKey('');
        status.reload();
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="ai-settings-title">
      <Stack>
        <Title order={3} id="ai-settings-title">
          {t('title')}
        </Title>
        <Text>{t('intro')}</Text>
        {status.data?.hostServer && <Alert color="blue">{t('hostServer', { url: status.data.hostServer })}</Alert>}
        <Checkbox label={t('enabled')} checked={draft.enabled} onChange={(e) => change({ enabled: e.currentTarget.checked })} />
        <Stack gap={4}>
          <Text fw={600} id="ai-server">
            {t('server')}
          </Text>
          <SegmentedControl
            aria-labelledby="ai-server"
            value={own ? 'own' : 'openai'}
            onChange={(v) => {
              setOwn(v === 'own');
              setSaved(false);
            }}
            data={[
              { value: 'openai', label: t('openai') },
              { value: 'own', label: t('compatible') },
            ]}
            style={{ alignSelf: 'flex-start' }}
          />
        </Stack>
        {own && (
          <TextInput
            label={t('baseUrl')}
            description={t('baseUrlHelp')}
            value={draft.baseUrl ?? ''}
            onChange={(e) => change({ baseUrl: e.currentTarget.value })}
            error={urlMissing ? t('urlMissing') : undefined}
          />
        )}
        <Group align="end">
          <PasswordInput
            label={t('apiKey')}
            description={t('apiKeyHelp')}
            value={apiKey}
            onChange={(e) => setApiKey(e.currentTarget.value)}
            disabled={!status.data?.canStoreKey}
            autoComplete="off"
            style={{ flex: 1 }}
          />
          <RoleGuard method="ai.settings.save">
            {(refused) => (
              <Button variant="default" onClick={() => save(null)} disabled={refused || !status.data?.keySet}>
                {t('removeKey')}
              </Button>
            )}
          </RoleGuard>
        </Group>
        <Text size="sm" c="dimmed">
          {status.data?.canStoreKey ? (status.data.keySet ? t('keySet') : t('keyNone')) : t('noSecure')}
        </Text>
        <Text fw={600}>{t('models')}</Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {aiTasks.map((task: AiTask) => (
            <TextInput
              key={task}
              label={words.task[task]}
              value={draft.models[task]}
              onChange={(e) => change({ models: { ...draft.models, [task]: e.currentTarget.value } })}
            />
          ))}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput
            label={t('budget')}
            description={t('budgetHelp')}
            value={draft.monthlyTokenBudget}
            min={0}
            allowDecimal={false}
            thousandSeparator=" "
            onChange={(v) => change({ monthlyTokenBudget: typeof v === 'number' ? v : 0 })}
          />
          <NumberInput
            label={t('priceIn')}
            value={draft.pricePerMillionInput}
            min={0}
            decimalScale={2}
            onChange={(v) => change({ pricePerMillionInput: typeof v === 'number' ? v : 0 })}
          />
          <NumberInput
            label={t('priceOut')}
            value={draft.pricePerMillionOutput}
            min={0}
            decimalScale={2}
            onChange={(v) => change({ pricePerMillionOutput: typeof v === 'number' ? v : 0 })}
          />
        </SimpleGrid>
        {status.data && (
          <Text size="sm" role="status">
            {t('used', { used: f.number(status.data.monthTokens), budget: f.number(draft.monthlyTokenBudget) })}
          </Text>
        )}
        <MultiSelect
          label={t('languages')}
          data={aiLanguages.map((l) => ({ value: l, label: words.language[l] }))}
          value={draft.languages}
          onChange={(v) => change({ languages: v as AiSettings['languages'] })}
        />
        <Group align="end">
          <NumberInput
            label={t('timeout')}
            value={draft.timeoutSeconds}
            min={5}
            max={120}
            allowDecimal={false}
            w={220}
            onChange={(v) => change({ timeoutSeconds: typeof v === 'number' ? v : 30 })}
          />
          <Checkbox
            label={t('names')}
            description={t('namesHelp')}
            checked={draft.allowNames}
            onChange={(e) => change({ allowNames: e.currentTarget.checked })}
          />
        </Group>
        <ErrorAlert error={error ?? status.error} />
        {saved && (
          <Alert color="green" role="status">
            {t('saved')}
          </Alert>
        )}
        <Group>
          <RoleGuard method="ai.settings.save">
            {(refused) => (
              <Button onClick={() => save(apiKey.trim() ? apiKey.trim() : undefined)} loading={busy} disabled={refused || urlMissing}>
                {t('save')}
              </Button>
            )}
          </RoleGuard>
        </Group>
        <Title order={4}>{t('uses')}</Title>
        {(uses.data?.uses.length ?? 0) === 0 ? (
          <Text size="sm" c="dimmed">
            {t('noUses')}
          </Text>
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('when')}</Table.Th>
                <Table.Th>{t('who')}</Table.Th>
                <Table.Th>{t('task')}</Table.Th>
                <Table.Th>{t('model')}</Table.Th>
                <Table.Th>{t('tokens')}</Table.Th>
                <Table.Th>{t('cost')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {uses.data!.uses.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{f.dateTime(u.at)}</Table.Td>
                  <Table.Td>{u.user}</Table.Td>
                  <Table.Td>{words.task[u.task]}</Table.Td>
                  <Table.Td>{u.model}</Table.Td>
                  <Table.Td>{f.number(u.promptTokens + u.completionTokens)}</Table.Td>
                  <Table.Td>{words.cost(u.cost)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
