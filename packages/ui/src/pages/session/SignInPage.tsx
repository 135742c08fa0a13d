// The sign-in page, which is also the lock screen: nobody signed in, or the console locked
// (after inactivity or on demand). On a locked console the same user unlocks with their
// password, or another operator signs in in their place (switching operator). A desktop on
// its own with no account yet creates its first administrator here. In demo mode the demo
// accounts and their passwords are shown, so the two-command start still gets you in. When
// the organisation asks for a second factor the one-time code field appears; someone invited
// to the organisation accepts the invitation here ("Har du en inbjudan?") and is signed in.
import { Alert, Button, Center, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { invitationCodeOf, passwordMinLength, type SessionState } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RpcError } from '../../rpc/client';
import { roleWord } from '../../components/labels';
import { useLanguage, useT, type Translate } from '../../i18n';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: {
    signIn: 'Logga in',
    locked: 'Konsolen är låst',
    lockedBy: 'Låst av {name}. Ange ditt lösenord för att fortsätta, eller logga in som en annan operatör.',
    username: 'Användarnamn',
    password: 'Lösenord',
    unlock: 'Lås upp',
    otherUser: 'Byt operatör',
    signOut: 'Logga ut {name}',
    organisation:
      'Du loggar in mot organisationen. Utan nät går det att logga in med samma lösenord i {days} dygn efter senaste inloggningen med nät.',
    local: 'Konton på den här datorn.',
    firstTitle: 'Skapa den första administratören',
    firstHelp:
      'Datorn har inga användare ännu. Den första blir administratör och kan sedan lägga till fler under Inställningar → Användare.',
    displayName: 'Namn',
    repeat: 'Lösenordet igen',
    mismatch: 'Lösenorden är inte lika.',
    tooShort: 'Lösenordet måste ha minst {n} tecken.',
    create: 'Skapa och logga in',
    demoTitle: 'Demokonton',
    demoHelp: 'Demoläge: logga in med något av de här kontona.',
    role: 'Roll',
    totp: 'Engångskod',
    totpHelp: 'Sex siffror från autentiseringsappen i din telefon.',
    haveInvitation: 'Har du en inbjudan?',
    inviteTitle: 'Tacka ja till en inbjudan',
    inviteHelp:
      'Klistra in koden eller länken du fick från organisationens administratör, och välj namn, användarnamn och lösenord. Du loggas sedan in.',
    code: 'Inbjudningskod eller länk',
    badCode: 'Det där är ingen inbjudningskod eller inbjudningslänk.',
    accept: 'Tacka ja och logga in',
    back: 'Tillbaka till inloggningen',
  },
  en: {
    signIn: 'Sign in',
    locked: 'The console is locked',
    lockedBy: 'Locked by {name}. Enter your password to go on, or sign in as another operator.',
    username: 'Username',
    password: 'Password',
    unlock: 'Unlock',
    otherUser: 'Switch operator',
    signOut: 'Sign out {name}',
    organisation:
      'You sign in at the organisation. Without a network the same password signs in for {days} days after the last sign-in with a network.',
    local: 'Accounts on this computer.',
    firstTitle: 'Create the first administrator',
    firstHelp: 'This computer has no users yet. The first becomes administrator and can then add more under Settings → Users.',
    displayName: 'Name',
    repeat: 'Password again',
    mismatch: 'The passwords differ.',
    tooShort: 'The password needs at least {n} characters.',
    create: 'Create and sign in',
    demoTitle: 'Demo accounts',
    demoHelp: 'Demo mode: sign in with one of these accounts.',
    role: 'Role',
    totp: 'One-time code',
    totpHelp: 'Six digits from the authenticator app on your phone.',
    haveInvitation: 'Have an invitation?',
    inviteTitle: 'Accept an invitation',
    inviteHelp:
      "Paste the code or link you got from the organisation's administrator, and choose a name, username and password. You are then signed in.",
    code: 'Invitation code or link',
    badCode: 'That is not an invitation code or link.',
    accept: 'Accept and sign in',
    back: 'Back to signing in',
  },
};

const asksForTotp = (e: unknown) => e instanceof RpcError && e.refusal?.code === 'auth.totp-required';

export function SignInPage({ state }: { state: SessionState }) {
  const t = useT(dict);
  const { language } = useLanguage();
  const rpc = useRpc();
  const lockedUser = state.locked ? state.user : null;
  const [switching, setSwitching] = useState(false);
  const [username, setUsername] = useState(lockedUser?.username ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [totp, setTotp] = useState<string | null>(null);
  const [accepting, setAccepting] = useState(false);
  const unlocking = lockedUser !== null && !switching;

  if (state.needsFirstAdmin) return <FirstAdmin />;
  if (accepting) return <AcceptInvitation onBack={() => setAccepting(false)} />;

  const submit = () => {
    setBusy(true);
    const who = unlocking ? lockedUser.username : username;
    rpc.call('session.signIn', { username: who, password, ...(totp ? { totp } : {}) }).then(
      () => {
        setError(null);
        setPassword('');
        setTotp(null);
        setBusy(false);
      },
      (e: unknown) => {
        // The organisation asks for the second factor: the code field appears, no error shown.
        if (asksForTotp(e) && totp === null) {
          setTotp('');
          setError(null);
        } else setError(e);
        setBusy(false);
      },
    );
  };

  return (
    <Center mih="70vh">
      {/* Wide enough for the demo accounts' table (username, password, role) without cutting the role off. */}
      <Paper withBorder p="xl" w={state.demoAccounts.length > 0 ? 560 : 460} maw="100%" component="section" aria-labelledby="signin-title">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack>
            <Title order={2} id="signin-title">
              {lockedUser ? t('locked') : t('signIn')}
            </Title>
            {lockedUser && <Text>{t('lockedBy', { name: lockedUser.displayName })}</Text>}
            {!lockedUser && (
              <Text size="sm">{state.accounts === 'organisation' ? t('organisation', { days: state.offlineDays }) : t('local')}</Text>
            )}
            {!unlocking && (
              <TextInput
                label={t('username')}
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                autoComplete="username"
                required
                autoFocus
              />
            )}
            <PasswordInput
              label={t('password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
              required
              autoFocus={unlocking}
            />
            {totp !== null && (
              <TextInput
                label={t('totp')}
                description={t('totpHelp')}
                value={totp}
                onChange={(e) => setTotp(e.currentTarget.value)}
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                autoFocus
              />
            )}
            <ErrorAlert error={error} />
            <Button type="submit" loading={busy}>
              {unlocking ? t('unlock') : t('signIn')}
            </Button>
            {lockedUser && (
              <>
                {unlocking && (
                  <Button
                    variant="default"
                    onClick={() => {
                      setSwitching(true);
                      setUsername('');
                      setPassword('');
                      setError(null);
                    }}
                  >
                    {t('otherUser')}
                  </Button>
                )}
                <Button variant="default" onClick={() => void rpc.call('session.signOut', {}).then(() => setSwitching(false), setError)}>
                  {t('signOut', { name: lockedUser.displayName })}
                </Button>
              </>
            )}
            {!lockedUser && state.accounts === 'organisation' && (
              <Button variant="subtle" onClick={() => setAccepting(true)}>
                {t('haveInvitation')}
              </Button>
            )}
          </Stack>
        </form>
        {state.demoAccounts.length > 0 && (
          <Alert mt="lg" variant="light" title={t('demoTitle')}>
            <Text size="sm">{t('demoHelp')}</Text>
            <Table mt="xs" aria-label={t('demoTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('username')}</Table.Th>
                  <Table.Th>{t('password')}</Table.Th>
                  <Table.Th>{t('role')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {state.demoAccounts.map((a) => (
                  <Table.Tr key={a.username}>
                    <Table.Td>{a.username}</Table.Td>
                    <Table.Td>
                      <code style={{ whiteSpace: 'nowrap' }}>{a.password}</code>
                    </Table.Td>
                    <Table.Td>{roleWord(a.role, language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        )}
      </Paper>
    </Center>
  );
}

type AccountForm = { username: string; displayName: string; password: string; repeat: string };

/** What is wrong with a new password (too short, or typed differently twice), or null. */
function passwordProblem(form: AccountForm, t: Translate<keyof (typeof dict)['sv']>): string | null {
  if (form.password.length < passwordMinLength) return t('tooShort', { n: passwordMinLength });
  return form.password === form.repeat ? null : t('mismatch');
}

/** Name, username and the new password twice: the first administrator's and an invited user's. */
function NewAccountFields({
  form,
  set,
  problem,
  autoFocus = false,
}: {
  form: AccountForm;
  set: (k: keyof AccountForm) => (e: React.ChangeEvent<HTMLInputElement>) => void;
  problem: string | null;
  autoFocus?: boolean;
}) {
  const t = useT(dict);
  return (
    <>
      <TextInput label={t('displayName')} value={form.displayName} onChange={set('displayName')} required autoFocus={autoFocus} />
      <TextInput label={t('username')} value={form.username} onChange={set('username')} autoComplete="username" required />
      <PasswordInput label={t('password')} value={form.password} onChange={set('password')} autoComplete="new-password" required />
      <PasswordInput
        label={t('repeat')}
        value={form.repeat}
        onChange={set('repeat')}
        autoComplete="new-password"
        required
        error={problem}
      />
    </>
  );
}

/** Accepting an invitation to the organisation, then signing in with the new account. */
function AcceptInvitation({ onBack }: { onBack: () => void }) {
  const t = useT(dict);
  const rpc = useRpc();
  const [form, setForm] = useState({ code: '', username: '', displayName: '', password: '', repeat: '' });
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<{ field: 'code' | 'repeat'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // An edit clears what the last try said about the form.
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setProblem(null);
    setForm({ ...form, [k]: e.currentTarget.value });
  };
  const submit = () => {
    const code = invitationCodeOf(form.code);
    if (!code) return setProblem({ field: 'code', text: t('badCode') });
    const weak = passwordProblem(form, t);
    if (weak) return setProblem({ field: 'repeat', text: weak });
    setProblem(null);
    setBusy(true);
    const account = { username: form.username.trim().toLowerCase(), password: form.password };
    rpc
      .call('session.acceptInvitation', { code, displayName: form.displayName, ...account })
      .then(() => rpc.call('session.signIn', account))
      .then(
        () => setBusy(false),
        (e: unknown) => {
          setError(e);
          setBusy(false);
        },
      );
  };
  return (
    <Center mih="70vh">
      <Paper withBorder p="xl" w={460} component="section" aria-labelledby="invite-title">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack>
            <Title order={2} id="invite-title">
              {t('inviteTitle')}
            </Title>
            <Text size="sm">{t('inviteHelp')}</Text>
            <TextInput
              label={t('code')}
              value={form.code}
              onChange={set('code')}
              required
              autoFocus
              error={problem?.field === 'code' ? problem.text : null}
            />
            <NewAccountFields form={form} set={set} problem={problem?.field === 'repeat' ? problem.text : null} />
            <ErrorAlert error={error} />
            <Button type="submit" loading={busy}>
              {t('accept')}
            </Button>
            <Button variant="subtle" onClick={onBack}>
              {t('back')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

function FirstAdmin() {
  const t = useT(dict);
  const rpc = useRpc();
  const [form, setForm] = useState({ username: '', displayName: '', password: '', repeat: '' });
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value });
  return (
    <Center mih="70vh">
      <Paper withBorder p="xl" w={460} component="section" aria-labelledby="first-title">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const weak = passwordProblem(form, t);
            setProblem(weak);
            if (weak) return;
            rpc
              .call('session.createFirstAdmin', { username: form.username, displayName: form.displayName, password: form.password })
              .then(() => setError(null), setError);
          }}
        >
          <Stack>
            <Title order={2} id="first-title">
              {t('firstTitle')}
            </Title>
            <Text size="sm">{t('firstHelp')}</Text>
            <NewAccountFields form={form} set={set} problem={problem} autoFocus />
            <ErrorAlert error={error} />
            <Button type="submit">{t('create')}</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
