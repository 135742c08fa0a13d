// The header's account corner: who is signed in and in which role, and the buttons to
// lock the console now or switch operator (both lock; the lock screen takes the next
// sign-in) and to sign out.
import { Badge, Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { roleWord } from '../../components/labels';
import { useLanguage, useT } from '../../i18n';
import { useRpc } from '../../rpc/react';
import { useSession } from '../../session';

const dict = {
  sv: { lock: 'Lås', lockLabel: 'Lås konsolen nu', signOut: 'Logga ut', signedIn: 'Inloggad: {name}, {role}', offline: 'utan nät' },
  en: { lock: 'Lock', lockLabel: 'Lock the console now', signOut: 'Sign out', signedIn: 'Signed in: {name}, {role}', offline: 'offline' },
};

export function UserBadge() {
  const t = useT(dict);
  const { language } = useLanguage();
  const rpc = useRpc();
  const { state } = useSession();
  const [error, setError] = useState<unknown>(null);
  const user = state?.user;
  if (!user || state.locked) return null;
  const role = roleWord(user.role, language);
  return (
    <Group gap="xs" wrap="nowrap" aria-label={t('signedIn', { name: user.displayName, role })} role="group">
      <Text fw={600} size="sm" data-testid="signed-in-user">
        {user.displayName}
      </Text>
      <Badge variant="outline" color="gray" size="md">
        {role}
        {state.via === 'offline' ? ` · ${t('offline')}` : ''}
      </Badge>
      <Button
        variant="default"
        size="compact-sm"
        aria-label={t('lockLabel')}
        onClick={() => void rpc.call('session.lock', {}).then(() => setError(null), setError)}
      >
        {t('lock')}
      </Button>
      <Button variant="default" size="compact-sm" onClick={() => void rpc.call('session.signOut', {}).then(() => setError(null), setError)}>
        {t('signOut')}
      </Button>
      <ErrorAlert error={error} />
    </Group>
  );
}
