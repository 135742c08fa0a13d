// Settings → providers and relay: where an administrator enters the relay address and this
// computer's device token, and the Twilio, SendGrid, Telegram and 46elks credentials, which provider
// carries SMS and calls first and each sender's throughput. Secrets are
// sealed by the desktop app's secure storage and never come back: a saved one shows as
// "sparad", a blank field keeps it. Saving restarts the relay stream and the providers at
// once; the result shows as the connection state. In the browser host, which has no secure
// storage, this section explains which environment variables set the same things.
import { Alert, Button, Fieldset, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
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
  isDirty,
  issuesByField,
  type FieldPath,
  type FieldProblem,
  type SecretDraft,
  type SetupDraft,
} from './providerSetupForm';
import { relayWord } from './relayWords';
import { ProviderFieldset, ReadOnlyExplanation, SecretField } from './ProviderSetupParts';
import { dict, svHints, type Key } from './providerSetupWords';

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
  const text = <G extends 'relay' | 'twilio' | 'sendgrid' | 'elks'>(
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

  const rate = (field: Exclude<keyof SetupDraft['failover'], 'primary'>) => (
    <NumberInput
      label={t(`failover.${field}`)}
      value={draft.failover[field]}
      min={0.1}
      max={field.endsWith('CallsPerSecond') ? 100 : 1000}
      decimalScale={1}
      onChange={(v) => typeof v === 'number' && v > 0 && set('failover', { [field]: v })}
    />
  );

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

              <ProviderFieldset
                legend={t('elks')}
                toggle={t('useElks')}
                enabled={draft.elks.enabled}
                onToggle={(enabled) => set('elks', { enabled })}
              >
                {text('elks', 'username', { help: 'elks.usernameHelp' })}
                {secret('elks', 'password')}
                {text('elks', 'from', { help: 'elks.fromHelp', type: 'tel' })}
                {secret('elks', 'callbackSecret')}
              </ProviderFieldset>

              <Fieldset legend={t('failover')}>
                <Stack gap="sm">
                  <Text size="sm" c="dimmed">
                    {t('failoverHelp')}
                  </Text>
                  <Select
                    label={t('failover.primary')}
                    data={[
                      { value: 'twilio', label: t('twilioFirst') },
                      { value: 'elks', label: t('elksFirst') },
                    ]}
                    value={draft.failover.primary}
                    onChange={(v) => v && set('failover', { primary: v as 'twilio' | 'elks' })}
                    error={errorOf('failover.primary')}
                    allowDeselect={false}
                  />
                  <SimpleGrid cols={{ base: 1, sm: 2 }}>
                    {rate('twilioSmsPerSecond')}
                    {rate('twilioCallsPerSecond')}
                    {rate('elksSmsPerSecond')}
                    {rate('elksCallsPerSecond')}
                  </SimpleGrid>
                </Stack>
              </Fieldset>

              {problems.size > 0 && (
                <Text c="red" size="sm" role="alert">
                  {t('fixFields')}
                </Text>
              )}
              {problems.size === 0 && <ErrorAlert error={error} />}
              {applied && status && (
                <Alert color="green" role="status" title={t('savedTitle')}>
                  {t('nowRelay', { s: relayWord(status.relay, language) })}{' '}
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
