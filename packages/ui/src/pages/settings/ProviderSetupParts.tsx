// The pieces the providers-and-relay section is built from: a provider's switchable
// fieldset, a secret field that says whether a value is saved (and can forget it), and the
// explanation shown instead of the form when this host cannot keep secrets.
import { Alert, Badge, Button, Fieldset, Group, PasswordInput, SimpleGrid, Stack, Switch, Table, Text } from '@mantine/core';
import { useId, type ReactNode } from 'react';
import type { ConnectivitySetup } from '@gdial/protocol';
import { environmentVariables, type SecretDraft } from './providerSetupForm';
import { providerNames, type Key } from './providerSetupWords';

export function ProviderFieldset(props: {
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

export function SecretField(props: {
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

export function ReadOnlyExplanation({
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
    const group = field.split('.')[0] ?? '';
    return `${group === 'relay' ? t('relay') : ((providerNames as Record<string, string>)[group] ?? t(group as Key))} · ${t(field)}`;
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
