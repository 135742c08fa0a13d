// Settings: what the operator owns on this workstation (language, theme, operator name),
// the relay and providers as the engine sees them and where they are set up, and the
// engine's voices, the opt-out list and the prices the cost estimate uses. Each larger section lives in its own file under settings/.
import { Button, Group, SegmentedControl, Stack, Text, TextInput, Title, useMantineColorScheme } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../components/ErrorAlert';
import { useLanguage, useT, type Language } from '../i18n';
import { useQuery, useRpc } from '../rpc/react';
import { ConnectivitySection } from './settings/ConnectivitySection';
import { ProviderSetupSection } from './settings/ProviderSetupSection';
import { VoicesSection } from './settings/VoicesSection';
import { OptOutsSection } from './settings/OptOutsSection';
import { PriceTableSection } from './settings/PriceTableSection';
import { OrganisationSection } from './settings/OrganisationSection';
import { ApprovalRuleSection } from './settings/ApprovalRuleSection';
import { BackupsSection } from './settings/BackupsSection';
import { HealthSection } from './settings/HealthSection';
import { UsersSection } from './settings/UsersSection';
import { ApiKeysSection } from './settings/ApiKeysSection';
import { WebhooksSection } from './settings/WebhooksSection';
import { AiSection } from './settings/AiSection';
import { useSession } from '../session';
import { pageScope } from '../components/pageScope';

const dict = {
  sv: {
    title: 'Inställningar',
    language: 'Språk',
    theme: 'Utseende',
    light: 'Ljust',
    dark: 'Mörkt',
    auto: 'Som datorn',
    operator: 'Operatörens namn',
    operatorHelp: 'Står i händelseloggen för allt du gör.',
    save: 'Spara namn',
    saved: 'Sparat.',
    data: 'Databas',
    version: 'Version',
  },
  en: {
    title: 'Settings',
    language: 'Language',
    theme: 'Appearance',
    light: 'Light',
    dark: 'Dark',
    auto: 'Follow the computer',
    operator: "Operator's name",
    operatorHelp: 'Recorded in the audit log for everything you do.',
    save: 'Save name',
    saved: 'Saved.',
    data: 'Database',
    version: 'Version',
  },
};

export function SettingsPage() {
  const t = useT(dict);
  const rpc = useRpc();
  const { language, setLanguage } = useLanguage();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const info = useQuery('system.info', {});
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const session = useSession();
  useEffect(() => {
    if (info.data) setName(info.data.operator);
  }, [info.data]);

  return (
    <Stack maw={960} className={pageScope}>
      <Title order={2}>{t('title')}</Title>
      <Stack maw={560}>
        <Stack gap={4}>
          <Text fw={600} id="lang-label">
            {t('language')}
          </Text>
          <SegmentedControl
            aria-labelledby="lang-label"
            value={language}
            onChange={(v) => setLanguage(v as Language)}
            data={[
              { value: 'sv', label: 'Svenska' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Stack>
        <Stack gap={4}>
          <Text fw={600} id="theme-label">
            {t('theme')}
          </Text>
          <SegmentedControl
            aria-labelledby="theme-label"
            value={colorScheme}
            onChange={(v) => setColorScheme(v as 'light' | 'dark' | 'auto')}
            data={[
              { value: 'light', label: t('light') },
              { value: 'dark', label: t('dark') },
              { value: 'auto', label: t('auto') },
            ]}
          />
        </Stack>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            rpc.call('system.setOperator', { name }).then(() => {
              setError(null);
              setSaved(true);
              info.reload();
              session.refresh();
            }, setError);
          }}
        >
          <Group align="end">
            <TextInput
              label={t('operator')}
              description={t('operatorHelp')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit">{t('save')}</Button>
          </Group>
          {saved && (
            <Text c="green" mt={4} role="status">
              {t('saved')}
            </Text>
          )}
        </form>
        <ErrorAlert error={error} />
        {info.data && (
          <Text size="sm" c="dimmed">
            {t('version')} {info.data.version} · {t('data')}: {info.data.databasePath}
          </Text>
        )}
      </Stack>
      <ConnectivitySection />
      <ProviderSetupSection />
      <OrganisationSection />
      <ApprovalRuleSection />
      <UsersSection />
      <ApiKeysSection />
      <WebhooksSection />
      <VoicesSection />
      <OptOutsSection />
      <PriceTableSection />
      <AiSection />
      <BackupsSection />
      <HealthSection />
    </Stack>
  );
}
