// Settings → Användare on a desktop joined to an organisation, for an Administratör signed
// in online: the organisation's users at the relay (change role, disable or enable), an
// invitation (role → a one-time code and link, shown once, with a copy button), and who is
// signed in where (sessions) and the organisation's desktops, each with a revoke button.
// Every action goes through the engine, which calls the relay as the signed-in admin.
import { Alert, Badge, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { roles, type InvitationCreateResponse, type Role } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { roleWord } from '../../components/labels';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'Organisationens användare',
    help: 'Användarna finns i organisationen. Ändringar gäller på alla datorer från användarens nästa förnyelse av inloggningen (inom tio minuter).',
    name: 'Namn',
    username: 'Användarnamn',
    role: 'Roll',
    status: 'Status',
    lastSignIn: 'Senast inloggad',
    never: 'Aldrig',
    active: 'Aktiv',
    disabledWord: 'Avstängd',
    lockedUntil: 'Låst till {at}',
    roleLabel: 'Roll för {name}',
    disable: 'Stäng av',
    enable: 'Aktivera',
    disableLabel: 'Stäng av {name}',
    enableLabel: 'Aktivera {name}',
    disableTitle: 'Stäng av {name}?',
    disableBody: '{name} loggas ut på alla datorer och kan inte logga in förrän en administratör aktiverar kontot igen.',
    inviteTitle: 'Bjud in en användare',
    inviteHelp:
      'Välj roll. Koden och länken visas bara nu: skicka dem till den du bjuder in. De gäller i {hours} timmar och kan användas en gång.',
    invite: 'Skapa inbjudan',
    code: 'Inbjudningskod',
    link: 'Länk',
    copy: 'Kopiera',
    copied: 'Kopierad',
    inviteCreated: 'Inbjudan som {role} gäller till {at}. Den inbjudna väljer ”Har du en inbjudan?” på inloggningssidan.',
    sessionsTitle: 'Inloggningar',
    device: 'Dator',
    since: 'Sedan',
    lastUsed: 'Senast använd',
    revoke: 'Avsluta',
    revokeSession: 'Avsluta inloggningen för {name} på {device}',
    sessionsEmpty: 'Ingen är inloggad.',
    devicesTitle: 'Datorer',
    lastSeen: 'Senast ansluten',
    revoked: 'Spärrad {at}',
    revokeDevice: 'Spärra',
    revokeDeviceLabel: 'Spärra datorn {name}',
    revokeDeviceTitle: 'Spärra datorn {name}?',
    revokeDeviceBody:
      'Datorn kopplas bort från organisationen: dess inloggningar avslutas och den kan inte synka eller ta emot svar förrän den ansluts på nytt med en ny anslutningskod.',
    thisDesktop: 'den här datorn',
    loading: 'Hämtar från organisationen …',
  },
  en: {
    title: "The organisation's users",
    help: "Users live in the organisation. Changes hold on every computer from the user's next sign-in renewal (within ten minutes).",
    name: 'Name',
    username: 'Username',
    role: 'Role',
    status: 'Status',
    lastSignIn: 'Last signed in',
    never: 'Never',
    active: 'Active',
    disabledWord: 'Disabled',
    lockedUntil: 'Locked until {at}',
    roleLabel: 'Role of {name}',
    disable: 'Disable',
    enable: 'Enable',
    disableLabel: 'Disable {name}',
    enableLabel: 'Enable {name}',
    disableTitle: 'Disable {name}?',
    disableBody: '{name} is signed out on every computer and cannot sign in until an administrator enables the account again.',
    inviteTitle: 'Invite a user',
    inviteHelp:
      'Choose the role. The code and link are shown only now: send them to the person you invite. They hold for {hours} hours and work once.',
    invite: 'Create invitation',
    code: 'Invitation code',
    link: 'Link',
    copy: 'Copy',
    copied: 'Copied',
    inviteCreated: 'The invitation as {role} holds until {at}. The invited person chooses "Have an invitation?" on the sign-in page.',
    sessionsTitle: 'Sign-ins',
    device: 'Computer',
    since: 'Since',
    lastUsed: 'Last used',
    revoke: 'End',
    revokeSession: 'End the sign-in of {name} on {device}',
    sessionsEmpty: 'Nobody is signed in.',
    devicesTitle: 'Computers',
    lastSeen: 'Last connected',
    revoked: 'Revoked {at}',
    revokeDevice: 'Revoke',
    revokeDeviceLabel: 'Revoke the computer {name}',
    revokeDeviceTitle: 'Revoke the computer {name}?',
    revokeDeviceBody:
      'The computer is cut off from the organisation: its sign-ins end and it cannot sync or receive replies until it is joined again with a new enrolment code.',
    thisDesktop: 'this computer',
    loading: 'Fetching from the organisation …',
  },
};

const INVITATION_HOURS = 72;

type Confirm = { title: string; body: string; label: string; run: () => Promise<unknown> } | null;

export function OrganisationUsers() {
  const t = useT(dict);
  const { language } = useLanguage();
  const fmt = useFormat();
  const rpc = useRpc();
  const users = useQuery('organisation.users.list', {});
  const sessions = useQuery('organisation.sessions.list', {});
  const devices = useQuery('organisation.devices.list', {});
  const [error, setError] = useState<unknown>(null);
  const [inviteRole, setInviteRole] = useState<Role>('operator');
  const [invitation, setInvitation] = useState<InvitationCreateResponse | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const roleOptions = roles.map((r) => ({ value: r, label: roleWord(r, language) }));
  const reload = () => {
    users.reload();
    sessions.reload();
    devices.reload();
  };
  const done = (p: Promise<unknown>) =>
    p.then(() => {
      setError(null);
      reload();
    }, setError);
  const loadError = users.error ?? sessions.error ?? devices.error;

  return (
    <Stack component="section" aria-labelledby="org-users-title">
      <Title order={3} id="org-users-title">
        {t('title')}
      </Title>
      <Text size="sm">{t('help')}</Text>
      {users.loading && !users.data && <Text size="sm">{t('loading')}</Text>}
      <ErrorAlert error={loadError ?? error} />
      <Table aria-labelledby="org-users-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('name')}</Table.Th>
            <Table.Th>{t('username')}</Table.Th>
            <Table.Th>{t('role')}</Table.Th>
            <Table.Th>{t('status')}</Table.Th>
            <Table.Th>{t('lastSignIn')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data?.users ?? []).map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>
                <Select
                  aria-label={t('roleLabel', { name: u.displayName })}
                  data={roleOptions}
                  value={u.role}
                  allowDeselect={false}
                  onChange={(v) => {
                    if (v && v !== u.role) void done(rpc.call('organisation.users.update', { id: u.id, change: { role: v as Role } }));
                  }}
                />
              </Table.Td>
              <Table.Td>
                <Badge color={u.disabled ? 'red' : 'green'} variant="light">
                  {u.disabled ? t('disabledWord') : t('active')}
                </Badge>
                {u.lockedUntil && <Text size="sm">{t('lockedUntil', { at: fmt.dateTime(u.lockedUntil) })}</Text>}
              </Table.Td>
              <Table.Td>{u.lastSignInAt ? fmt.dateTime(u.lastSignInAt) : t('never')}</Table.Td>
              <Table.Td>
                {u.disabled ? (
                  <Button
                    variant="default"
                    size="compact-sm"
                    aria-label={t('enableLabel', { name: u.displayName })}
                    onClick={() => void done(rpc.call('organisation.users.update', { id: u.id, change: { disabled: false } }))}
                  >
                    {t('enable')}
                  </Button>
                ) : (
                  <Button
                    variant="default"
                    color="red"
                    size="compact-sm"
                    aria-label={t('disableLabel', { name: u.displayName })}
                    onClick={() =>
                      setConfirm({
                        title: t('disableTitle', { name: u.displayName }),
                        body: t('disableBody', { name: u.displayName }),
                        label: t('disable'),
                        run: () => rpc.call('organisation.users.update', { id: u.id, change: { disabled: true } }),
                      })
                    }
                  >
                    {t('disable')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      <Stack gap="xs" component="section" aria-labelledby="invite-title">
        <Title order={4} id="invite-title">
          {t('inviteTitle')}
        </Title>
        <Text size="sm">{t('inviteHelp', { hours: INVITATION_HOURS })}</Text>
        <Group align="end">
          <Select
            label={t('role')}
            data={roleOptions}
            value={inviteRole}
            allowDeselect={false}
            onChange={(v) => v && setInviteRole(v as Role)}
          />
          <Button
            onClick={() =>
              void done(
                rpc.call('organisation.invitations.create', { role: inviteRole, expiresInHours: INVITATION_HOURS }).then(setInvitation),
              )
            }
          >
            {t('invite')}
          </Button>
        </Group>
        {invitation && (
          <Alert variant="light" color="blue" role="status">
            <Stack gap="xs">
              <Text size="sm">
                {t('inviteCreated', { role: roleWord(invitation.role, language), at: fmt.dateTime(invitation.expiresAt) })}
              </Text>
              {(
                [
                  ['code', invitation.code],
                  ['link', invitation.link],
                ] as const
              ).map(([what, value]) => (
                <CopyField key={what} label={t(what)} value={value} copy={t('copy')} copied={t('copied')} />
              ))}
            </Stack>
          </Alert>
        )}
      </Stack>

      <Title order={4} id="sessions-title">
        {t('sessionsTitle')}
      </Title>
      {sessions.data?.sessions.length === 0 && <Text size="sm">{t('sessionsEmpty')}</Text>}
      <Table aria-labelledby="sessions-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('name')}</Table.Th>
            <Table.Th>{t('device')}</Table.Th>
            <Table.Th>{t('since')}</Table.Th>
            <Table.Th>{t('lastUsed')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(sessions.data?.sessions ?? []).map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                {s.displayName} ({s.username})
              </Table.Td>
              <Table.Td>{s.deviceName}</Table.Td>
              <Table.Td>{fmt.dateTime(s.createdAt)}</Table.Td>
              <Table.Td>{fmt.dateTime(s.lastUsedAt)}</Table.Td>
              <Table.Td>
                <Button
                  variant="default"
                  size="compact-sm"
                  aria-label={t('revokeSession', { name: s.displayName, device: s.deviceName })}
                  onClick={() => void done(rpc.call('organisation.sessions.revoke', { id: s.id }))}
                >
                  {t('revoke')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      <Title order={4} id="devices-title">
        {t('devicesTitle')}
      </Title>
      <Table aria-labelledby="devices-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('device')}</Table.Th>
            <Table.Th>{t('since')}</Table.Th>
            <Table.Th>{t('lastSeen')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(devices.data?.devices ?? []).map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>{d.name}</Table.Td>
              <Table.Td>{fmt.dateTime(d.createdAt)}</Table.Td>
              <Table.Td>{d.lastSeenAt ? fmt.dateTime(d.lastSeenAt) : t('never')}</Table.Td>
              <Table.Td>
                {d.revokedAt ? (
                  <Text size="sm">{t('revoked', { at: fmt.dateTime(d.revokedAt) })}</Text>
                ) : (
                  <Button
                    variant="default"
                    color="red"
                    size="compact-sm"
                    aria-label={t('revokeDeviceLabel', { name: d.name })}
                    onClick={() =>
                      setConfirm({
                        title: t('revokeDeviceTitle', { name: d.name }),
                        body: t('revokeDeviceBody'),
                        label: t('revokeDevice'),
                        run: () => rpc.call('organisation.devices.revoke', { id: d.id }),
                      })
                    }
                  >
                    {t('revokeDevice')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ConfirmDialog
        opened={confirm !== null}
        title={confirm?.title ?? ''}
        confirmLabel={confirm?.label ?? ''}
        onClose={() => setConfirm(null)}
        onConfirm={() => (confirm ? confirm.run().then(reload) : Promise.resolve())}
      >
        <Text>{confirm?.body}</Text>
      </ConfirmDialog>
    </Stack>
  );
}
