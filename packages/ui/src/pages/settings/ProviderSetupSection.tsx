// Settings → providers and relay: where an administrator enters the relay address and this
// computer's device token, and the Twilio, SendGrid and Telegram credentials. Secrets are
// sealed by the desktop app's secure storage and never come back: a saved one shows as
// "sparad", a blank field keeps it. Saving restarts the relay stream and the providers at
// once; the result shows as the connection state. In the browser host, which has no secure
// storage, this section explains which environment variables set the same things.
import {
  Alert,
  Badge,
  Button,
  Fieldset,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ConnectivitySetup, RelayCheck } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useConnectivity } from '../../components/useConnectivity';
import { useFormat, useLanguage, useT } from '../../i18n';
import { RpcError } from '../../rpc/client';
import { useQuery, useRpc } from '../../rpc/react';
import {
  draftFromSetup,
  draftToInput,
  environmentVariables,
  isDirty,
  issuesByField,
  type FieldPath,
  type FieldProblem,
  type SecretDraft,
  type SetupDraft,
} from './providerSetupForm';
import { relayStateWords } from './relayWords';

const dict = {
  sv: {
    title: 'Leverantörer och relä',
    intro:
      'Här anges reläet som tar emot statusmeddelanden och svar, och inloggningsuppgifterna till tjänsterna som skickar larmen. Hemliga uppgifter sparas krypterade med datorns nyckelring och visas aldrig igen.',
    relay: 'Relä',
    relayHelp: 'Uppgifterna får du av den som administrerar reläet.',
    'relay.url': 'Reläets adress',
    'relay.urlHelp': 'Till exempel https://relay.kommun.se',
    'relay.publicUrl': 'Publik adress (valfri)',
    'relay.publicUrlHelp': 'Om leverantörerna når reläet på en annan adress än den här datorn gör.',
    'relay.tenant': 'Organisation på reläet',
    'relay.tenantHelp': 'Organisationens kortnamn, t.ex. kommun-x.',
    'relay.deviceToken': 'Enhetsnyckel',
    check: 'Testa reläet',
    checking: 'Testar…',
    checkOk: 'Reläet svarar{v} ({ms} ms).',
    checkVersion: ', version {v}',
    checkFail: 'Reläet svarar inte.',
    twilio: 'Twilio – röstsamtal, SMS och WhatsApp',
    useTwilio: 'Använd Twilio',
    'twilio.accountSid': 'Account SID',
    'twilio.accountSidHelp': 'Börjar med AC (Twilio Console → Account info).',
    'twilio.authToken': 'Auth token',
    'twilio.from': 'Avsändarnummer',
    'twilio.fromHelp': 'Numret samtal och SMS kommer från, t.ex. +46701234567.',
    'twilio.whatsappFrom': 'WhatsApp-nummer (valfritt)',
    'twilio.whatsappFromHelp': 'Utan nummer används inte WhatsApp.',
    sendgrid: 'SendGrid – e-post',
    useSendgrid: 'Använd SendGrid',
    'sendgrid.apiKey': 'API-nyckel',
    'sendgrid.from': 'Avsändaradress',
    'sendgrid.fromName': 'Avsändarnamn (valfritt)',
    telegram: 'Telegram',
    useTelegram: 'Använd Telegram',
    'telegram.botToken': 'Bot-token',
    saved: 'sparad',
    savedOn: '{t}. Lämna tomt för att behålla.',
    keep: 'Lämna tomt för att behålla.',
    notSaved: 'Inte sparad.',
    willForget: 'Tas bort när du sparar.',
    forget: 'Glöm sparad',
    forgetLabel: 'Glöm sparad {f}',
    undo: 'Ångra',
    undoLabel: 'Ångra glöm {f}',
    show: 'Visa {f}',
    save: 'Spara och anslut',
    saving: 'Sparar…',
    reset: 'Ångra ändringar',
    lastSaved: 'Senast sparat {t} av {who}.',
    savedTitle: 'Sparat och tillämpat',
    nowRelay: 'Reläet: {s}.',
    nowChannels: 'Klara kanaler: {list}.',
    noChannels: 'Inga kanaler är klara.',
    fixFields: 'Inget sparades. Rätta fälten som är markerade.',
    roHost:
      'Leverantörer och relä är inställda med miljövariabler när GDial startades. De gäller före allt som sparas här; ändra dem där och starta om GDial.',
    roDemo:
      'Demoläge: alla kanaler går till en simulerad leverantör. För riktiga utskick anges uppgifterna som miljövariabler innan GDial startas.',
    roNoStorage:
      'Den här webbversionen av GDial har ingen säker lagring, så inloggningsuppgifter sparas aldrig här. Ange dem som miljövariabler innan GDial startas. I skrivbordsappen skrivs de in på den här sidan.',
    roKeyStore: 'Datorns nyckelring kan inte användas just nu, så inloggningsuppgifter kan inte sparas.',
    retry: 'Försök igen',
    variables: 'Miljövariabler',
    variable: 'Variabel',
    what: 'Anger',
    isSet: 'Satt',
    notSet: 'Inte satt',
    stateCol: 'Läge',
    problemCannotOpen:
      'De sparade uppgifterna ({fields}) kunde inte öppnas, så leverantörer och relä används inte. Det händer när datorns nyckelring har ändrats – ett annat användarkonto, en ominstallerad dator eller en databas från en annan dator. Skriv in uppgifterna igen och spara.',
    problemIncomplete: 'Den sparade inställningen saknar {fields}, så leverantörer och relä används inte. Fyll i och spara.',
    problemNoStorage: 'Leverantörer och relä finns sparade, men den här versionen av GDial kan inte öppna krypterade uppgifter.',
    retryOpen: 'Försök öppna igen',
    details: 'Detaljer för IT: {m}',
    errCannotOpen: 'Den sparade uppgiften kunde inte öppnas. Skriv in den igen.',
    errEnrolment: 'Det här är en registreringskod, inte en enhetsnyckel. Registrera datorn hos reläet med koden först.',
  },
  en: {
    title: 'Providers and relay',
    intro:
      'Set the relay that receives statuses and replies, and the credentials of the services that send the alerts. Secrets are stored encrypted with the computer’s keyring and are never shown again.',
    relay: 'Relay',
    relayHelp: 'Whoever runs the relay gives you these.',
    'relay.url': 'Relay address',
    'relay.urlHelp': 'For example https://relay.kommun.se',
    'relay.publicUrl': 'Public address (optional)',
    'relay.publicUrlHelp': 'If the providers reach the relay at another address than this computer does.',
    'relay.tenant': 'Organisation on the relay',
    'relay.tenantHelp': 'The organisation’s short name, e.g. kommun-x.',
    'relay.deviceToken': 'Device token',
    check: 'Test the relay',
    checking: 'Testing…',
    checkOk: 'The relay answers{v} ({ms} ms).',
    checkVersion: ', version {v}',
    checkFail: 'The relay does not answer.',
    twilio: 'Twilio – voice calls, SMS and WhatsApp',
    useTwilio: 'Use Twilio',
    'twilio.accountSid': 'Account SID',
    'twilio.accountSidHelp': 'Starts with AC (Twilio Console → Account info).',
    'twilio.authToken': 'Auth token',
    'twilio.from': 'Sender number',
    'twilio.fromHelp': 'The number calls and SMS come from, e.g. +46701234567.',
    'twilio.whatsappFrom': 'WhatsApp number (optional)',
    'twilio.whatsappFromHelp': 'Without a number WhatsApp is not used.',
    sendgrid: 'SendGrid – e-mail',
    useSendgrid: 'Use SendGrid',
    'sendgrid.apiKey': 'API key',
    'sendgrid.from': 'Sender address',
    'sendgrid.fromName': 'Sender name (optional)',
    telegram: 'Telegram',
    useTelegram: 'Use Telegram',
    'telegram.botToken': 'Bot token',
    saved: 'saved',
    savedOn: '{t}. Leave blank to keep it.',
    keep: 'Leave blank to keep it.',
    notSaved: 'Not saved.',
    willForget: 'Removed when you save.',
    forget: 'Forget saved',
    forgetLabel: 'Forget saved {f}',
    undo: 'Undo',
    undoLabel: 'Undo forget {f}',
    show: 'Show {f}',
    save: 'Save and connect',
    saving: 'Saving…',
    reset: 'Undo changes',
    lastSaved: 'Last saved {t} by {who}.',
    savedTitle: 'Saved and applied',
    nowRelay: 'Relay: {s}.',
    nowChannels: 'Channels ready: {list}.',
    noChannels: 'No channel is ready.',
    fixFields: 'Nothing was saved. Correct the marked fields.',
    roHost:
      'Providers and relay are set by environment variables when GDial was started. They take precedence over anything saved here; change them there and restart GDial.',
    roDemo:
      'Demo mode: every channel goes to a simulated provider. To send for real, set the credentials as environment variables before GDial starts.',
    roNoStorage:
      'This web version of GDial has no secure storage, so it never stores credentials. Set them as environment variables before GDial starts. In the desktop app they are entered on this page.',
    roKeyStore: 'The computer’s keyring cannot be used right now, so credentials cannot be saved.',
    retry: 'Try again',
    variables: 'Environment variables',
    variable: 'Variable',
    what: 'Sets',
    isSet: 'Set',
    notSet: 'Not set',
    stateCol: 'State',
    problemCannotOpen:
      'The saved credentials ({fields}) could not be opened, so providers and relay are not in use. This happens when the computer’s keyring changed – another user account, a reinstalled system or a database from another computer. Enter them again and save.',
    problemIncomplete: 'The saved setup lacks {fields}, so providers and relay are not in use. Fill it in and save.',
    problemNoStorage: 'Providers and relay are saved, but this version of GDial cannot open encrypted credentials.',
    retryOpen: 'Try opening again',
    details: 'Details for IT: {m}',
    errCannotOpen: 'The saved value could not be opened. Enter it again.',
    errEnrolment: 'This is an enrolment code, not a device token. Enrol this computer with the relay using the code first.',
  },
};
type Key = keyof typeof dict.sv;
const providerNames = { twilio: 'Twilio', sendgrid: 'SendGrid', telegram: 'Telegram' };

/**
 * What each field needs, in Swedish, shown next to a field the engine found at fault (its
 * own sentences are English; in English they are shown as they are).
 */
const svHints: Record<FieldPath, string> = {
  'relay.url': 'Ange reläets adress, t.ex. https://relay.kommun.se. Den behövs när någon leverantör används.',
  'relay.publicUrl': 'Ange en adress som börjar med https://, eller lämna tomt.',
  'relay.tenant': 'Ange organisationens namn på reläet: 2–63 tecken a–z, 0–9 och bindestreck.',
  'relay.deviceToken': 'Ange enhetsnyckeln som datorn fick vid registreringen hos reläet.',
  'twilio.accountSid': 'Ange kontots SID: "AC" följt av 32 tecken 0–9 och a–f (Twilio Console → Account info).',
  'twilio.authToken': 'Ange Auth Token: 32 tecken 0–9 och a–f (Twilio Console → Account info).',
  'twilio.from': 'Ange ett telefonnummer, t.ex. 070-123 45 67 eller +46701234567.',
  'twilio.whatsappFrom': 'Ange ett telefonnummer, t.ex. 070-123 45 67 eller +46701234567, eller lämna tomt.',
  'sendgrid.apiKey': 'Ange en API-nyckel från SendGrid ("SG." och två delar åtskilda av punkt).',
  'sendgrid.from': 'Ange en e-postadress, t.ex. larm@kommun.se, som är verifierad i SendGrid.',
  'sendgrid.fromName': 'Högst 100 tecken.',
  'telegram.botToken': 'Ange botens token från @BotFather (siffror, ":", sedan bokstäver och siffror).',
};

export function ProviderSetupSection() {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const words = useWords();
  const rpc = useRpc();
  const q = useQuery('connectivity.setup', {});
  const { status } = useConnectivity();
  const [setup, setSetup] = useState<ConnectivitySetup>();
  const [draft, setDraft] = useState<SetupDraft | null>(null);
  const [problems, setProblems] = useState<Map<FieldPath, FieldProblem>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [applied, setApplied] = useState(false);
  const [check, setCheck] = useState<RelayCheck | 'checking' | null>(null);

  useEffect(() => {
    if (!q.data) return;
    setSetup(q.data);
    setDraft(draftFromSetup(q.data));
  }, [q.data]);

  const adopt = (s: ConnectivitySetup) => {
    setSetup(s);
    setDraft(draftFromSetup(s));
    setProblems(new Map());
    setError(null);
  };

  const save = () => {
    if (!draft) return;
    setBusy(true);
    setApplied(false);
    rpc
      .call('connectivity.saveSetup', draftToInput(draft))
      .then(
        (r) => {
          adopt(r.setup);
          setApplied(true);
        },
        (err: unknown) => {
          setProblems(err instanceof RpcError ? issuesByField(err.fieldIssues) : new Map());
          setError(err);
        },
      )
      .finally(() => setBusy(false));
  };

  const reopen = () => {
    setBusy(true);
    rpc
      .call('connectivity.reloadSetup', {})
      .then((r) => adopt(r.setup), setError)
      .finally(() => setBusy(false));
  };

  const checkRelay = () => {
    if (!draft) return;
    setCheck('checking');
    rpc.call('connectivity.checkRelay', { url: draft.relay.url }).then(setCheck, (err: unknown) => {
      setCheck(null);
      setError(err);
    });
  };

  const errorOf = (path: FieldPath): string | undefined => {
    const p = problems.get(path);
    if (!p) return undefined;
    if (p.kind === 'cannot-open') return t('errCannotOpen');
    if (p.kind === 'enrolment-code') return t('errEnrolment');
    return language === 'sv' ? svHints[path] : p.message;
  };
  const fieldList = (paths: string[]) => paths.map((p) => (p in dict.sv ? t(p as Key) : p)).join(', ');

  if (!setup || !draft) {
    return (
      <Paper withBorder p="md">
        <Title order={3}>{t('title')}</Title>
        <ErrorAlert error={q.error} />
      </Paper>
    );
  }

  const set = <G extends keyof SetupDraft>(group: G, patch: Partial<SetupDraft[G]>) => {
    setApplied(false);
    setDraft((d) => (d ? { ...d, [group]: { ...d[group], ...patch } } : d));
  };
  const text = <G extends 'relay' | 'twilio' | 'sendgrid'>(
    group: G,
    field: keyof SetupDraft[G] & string,
    opts: { help?: Key; type?: string; autoComplete?: string } = {},
  ) => {
    const path = `${group}.${field}` as FieldPath;
    return (
      <TextInput
        label={t(path)}
        description={opts.help ? t(opts.help) : undefined}
        value={draft[group][field] as string}
        onChange={(e) => set(group, { [field]: e.currentTarget.value } as Partial<SetupDraft[G]>)}
        error={errorOf(path)}
        type={opts.type}
        autoComplete={opts.autoComplete ?? 'off'}
        spellCheck={false}
      />
    );
  };
  const secret = <G extends keyof SetupDraft>(group: G, field: keyof SetupDraft[G] & string) => {
    const path = `${group}.${field}` as FieldPath;
    return (
      <SecretField
        label={t(path)}
        value={draft[group][field] as SecretDraft}
        onChange={(v) => set(group, { [field]: v } as Partial<SetupDraft[G]>)}
        error={errorOf(path)}
        t={t}
        when={f.dateTime}
      />
    );
  };

  const readOnly = !setup.editable;
  const ready = status?.channels.filter((c) => c.configured).map((c) => words.channel[c.channel]) ?? [];

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="provider-setup-title">
      <Stack>
        <Title order={3} id="provider-setup-title">
          {t('title')}
        </Title>
        {setup.editable && (
          <Text size="sm" c="dimmed">
            {t('intro')}
          </Text>
        )}

        {setup.problem && (
          <Alert color="red" role="alert" title={t('title')}>
            <Stack gap="xs">
              <Text size="sm">
                {setup.problem.kind === 'cannot-open'
                  ? t('problemCannotOpen', { fields: fieldList(setup.problem.fields) })
                  : setup.problem.kind === 'incomplete'
                    ? t('problemIncomplete', { fields: fieldList(setup.problem.fields) })
                    : t('problemNoStorage')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('details', { m: setup.problem.message })}
              </Text>
              {setup.problem.kind === 'cannot-open' && setup.editable && (
                <Group>
                  <Button variant="light" color="red" size="xs" onClick={reopen} loading={busy}>
                    {t('retryOpen')}
                  </Button>
                </Group>
              )}
            </Stack>
          </Alert>
        )}

        {readOnly && <ReadOnlyExplanation setup={setup} t={t} onRetry={() => q.reload()} />}

        {!readOnly && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
            noValidate
          >
            <Stack>
              <Fieldset legend={t('relay')}>
                <Stack gap="sm">
                  <Text size="sm" c="dimmed">
                    {t('relayHelp')}
                  </Text>
                  <SimpleGrid cols={{ base: 1, sm: 2 }}>
                    {text('relay', 'url', { help: 'relay.urlHelp', type: 'url' })}
                    {text('relay', 'tenant', { help: 'relay.tenantHelp' })}
                    {secret('relay', 'deviceToken')}
                    {text('relay', 'publicUrl', { help: 'relay.publicUrlHelp', type: 'url' })}
                  </SimpleGrid>
                  <Group gap="sm">
                    <Button variant="default" onClick={checkRelay} disabled={draft.relay.url.trim() === '' || check === 'checking'}>
                      {check === 'checking' ? t('checking') : t('check')}
                    </Button>
                    {check && check !== 'checking' && (
                      <Text size="sm" role="status" c={check.reachable ? 'var(--gdial-ok-text, green)' : 'red'}>
                        {check.reachable
                          ? t('checkOk', { v: check.version ? t('checkVersion', { v: check.version }) : '', ms: check.latencyMs ?? 0 })
                          : `${t('checkFail')} ${check.message ?? ''}`}
                      </Text>
                    )}
                  </Group>
                </Stack>
              </Fieldset>

              <ProviderFieldset
                legend={t('twilio')}
                toggle={t('useTwilio')}
                enabled={draft.twilio.enabled}
                onToggle={(enabled) => set('twilio', { enabled })}
              >
                {text('twilio', 'accountSid', { help: 'twilio.accountSidHelp' })}
                {secret('twilio', 'authToken')}
                {text('twilio', 'from', { help: 'twilio.fromHelp', type: 'tel' })}
                {text('twilio', 'whatsappFrom', { help: 'twilio.whatsappFromHelp', type: 'tel' })}
              </ProviderFieldset>

              <ProviderFieldset
                legend={t('sendgrid')}
                toggle={t('useSendgrid')}
                enabled={draft.sendgrid.enabled}
                onToggle={(enabled) => set('sendgrid', { enabled })}
              >
                {secret('sendgrid', 'apiKey')}
                {text('sendgrid', 'from', { type: 'email' })}
                {text('sendgrid', 'fromName')}
              </ProviderFieldset>

              <ProviderFieldset
                legend={t('telegram')}
                toggle={t('useTelegram')}
                enabled={draft.telegram.enabled}
                onToggle={(enabled) => set('telegram', { enabled })}
              >
                {secret('telegram', 'botToken')}
              </ProviderFieldset>

              {problems.size > 0 && (
                <Text c="red" size="sm" role="alert">
                  {t('fixFields')}
                </Text>
              )}
              {problems.size === 0 && <ErrorAlert error={error} />}
              {applied && status && (
                <Alert color="green" role="status" title={t('savedTitle')}>
                  {t('nowRelay', { s: relayStateWords[language][status.relay.status] })}{' '}
                  {ready.length ? t('nowChannels', { list: ready.join(', ') }) : t('noChannels')}
                </Alert>
              )}
              <Group>
                <Button type="submit" loading={busy}>
                  {t('save')}
                </Button>
                {isDirty(draft, setup) && (
                  <Button variant="default" onClick={() => adopt(setup)} disabled={busy}>
                    {t('reset')}
                  </Button>
                )}
              </Group>
              {setup.updatedAt && (
                <Text size="sm" c="dimmed">
                  {t('lastSaved', { t: f.dateTime(setup.updatedAt), who: setup.updatedBy ?? '–' })}
                </Text>
              )}
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}

function ProviderFieldset(props: {
  legend: string;
  toggle: string;
  enabled: boolean;
  onToggle: (on: boolean) => void;
  children: ReactNode;
}) {
  return (
    <Fieldset legend={props.legend}>
      <Stack gap="sm">
        <Switch label={props.toggle} checked={props.enabled} onChange={(e) => props.onToggle(e.currentTarget.checked)} />
        {props.enabled && <SimpleGrid cols={{ base: 1, sm: 2 }}>{props.children}</SimpleGrid>}
      </Stack>
    </Fieldset>
  );
}

function SecretField(props: {
  label: string;
  value: SecretDraft;
  onChange: (v: SecretDraft) => void;
  error: string | undefined;
  t: (k: Key, vars?: Record<string, string | number>) => string;
  when: (iso: string) => string;
}) {
  const { label, value, t } = props;
  const kept = value.saved.set && !value.forget;
  const description = value.forget ? (
    t('willForget')
  ) : kept ? (
    <>
      <Badge size="xs" color="green" variant="light" component="span">
        {t('saved')}
      </Badge>{' '}
      {value.saved.setAt ? t('savedOn', { t: props.when(value.saved.setAt) }) : t('keep')}
    </>
  ) : (
    t('notSaved')
  );
  return (
    <Stack gap={4}>
      <PasswordInput
        label={label}
        description={description}
        placeholder={kept ? `•••••••• (${t('saved')})` : ''}
        value={value.value}
        disabled={value.forget}
        onChange={(e) => props.onChange({ ...value, value: e.currentTarget.value })}
        error={props.error}
        autoComplete="new-password"
        spellCheck={false}
        visibilityToggleButtonProps={{ 'aria-label': t('show', { f: label }), tabIndex: 0 }}
      />
      {value.saved.set && (
        <Group>
          <Button
            variant="subtle"
            size="compact-xs"
            px={6}
            ml={-6}
            aria-label={value.forget ? t('undoLabel', { f: label }) : t('forgetLabel', { f: label })}
            onClick={() => props.onChange({ ...value, value: '', forget: !value.forget })}
          >
            {value.forget ? t('undo') : t('forget')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function ReadOnlyExplanation({
  setup,
  t,
  onRetry,
}: {
  setup: ConnectivitySetup;
  t: (k: Key, vars?: Record<string, string | number>) => string;
  onRetry: () => void;
}) {
  const tableId = useId();
  const reason = setup.readOnlyReason;
  if (reason === 'key-store-unavailable') {
    return (
      <Alert color="red" role="alert">
        <Stack gap="xs">
          <Text size="sm">{t('roKeyStore')}</Text>
          {setup.secureStorage.message && (
            <Text size="xs" c="dimmed">
              {t('details', { m: setup.secureStorage.message })}
            </Text>
          )}
          <Group>
            <Button variant="light" color="red" size="xs" onClick={onRetry}>
              {t('retry')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  const known = new Map(environmentVariables.map((v) => [v.name, v.field]));
  const variables = setup.environment ?? environmentVariables.map((v) => ({ name: v.name, set: null as boolean | null }));
  const what = (name: string) => {
    const field = known.get(name);
    if (!field) return '';
    const group = field.split('.')[0];
    return `${group === 'relay' ? t('relay') : providerNames[group as 'twilio' | 'sendgrid' | 'telegram']} · ${t(field)}`;
  };
  return (
    <Stack gap="sm">
      <Alert color={reason === 'demo' ? 'orange' : 'blue'}>
        {reason === 'host' ? t('roHost') : reason === 'demo' ? t('roDemo') : t('roNoStorage')}
      </Alert>
      <Text fw={600} id={tableId}>
        {t('variables')}
      </Text>
      <Table aria-labelledby={tableId} withTableBorder={false} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('variable')}</Table.Th>
            <Table.Th>{t('what')}</Table.Th>
            {setup.environment && <Table.Th>{t('stateCol')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {variables.map((v) => (
            <Table.Tr key={v.name}>
              <Table.Td>
                <code>{v.name}</code>
              </Table.Td>
              <Table.Td>{what(v.name)}</Table.Td>
              {setup.environment && (
                <Table.Td>
                  <Badge color={v.set ? 'green' : 'gray'} variant="light">
                    {v.set ? t('isSet') : t('notSet')}
                  </Badge>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
