// Settings → Användare (administrators): the desktop's accounts with their roles, a new
// user, a role change, removing one, and how the console locks (minutes without activity)
// and how long an online sign-in lets the same password in offline. On a desktop joined to
// an organisation the list is whose offline sign-in this desktop keeps; users are made and
// their roles changed at the organisation.
import { Button, Group, NumberInput, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { roles, type Role } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { roleWord } from '../../components/labels';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useAllowed, useSession } from '../../session';
import { OrganisationUsers } from './OrganisationUsers';

const dict = {
  sv: {
    title: 'Användare',
    organisation:
      'Datorn hör till en organisation: användare bjuds in och får roller i organisationen. Här syns vilka som har loggat in på den här datorn och kan logga in utan nät.',
    offline: 'Du är inloggad utan nät. Organisationens användare, inbjudningar och datorer hanteras när du har loggat in med nät.',
    desktopTitle: 'Inloggade på den här datorn',
    name: 'Namn',
    username: 'Användarnamn',
    role: 'Roll',
    confirmed: 'Senast bekräftad',
    lockedUntil: 'Låst till {at}',
    lockedOnline: 'Låst tills nästa inloggning med nät',
    remove: 'Ta bort',
    removeLabel: 'Ta bort {name}',
    roleLabel: 'Roll för {name}',
    add: 'Ny användare',
    password: 'Lösenord',
    create: 'Lägg till',
    lockTitle: 'Låsning och inloggning utan nät',
    lockAfter: 'Lås konsolen efter så här många minuter utan aktivitet (0 = aldrig)',
    offlineDays: 'Dygn som inloggning utan nät fungerar efter senaste inloggning med nät',
    save: 'Spara',
    saved: 'Sparat.',
  },
  en: {
    title: 'Users',
    organisation:
      'This computer belongs to an organisation: users are invited and given roles there. Listed here are those who signed in on this computer and can sign in offline.',
    offline: "You signed in offline. The organisation's users, invitations and computers are managed after a sign-in with a network.",
    desktopTitle: 'Signed in on this computer',
    name: 'Name',
    username: 'Username',
    role: 'Role',
    confirmed: 'Last confirmed',
    lockedUntil: 'Locked until {at}',
    lockedOnline: 'Locked until the next sign-in with a network',
    remove: 'Remove',
    removeLabel: 'Remove {name}',
    roleLabel: 'Role of {name}',
    add: 'New user',
    password: 'Password',
    create: 'Add',
    lockTitle: 'Locking and offline sign-in',
    lockAfter: 'Lock the console after this many minutes without activity (0 = never)',
    offlineDays: 'Days an online sign-in lets the same password in offline',
    save: 'Save',
    saved: 'Saved.',
  },
};

export function UsersSection() {
  const t = useT(dict);
  const { language } = useLanguage();
  const fmt = useFormat();
  const rpc = useRpc();
  const { state } = useSession();
  const admin = useAllowed('users.list');
  const list = useQuery('users.list', {}, { enabled: admin.allowed && state !== null });
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState({ username: '', displayName: '', password: '', role: 'operator' as Role });
  const [lock, setLock] = useState({ lockAfterMinutes: 15, offlineDays: 7 });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (state) setLock({ lockAfterMinutes: state.lockAfterMinutes, offlineDays: state.offlineDays });
  }, [state]);
  if (!admin.allowed || !state) return null;
  const organisation = state.accounts === 'organisation';
  const roleOptions = roles.map((r) => ({ value: r, label: roleWord(r, language) }));
  const done = (p: Promise<unknown>) =>
    p.then(() => {
      setError(null);
      list.reload();
    }, setError);

  return (
    <Stack component="section" aria-labelledby="users-title">
      <Title order={3} id="users-title">
        {t('title')}
      </Title>
      {organisation && state.via === 'relay' && <OrganisationUsers />}
      {organisation && state.via !== 'relay' && <Text size="sm">{t('offline')}</Text>}
      {organisation && (
        <Title order={4} id="desktop-users-title">
          {t('desktopTitle')}
        </Title>
      )}
      {organisation && <Text size="sm">{t('organisation')}</Text>}
      <Table aria-labelledby="users-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('name')}</Table.Th>
            <Table.Th>{t('username')}</Table.Th>
            <Table.Th>{t('role')}</Table.Th>
            <Table.Th>{t('confirmed')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.users ?? []).map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>
                {u.source === 'local' ? (
                  <Select
                    aria-label={t('roleLabel', { name: u.displayName })}
                    data={roleOptions}
                    value={u.role}
                    allowDeselect={false}
                    onChange={(v) => {
                      if (v) void done(rpc.call('users.setRole', { id: u.id, role: v as Role }));
                    }}
                  />
                ) : (
                  roleWord(u.role, language)
                )}
              </Table.Td>
              <Table.Td>
                {fmt.dateTime(u.confirmedAt)}
                {u.lockedUntil && <Text size="sm">{t('lockedUntil', { at: fmt.dateTime(u.lockedUntil) })}</Text>}
                {!u.lockedUntil && u.source === 'organisation' && u.failedAttempts >= 5 && <Text size="sm">{t('lockedOnline')}</Text>}
              </Table.Td>
              <Table.Td>
                <Button
                  variant="default"
                  size="compact-sm"
                  aria-label={t('removeLabel', { name: u.displayName })}
                  onClick={() => void done(rpc.call('users.remove', { id: u.id }))}
                >
                  {t('remove')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!organisation && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void done(
              rpc.call('users.create', draft).then(() => setDraft({ username: '', displayName: '', password: '', role: draft.role })),
            );
          }}
        >
          <Title order={4}>{t('add')}</Title>
          <Group align="end">
            <TextInput
              label={t('name')}
              value={draft.displayName}
              onChange={(e) => setDraft({ ...draft, displayName: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('username')}
              value={draft.username}
              onChange={(e) => setDraft({ ...draft, username: e.currentTarget.value })}
              required
            />
            <PasswordInput
              label={t('password')}
              value={draft.password}
              onChange={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
              autoComplete="new-password"
              required
            />
            <Select
              label={t('role')}
              data={roleOptions}
              value={draft.role}
              allowDeselect={false}
              onChange={(v) => v && setDraft({ ...draft, role: v as Role })}
            />
            <Button type="submit">{t('create')}</Button>
          </Group>
        </form>
      )}
      <ErrorAlert error={error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          rpc.call('session.settings.set', lock).then(() => {
            setError(null);
            setSaved(true);
          }, setError);
        }}
      >
        <Title order={4}>{t('lockTitle')}</Title>
        <Group align="end">
          <NumberInput
            label={t('lockAfter')}
            min={0}
            max={1440}
            value={lock.lockAfterMinutes}
            onChange={(v) => setLock({ ...lock, lockAfterMinutes: Number(v) || 0 })}
            maw={280}
          />
          <NumberInput
            label={t('offlineDays')}
            min={1}
            max={90}
            value={lock.offlineDays}
            onChange={(v) => setLock({ ...lock, offlineDays: Number(v) || 1 })}
            maw={280}
          />
          <Button type="submit">{t('save')}</Button>
        </Group>
        {saved && (
          <Text c="green" mt={4} role="status">
            {t('saved')}
          </Text>
        )}
      </form>
    </Stack>
  );
}
