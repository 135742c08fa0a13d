// Settings → API-nycklar (administrators signed in online at the organisation): the keys
// other systems use to call the relay's REST API (docs/api.md). A new key gets a name, its
// scopes, an optional expiry, optional allowed source addresses and a rate limit; its secret
// is shown once, with a copy button, and the relay keeps only its hash. Each key shows when
// it was last used and can be revoked; every use is in Händelseloggen under the key's name.
import { Alert, Badge, Button, Checkbox, Group, NumberInput, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import {
  apiKeyCreateRequestSchema,
  apiKeyScopeInfo,
  apiKeyScopes,
  DEFAULT_API_KEY_RATE_PER_MINUTE,
  describeIssues,
  fieldIssues,
  type ApiKeyCreateResponse,
  type ApiKeyScope,
} from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useAllowed, useSession } from '../../session';

const dict = {
  sv: {
    title: 'API-nycklar',
    help: 'Andra system (ett brandlarm, ett driftövervakningssystem, ett personalsystem) anropar organisationens API med en nyckel. Nyckeln får bara det du kryssar i. Varje anrop syns i händelseloggen under nyckelns namn.',
    offline: 'API-nycklar hanteras i organisationen: logga in med uppkoppling mot reläet.',
    createTitle: 'Ny nyckel',
    name: 'Namn',
    namePlaceholder: 't.ex. Brandlarmscentral stadshuset',
    scopes: 'Behörigheter',
    expires: 'Gäller till (tomt: tills den återkallas)',
    sources: 'Tillåtna avsändaradresser, en per rad (tomt: alla)',
    sourcesPlaceholder: '192.0.2.10\n198.51.100.0/24',
    rate: 'Högst antal anrop per minut',
    create: 'Skapa nyckel',
    secretTitle: 'Nyckeln ”{name}” är skapad',
    secretHelp:
      'Kopiera nyckeln nu och lägg in den i det andra systemet. Den visas inte igen: reläet sparar bara ett fingeravtryck av den.',
    secret: 'Nyckel',
    copy: 'Kopiera',
    copied: 'Kopierad',
    hide: 'Jag har sparat nyckeln',
    listTitle: 'Nycklar',
    empty: 'Inga API-nycklar ännu.',
    key: 'Nyckel',
    expiresCol: 'Gäller till',
    never: 'Aldrig',
    sourcesCol: 'Adresser',
    anyAddress: 'Alla',
    lastUsed: 'Senast använd',
    status: 'Status',
    activeWord: 'Giltig',
    revokedWord: 'Återkallad',
    expiredWord: 'Utgången',
    revoke: 'Återkalla',
    revokeLabel: 'Återkalla nyckeln {name}',
    revokeTitle: 'Återkalla nyckeln ”{name}”?',
    revokeBody: 'Nyckeln slutar fungera direkt. System som använder den får svaret 401 tills de får en ny nyckel.',
    createdBy: 'Skapad av {who} {at}',
    revokedBy: 'Återkallad av {who} {at}',
    loading: 'Hämtar från organisationen …',
  },
  en: {
    title: 'API keys',
    help: "Other systems (a fire-alarm panel, a SCADA, an HR system) call the organisation's API with a key. The key gets only what you tick. Every call shows in the audit log under the key's name.",
    offline: 'API keys live in the organisation: sign in online at the relay.',
    createTitle: 'New key',
    name: 'Name',
    namePlaceholder: 'e.g. Town hall fire-alarm panel',
    scopes: 'Scopes',
    expires: 'Valid until (empty: until revoked)',
    sources: 'Allowed source addresses, one per line (empty: any)',
    sourcesPlaceholder: '192.0.2.10\n198.51.100.0/24',
    rate: 'At most this many calls per minute',
    create: 'Create key',
    secretTitle: 'The key "{name}" is created',
    secretHelp: 'Copy the key now and put it in the other system. It is not shown again: the relay keeps only a fingerprint of it.',
    secret: 'Key',
    copy: 'Copy',
    copied: 'Copied',
    hide: 'I have saved the key',
    listTitle: 'Keys',
    empty: 'No API keys yet.',
    key: 'Key',
    expiresCol: 'Valid until',
    never: 'Never',
    sourcesCol: 'Addresses',
    anyAddress: 'Any',
    lastUsed: 'Last used',
    status: 'Status',
    activeWord: 'Valid',
    revokedWord: 'Revoked',
    expiredWord: 'Expired',
    revoke: 'Revoke',
    revokeLabel: 'Revoke the key {name}',
    revokeTitle: 'Revoke the key "{name}"?',
    revokeBody: 'The key stops working at once. Systems using it get 401 until they are given a new key.',
    createdBy: 'Created by {who} {at}',
    revokedBy: 'Revoked by {who} {at}',
    loading: 'Fetching from the organisation …',
  },
};

interface Draft {
  name: string;
  scopes: ApiKeyScope[];
  expires: string;
  sources: string;
  rate: number;
}

const emptyDraft: Draft = {
  name: '',
  scopes: ['alerts:trigger', 'alerts:read'],
  expires: '',
  sources: '',
  rate: DEFAULT_API_KEY_RATE_PER_MINUTE,
};

export function ApiKeysSection() {
  const admin = useAllowed('organisation.apiKeys.list');
  const { state } = useSession();
  const t = useT(dict);
  if (!admin.allowed || !state || state.accounts !== 'organisation') return null;
  return (
    <Stack component="section" aria-labelledby="api-keys-title">
      <Title order={3} id="api-keys-title">
        {t('title')}
      </Title>
      <Text size="sm">{t('help')}</Text>
      {state.via === 'relay' ? <ApiKeys /> : <Text size="sm">{t('offline')}</Text>}
    </Stack>
  );
}

function ApiKeys() {
  const t = useT(dict);
  const { language } = useLanguage();
  const fmt = useFormat();
  const rpc = useRpc();
  const keys = useQuery('organisation.apiKeys.list', {});
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<ApiKeyCreateResponse | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);

  const create = () => {
    const input = {
      name: draft.name,
      scopes: draft.scopes,
      // A date is valid through that day, Swedish time.
      expiresAt: draft.expires ? new Date(`${draft.expires}T23:59:59`).toISOString() : null,
      allowedSources: draft.sources
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      rateLimitPerMinute: draft.rate,
    };
    const parsed = apiKeyCreateRequestSchema.safeParse(input);
    if (!parsed.success) {
      setError(new Error(describeIssues(fieldIssues(parsed.error))));
      return;
    }
    rpc.call('organisation.apiKeys.create', input).then((k) => {
      setError(null);
      setCreated(k);
      setDraft(emptyDraft);
      keys.reload();
    }, setError);
  };

  const now = Date.now();
  return (
    <Stack>
      {keys.loading && !keys.data && <Text size="sm">{t('loading')}</Text>}
      <ErrorAlert error={keys.error ?? error} />
      {created && (
        <Alert variant="light" color="blue" role="status" title={t('secretTitle', { name: created.name })}>
          <Stack gap="xs">
            <Text size="sm">{t('secretHelp')}</Text>
            <CopyField label={t('secret')} value={created.secret} copy={t('copy')} copied={t('copied')} />
            <Group>
              <Button variant="default" onClick={() => setCreated(null)}>
                {t('hide')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}

      <Stack gap="xs" component="section" aria-labelledby="api-key-create-title">
        <Title order={4} id="api-key-create-title">
          {t('createTitle')}
        </Title>
        <TextInput
          label={t('name')}
          placeholder={t('namePlaceholder')}
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
        />
        <Checkbox.Group label={t('scopes')} value={draft.scopes} onChange={(v) => setDraft({ ...draft, scopes: v as ApiKeyScope[] })}>
          <Stack gap={4} mt={4}>
            {apiKeyScopes.map((s) => (
              <Checkbox key={s} value={s} label={`${s} — ${apiKeyScopeInfo[s][language]}`} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Group align="flex-start" grow>
          <TextInput
            type="date"
            label={t('expires')}
            value={draft.expires}
            onChange={(e) => setDraft({ ...draft, expires: e.currentTarget.value })}
          />
          <NumberInput
            label={t('rate')}
            min={1}
            max={6000}
            value={draft.rate}
            onChange={(v) => setDraft({ ...draft, rate: Number(v) || 0 })}
          />
        </Group>
        <Textarea
          label={t('sources')}
          placeholder={t('sourcesPlaceholder')}
          autosize
          minRows={2}
          value={draft.sources}
          onChange={(e) => setDraft({ ...draft, sources: e.currentTarget.value })}
        />
        <Group>
          <Button onClick={create}>{t('create')}</Button>
        </Group>
      </Stack>

      <Title order={4} id="api-keys-list-title">
        {t('listTitle')}
      </Title>
      {keys.data?.keys.length === 0 && <Text size="sm">{t('empty')}</Text>}
      {(keys.data?.keys.length ?? 0) > 0 && (
        <Table aria-labelledby="api-keys-list-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('name')}</Table.Th>
              <Table.Th>{t('key')}</Table.Th>
              <Table.Th>{t('scopes')}</Table.Th>
              <Table.Th>{t('expiresCol')}</Table.Th>
              <Table.Th>{t('sourcesCol')}</Table.Th>
              <Table.Th>{t('lastUsed')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data!.keys.map((k) => {
              const expired = k.expiresAt !== null && Date.parse(k.expiresAt) <= now;
              return (
                <Table.Tr key={k.id}>
                  <Table.Td>
                    <Text size="sm">{k.name}</Text>
                    <Text size="xs" c="dimmed">
                      {k.revokedAt
                        ? t('revokedBy', { who: k.revokedBy ?? '?', at: fmt.dateTime(k.revokedAt) })
                        : t('createdBy', { who: k.createdBy ?? '?', at: fmt.dateTime(k.createdAt) })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <code style={{ whiteSpace: 'nowrap' }}>{k.hint}</code>
                  </Table.Td>
                  <Table.Td>{k.scopes.join(', ')}</Table.Td>
                  <Table.Td>{k.expiresAt ? fmt.dateTime(k.expiresAt) : t('never')}</Table.Td>
                  <Table.Td>{k.allowedSources.length > 0 ? k.allowedSources.join(', ') : t('anyAddress')}</Table.Td>
                  <Table.Td>{k.lastUsedAt ? fmt.dateTime(k.lastUsedAt) : t('never')}</Table.Td>
                  <Table.Td>
                    <Badge
                      color={k.revokedAt ? 'red' : expired ? 'gray' : 'green'}
                      variant="light"
                      style={{ overflow: 'visible' }}
                      miw="max-content"
                    >
                      {k.revokedAt ? t('revokedWord') : expired ? t('expiredWord') : t('activeWord')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {!k.revokedAt && (
                      <Button
                        variant="default"
                        color="red"
                        size="compact-sm"
                        aria-label={t('revokeLabel', { name: k.name })}
                        onClick={() => setRevoking({ id: k.id, name: k.name })}
                      >
                        {t('revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmDialog
        opened={revoking !== null}
        title={t('revokeTitle', { name: revoking?.name ?? '' })}
        confirmLabel={t('revoke')}
        onClose={() => setRevoking(null)}
        onConfirm={() =>
          revoking ? rpc.call('organisation.apiKeys.revoke', { id: revoking.id }).then(() => keys.reload()) : Promise.resolve()
        }
      >
        <Text>{t('revokeBody')}</Text>
      </ConfirmDialog>
    </Stack>
  );
}
