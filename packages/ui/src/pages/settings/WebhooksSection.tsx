// Settings → Webhooks, for an Administratör of an organisation signed in online: the
// organisation's outgoing webhooks at the relay (other systems told when an alert starts,
// waits for the network, reaches N %, is completed or cancelled), each with its signing
// secret shown once (and rotatable), a test event, on/off and removal; and the delivery log
// with every attempt (time, HTTP status or error, duration) and "Skicka igen". Every call goes
// through the engine to the relay as the signed-in administrator; the relay audits it.
import { Alert, Button, Checkbox, CopyButton, Group, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { webhookEventTypes, type WebhookDelivery, type WebhookEventType, type WebhookSecretResponse } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormat, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useAllowed, useSession } from '../../session';

const dict = {
  sv: {
    title: 'Webhooks',
    help: 'Andra system (ett ledningssystem, en kanal i en chatt, ett skript) kan få besked när ett larm startar, väntar på nät, når en viss andel, är klart eller avbryts. Reläet skickar händelserna signerade (Standard Webhooks) och försöker igen i upp till ett dygn om mottagaren inte svarar.',
    url: 'Adress (https://…)',
    description: 'Beskrivning',
    events: 'Händelser',
    progressStep: 'Framsteg var … %',
    progressHelp: 'Skickas när andelen bekräftade eller nådda passerar varje steg.',
    add: 'Lägg till webhook',
    secretShown:
      'Hemligheten för {url} visas bara nu. Mottagaren behöver den för att kontrollera signaturen (webhook-signature). Kopiera den och spara den i mottagarens inställningar.',
    secret: 'Hemlighet',
    copy: 'Kopiera',
    copied: 'Kopierad',
    none: 'Inga webhooks ännu.',
    status: 'Status',
    active: 'Aktiv',
    off: 'Avstängd',
    test: 'Skicka testhändelse',
    testLabel: 'Skicka testhändelse till {url}',
    rotate: 'Byt hemlighet',
    rotateLabel: 'Byt hemlighet för {url}',
    rotateTitle: 'Byt hemlighet för {url}?',
    rotateBody: 'En ny hemlighet visas en gång. Den gamla fortsätter att signera i ett dygn till, så att mottagaren hinner byta.',
    enable: 'Slå på',
    disable: 'Stäng av',
    toggleLabel: '{what} {url}',
    remove: 'Ta bort',
    removeLabel: 'Ta bort webhooken {url}',
    removeTitle: 'Ta bort webhooken {url}?',
    removeBody: 'Inga fler händelser skickas dit, och dess leveranslogg tas bort.',
    testQueued: 'Testhändelsen är på väg; se leveransloggen nedan.',
    logTitle: 'Leveranslogg',
    refresh: 'Uppdatera',
    logEmpty: 'Inga leveranser ännu.',
    event: 'Händelse',
    alert: 'Larm',
    created: 'Skapad',
    attempts: 'Försök',
    state_pending: 'Väntar',
    state_delivered: 'Levererad',
    state_failed: 'Misslyckades',
    nextAt: 'nästa försök {at}',
    attempt: '{n}. {at}: {what} ({ms} ms)',
    http: 'HTTP {status}',
    resend: 'Skicka igen',
    resendLabel: 'Skicka igen: {event} {at}',
    loading: 'Hämtar från organisationen …',
    'alert.started': 'Larmet startade',
    'alert.held': 'Väntar på nät',
    'alert.progress': 'Framsteg',
    'alert.completed': 'Larmet är klart',
    'alert.cancelled': 'Larmet avbröts',
    'webhook.test': 'Testhändelse',
  },
  en: {
    title: 'Webhooks',
    help: 'Other systems (a command system, a chat channel, a script) can be told when an alert starts, waits for the network, reaches a share, completes or is cancelled. The relay sends the events signed (Standard Webhooks) and retries for up to a day when the receiver does not answer.',
    url: 'Address (https://…)',
    description: 'Description',
    events: 'Events',
    progressStep: 'Progress every … %',
    progressHelp: 'Sent when the share confirmed or reached passes each step.',
    add: 'Add webhook',
    secretShown:
      'The secret for {url} is shown only now. The receiver needs it to check the signature (webhook-signature). Copy it into the receiver’s settings.',
    secret: 'Secret',
    copy: 'Copy',
    copied: 'Copied',
    none: 'No webhooks yet.',
    status: 'Status',
    active: 'Active',
    off: 'Off',
    test: 'Send test event',
    testLabel: 'Send a test event to {url}',
    rotate: 'Rotate secret',
    rotateLabel: 'Rotate the secret of {url}',
    rotateTitle: 'Rotate the secret of {url}?',
    rotateBody: 'A new secret is shown once. The old one keeps signing for another day, so the receiver has time to switch.',
    enable: 'Turn on',
    disable: 'Turn off',
    toggleLabel: '{what} {url}',
    remove: 'Remove',
    removeLabel: 'Remove the webhook {url}',
    removeTitle: 'Remove the webhook {url}?',
    removeBody: 'No more events are sent there, and its delivery log is removed.',
    testQueued: 'The test event is on its way; see the delivery log below.',
    logTitle: 'Delivery log',
    refresh: 'Refresh',
    logEmpty: 'No deliveries yet.',
    event: 'Event',
    alert: 'Alert',
    created: 'Created',
    attempts: 'Attempts',
    state_pending: 'Waiting',
    state_delivered: 'Delivered',
    state_failed: 'Failed',
    nextAt: 'next attempt {at}',
    attempt: '{n}. {at}: {what} ({ms} ms)',
    http: 'HTTP {status}',
    resend: 'Send again',
    resendLabel: 'Send again: {event} {at}',
    loading: 'Fetching from the organisation …',
    'alert.started': 'Alert started',
    'alert.held': 'Waiting for the network',
    'alert.progress': 'Progress',
    'alert.completed': 'Alert completed',
    'alert.cancelled': 'Alert cancelled',
    'webhook.test': 'Test event',
  },
};

type Confirm = { title: string; body: string; label: string; danger: boolean; run: () => Promise<unknown> } | null;

const stateColor: Record<WebhookDelivery['state'], string> = { pending: 'orange.9', delivered: 'green.8', failed: 'red.8' };

/** The delivery log refreshes itself this often while the page is open. */
const LOG_REFRESH_MS = 3_000;

/** Shown to an Administratör signed in online at the organisation's relay (the webhooks live there). */
export function WebhooksSection() {
  const { state } = useSession();
  const admin = useAllowed('organisation.webhooks.list');
  if (!admin.allowed || !state || state.accounts !== 'organisation' || state.via !== 'relay') return null;
  return <Webhooks />;
}

function Webhooks() {
  const t = useT(dict);
  const fmt = useFormat();
  const rpc = useRpc();
  const subscriptions = useQuery('organisation.webhooks.list', {});
  const deliveries = useQuery('organisation.webhooks.deliveries', { limit: 50 });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<WebhookSecretResponse | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [draft, setDraft] = useState({
    url: '',
    description: '',
    events: [...webhookEventTypes] as WebhookEventType[],
    progressStep: 25,
  });
  const reloadLog = deliveries.reload;
  useEffect(() => {
    const timer = setInterval(reloadLog, LOG_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reloadLog]);
  const reload = () => {
    subscriptions.reload();
    deliveries.reload();
  };
  const done = (p: Promise<unknown>, after?: () => void) =>
    p.then(() => {
      setError(null);
      after?.();
      reload();
    }, setError);
  const eventWord = (type: string) => (type in dict.sv ? t(type as keyof typeof dict.sv) : type);

  return (
    <Stack component="section" aria-labelledby="webhooks-title">
      <Title order={3} id="webhooks-title">
        {t('title')}
      </Title>
      <Text size="sm">{t('help')}</Text>
      {subscriptions.loading && !subscriptions.data && <Text size="sm">{t('loading')}</Text>}
      <ErrorAlert error={subscriptions.error ?? error} />

      <form
        aria-label={t('add')}
        onSubmit={(e) => {
          e.preventDefault();
          setNotice(null);
          void done(rpc.call('organisation.webhooks.create', draft).then(setSecret), () =>
            setDraft((d) => ({ ...d, url: '', description: '' })),
          );
        }}
      >
        <Stack gap="xs">
          <Group align="end" grow>
            <TextInput label={t('url')} value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.currentTarget.value })} required />
            <TextInput
              label={t('description')}
              value={draft.description}
              onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
            />
          </Group>
          <Checkbox.Group
            label={t('events')}
            value={draft.events}
            onChange={(v) => setDraft({ ...draft, events: v as WebhookEventType[] })}
          >
            <Group mt={4}>
              {webhookEventTypes.map((type) => (
                <Checkbox key={type} value={type} label={eventWord(type)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Group align="end">
            <NumberInput
              label={t('progressStep')}
              description={t('progressHelp')}
              min={1}
              max={100}
              value={draft.progressStep}
              onChange={(v) => setDraft({ ...draft, progressStep: typeof v === 'number' ? v : Number(v) || 0 })}
              disabled={!draft.events.includes('alert.progress')}
            />
            <Button type="submit">{t('add')}</Button>
          </Group>
        </Stack>
      </form>

      {secret && (
        <Alert variant="light" color="blue" role="status">
          <Stack gap="xs">
            <Text size="sm">{t('secretShown', { url: secret.subscription.url })}</Text>
            <Group align="flex-end">
              <TextInput label={t('secret')} value={secret.secret} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={secret.secret}>
                {({ copied, copy }) => (
                  <Button variant="light" onClick={copy} aria-label={`${t('copy')}: ${t('secret')}`}>
                    {copied ? t('copied') : t('copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
        </Alert>
      )}
      {notice && (
        <Text size="sm" role="status">
          {notice}
        </Text>
      )}

      {subscriptions.data?.subscriptions.length === 0 && <Text size="sm">{t('none')}</Text>}
      {(subscriptions.data?.subscriptions.length ?? 0) > 0 && (
        <Table aria-labelledby="webhooks-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('url')}</Table.Th>
              <Table.Th>{t('events')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(subscriptions.data?.subscriptions ?? []).map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Text size="sm" style={{ wordBreak: 'break-all' }}>
                    {s.url}
                  </Text>
                  {s.description && (
                    <Text size="xs" c="dimmed">
                      {s.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {s.events.map((e) => (e === 'alert.progress' ? `${eventWord(e)} (${s.progressStep} %)` : eventWord(e))).join(', ')}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" fw={600} c={s.enabled ? 'green.8' : 'red.8'}>
                    {s.enabled ? t('active') : t('off')}
                  </Text>
                  {s.disabledReason && <Text size="xs">{s.disabledReason}</Text>}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="wrap">
                    <Button
                      size="compact-sm"
                      variant="default"
                      disabled={!s.enabled}
                      aria-label={t('testLabel', { url: s.url })}
                      onClick={() => void done(rpc.call('organisation.webhooks.test', { id: s.id }), () => setNotice(t('testQueued')))}
                    >
                      {t('test')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={t('rotateLabel', { url: s.url })}
                      onClick={() =>
                        setConfirm({
                          title: t('rotateTitle', { url: s.url }),
                          body: t('rotateBody'),
                          label: t('rotate'),
                          danger: false,
                          run: () => rpc.call('organisation.webhooks.rotateSecret', { id: s.id }).then(setSecret),
                        })
                      }
                    >
                      {t('rotate')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={t('toggleLabel', { what: s.enabled ? t('disable') : t('enable'), url: s.url })}
                      onClick={() => void done(rpc.call('organisation.webhooks.update', { id: s.id, change: { enabled: !s.enabled } }))}
                    >
                      {s.enabled ? t('disable') : t('enable')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      color="red"
                      aria-label={t('removeLabel', { url: s.url })}
                      onClick={() =>
                        setConfirm({
                          title: t('removeTitle', { url: s.url }),
                          body: t('removeBody'),
                          label: t('remove'),
                          danger: true,
                          run: () => rpc.call('organisation.webhooks.delete', { id: s.id }),
                        })
                      }
                    >
                      {t('remove')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Group justify="space-between">
        <Title order={4} id="webhook-log-title">
          {t('logTitle')}
        </Title>
        <Button size="compact-sm" variant="subtle" onClick={reload}>
          {t('refresh')}
        </Button>
      </Group>
      <ErrorAlert error={deliveries.error} />
      {deliveries.data?.deliveries.length === 0 && <Text size="sm">{t('logEmpty')}</Text>}
      {(deliveries.data?.deliveries.length ?? 0) > 0 && (
        <Table aria-labelledby="webhook-log-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('event')}</Table.Th>
              <Table.Th>{t('alert')}</Table.Th>
              <Table.Th>{t('created')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th>{t('attempts')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(deliveries.data?.deliveries ?? []).map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Text size="sm">{eventWord(d.type)}</Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {d.id}
                  </Text>
                </Table.Td>
                <Table.Td>{d.alertName ?? '—'}</Table.Td>
                <Table.Td>{fmt.dateTime(d.createdAt)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" fw={600} c={stateColor[d.state]}>
                    {t(`state_${d.state}`)}
                  </Text>
                  {d.nextAttemptAt && d.attempts > 0 && <Text size="xs">{t('nextAt', { at: fmt.dateTime(d.nextAttemptAt) })}</Text>}
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    {d.log.map((a) => (
                      <Text key={a.attempt} size="xs">
                        {t('attempt', {
                          n: a.attempt,
                          at: fmt.dateTime(a.at),
                          what: a.status !== null ? t('http', { status: a.status }) : (a.error ?? ''),
                          ms: a.durationMs,
                        })}
                      </Text>
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {d.state !== 'pending' && (
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={t('resendLabel', { event: eventWord(d.type), at: fmt.dateTime(d.createdAt) })}
                      onClick={() => void done(rpc.call('organisation.webhooks.resend', { id: d.id }))}
                    >
                      {t('resend')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmDialog
        opened={confirm !== null}
        title={confirm?.title ?? ''}
        confirmLabel={confirm?.label ?? ''}
        danger={confirm?.danger}
        onClose={() => setConfirm(null)}
        onConfirm={() => (confirm ? confirm.run().then(reload) : Promise.resolve())}
      >
        <Text>{confirm?.body}</Text>
      </ConfirmDialog>
    </Stack>
  );
}
