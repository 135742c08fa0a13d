// The desktop app's engine state as a banner, and gdial:// links followed; renders nothing
// in the browser host (no window.gdial).
import { Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { navigate } from '../router';
import { deepLinkTarget, engineNotice, type DesktopEvents, type EngineNotice } from './desktopBridge';

const dict = {
  sv: {
    restarting:
      'Motorn stannade ({cause}) och startas om automatiskt (försök {n}). Pågående larm fortsätter när den är igång; inget du behöver göra.',
    crashed: 'avslutades oväntat',
    crashedCode: 'avslutades med kod {code}',
    'no-answer': 'svarade inte',
    'start-timeout': 'startade inte i tid',
    recovered: 'Motorn är igång igen. Kontrollera pågående larm på översikten.',
    tooMany:
      'Motorn har stannat {n} gånger på kort tid och startas inte om. Avsluta och starta GDial igen; kvarstår felet, skicka loggfilerna till IT.',
    startFailed: 'Motorn kunde inte startas: {message} Avsluta och starta GDial igen; kvarstår felet, kontakta IT.',
  },
  en: {
    restarting:
      'The engine stopped ({cause}) and is restarting automatically (attempt {n}). Running alerts continue once it is up; nothing for you to do.',
    crashed: 'exited unexpectedly',
    crashedCode: 'exited with code {code}',
    'no-answer': 'stopped answering',
    'start-timeout': 'did not start in time',
    recovered: 'The engine is running again. Check running alerts on the dashboard.',
    tooMany:
      'The engine stopped {n} times in a short while and is not restarted again. Quit and start GDial again; if it persists, send the log files to IT.',
    startFailed: 'The engine could not start: {message} Quit and start GDial again; if it persists, contact IT.',
  },
};

/** Follows the desktop app's engine state and links; the banner text, or null for none. */
export function useDesktopBridge(
  bridge: Partial<DesktopEvents> | undefined = typeof window === 'undefined' ? undefined : window.gdial,
): EngineNotice {
  const [notice, setNotice] = useState<EngineNotice>({ kind: 'none' });
  useEffect(() => {
    if (!bridge?.onEngineStatus || !bridge.onDeepLink) return;
    const offStatus = bridge.onEngineStatus((s) => setNotice((prev) => engineNotice(s, prev)));
    const offLink = bridge.onDeepLink((r) => {
      const target = deepLinkTarget(r);
      if (target) navigate(target.page, ...target.params);
    });
    return () => {
      offStatus();
      offLink();
    };
  }, [bridge]);
  // "Running again" is news for a while, not forever.
  useEffect(() => {
    if (notice.kind !== 'recovered') return;
    const timer = setTimeout(() => setNotice({ kind: 'none' }), 60_000);
    return () => clearTimeout(timer);
  }, [notice]);
  return notice;
}

export function EngineBanner({ notice }: { notice: EngineNotice }) {
  const t = useT(dict);
  if (notice.kind === 'none') return null;
  let text: string;
  let bg: string;
  switch (notice.kind) {
    case 'restarting':
      text = t('restarting', {
        n: notice.attempt,
        cause: notice.exitCode !== null ? t('crashedCode', { code: notice.exitCode }) : t(notice.cause),
      });
      bg = 'orange.9';
      break;
    case 'recovered':
      text = t('recovered');
      bg = 'green.9';
      break;
    case 'failed':
      text =
        notice.why === 'too-many-crashes' ? t('tooMany', { n: notice.crashes ?? 0 }) : t('startFailed', { message: notice.message ?? '' });
      bg = 'red.9';
      break;
    default: {
      const never: never = notice;
      return never;
    }
  }
  return (
    <Text
      role={notice.kind === 'failed' ? 'alert' : 'status'}
      bg={bg}
      c="white"
      fw={700}
      py={8}
      px="md"
      mb="md"
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    >
      {text}
    </Text>
  );
}
