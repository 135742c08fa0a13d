// The console's frame: navigation, connection state, demo banner, and the current page.
import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo } from 'react';
import { AlertSounds } from './components/AlertSounds';
import { ApprovalNotifier } from './components/ApprovalNotifier';
import { EngineBanner, useDesktopBridge } from './components/DesktopBridge';
import { PageFrame } from './components/PageFrame';
import { useLanguage, useT } from './i18n';
import { HealthCentre } from './pages/health/HealthAlerts';
import { NotificationBell } from './pages/notifications/NotificationBell';
import { pages } from './pages/registry';
import { SignInPage } from './pages/session/SignInPage';
import { UserBadge } from './pages/session/UserBadge';
import { navigate, useRoute } from './router';
import { useConnectionState, useQuery } from './rpc/react';
import { useSession } from './session';

const dict = {
  sv: {
    nav: 'Huvudmeny',
    connected: 'Ansluten till motorn',
    connecting: 'Ansluter…',
    closed: 'Ingen kontakt med motorn',
    demo: 'DEMO — simulerad leverantör. Inga riktiga samtal eller meddelanden skickas.',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    toggleNav: 'Visa eller dölj menyn',
  },
  en: {
    nav: 'Main menu',
    connected: 'Connected to the engine',
    connecting: 'Connecting…',
    closed: 'No contact with the engine',
    demo: 'DEMO — simulated provider. No real calls or messages are sent.',
    switchLang: 'Svenska',
    switchLangLabel: 'Byt till svenska',
    toggleNav: 'Show or hide the menu',
  },
};

export function App() {
  const t = useT(dict);
  const { language, setLanguage } = useLanguage();
  const [opened, { toggle }] = useDisclosure();
  const route = useRoute();
  const connection = useConnectionState();
  const info = useQuery('system.info', {}, { enabled: connection === 'open' });
  const current = pages.find((p) => p.id === route.page) ?? pages[0]!;
  const Page = current.component;
  // The page is drawn again when the route changes, not with every change of the frame (the
  // connection, the engine's info, the session's arrival): on a big page such as the contact
  // list each of those cost a redraw of the whole page while it was opening.
  const page = useMemo(
    () => (
      <PageFrame page={current.id}>
        <Page route={route} />
      </PageFrame>
    ),
    [current.id, Page, route],
  );
  const demo = info.data?.demo ?? false;
  const engineNotice = useDesktopBridge();
  const session = useSession().state;
  // Nobody signed in, or locked: the sign-in page (the lock screen) instead of the page.
  const gate = session && (session.user === null || session.locked) ? session : null;

  return (
    <AppShell header={{ height: demo ? 84 : 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        {demo && (
          // Darker than orange.9 (#d9480f, 4.3:1 with white): AA needs 4.5:1.
          <Text role="status" bg="#b8400b" c="white" fw={700} ta="center" py={4}>
            {t('demo')}
          </Text>
        )}
        <Group h={56} px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('toggleNav')} />
            <Title order={1} size="h3">
              GDial
            </Title>
          </Group>
          <Group>
            {session && !gate && connection === 'open' && <NotificationBell />}
            {session && !gate && connection === 'open' && <HealthCentre />}
            {session && !gate && connection === 'open' && <AlertSounds />}
            <UserBadge />
            <Badge
              role="status"
              size="lg"
              // Shades that keep white text at AA contrast (green.9 is 4.4:1, yellow.9 far less).
              color={connection === 'open' ? '#1f6f31' : connection === 'connecting' ? '#8a5a00' : '#b02525'}
              variant="filled"
            >
              {t(connection === 'open' ? 'connected' : connection)}
            </Badge>
            <Button
              // Default, not subtle: subtle's blue on its pale hover tint is 4.3:1.
              variant="default"
              size="compact-sm"
              aria-label={t('switchLangLabel')}
              onClick={() => setLanguage(language === 'sv' ? 'en' : 'sv')}
            >
              {t('switchLang')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav')}>
        <ScrollArea>
          {pages.map((p) => (
            <NavLink
              key={p.id}
              href={`#/${p.id}`}
              label={p.label[language]}
              active={p.id === current.id}
              // Filled: the light variant's blue on pale blue is 4.4:1.
              variant="filled"
              aria-current={p.id === current.id ? 'page' : undefined}
              // The page's code is fetched as the pointer or the focus reaches its link.
              onPointerEnter={() => void p.preload().catch(() => {})}
              onFocus={() => void p.preload().catch(() => {})}
              onClick={(e) => {
                e.preventDefault();
                navigate(p.id);
              }}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <EngineBanner notice={engineNotice} />
        <ApprovalNotifier />
        {gate ? <SignInPage state={gate} /> : page}
      </AppShell.Main>
    </AppShell>
  );
}
