// The desktop app's engine state as a banner, and gdial:// links followed; renders nothing
// in the browser host (no window.gdial).
import { Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useFormat, useT } from '../i18n';
import { navigate } from '../router';
import { deepLinkTarget, engineNotice, type DesktopEvents, type EngineNotice, type OfferedBackup } from './desktopBridge';

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
    unreadable:
      'GDial kan inte läsa databasen och har inte startat med en tom. Återställ den senaste hela säkerhetskopian; det som ändrats efter den finns inte med.',
    restoreLatest: 'Återställ senaste säkerhetskopia',
    backups: 'Säkerhetskopior',
    made: 'Gjord',
    check: 'Kontroll',
    action: 'Åtgärd',
    intact: 'Hel',
    damaged: 'Skadad – kan inte användas',
    restoreThis: 'Återställ den här',
    restoreLabel: 'Återställ kopian från {when}',
    restoring: 'Återställer och startar om motorn…',
    refused: 'Återställningen kunde inte påbörjas. Avsluta och starta GDial igen.',
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
    unreadable:
      'GDial cannot read the database and has not started with an empty one. Restore the latest whole backup; what changed after it is not in it.',
    restoreLatest: 'Restore the latest backup',
    backups: 'Backups',
    made: 'Made',
    check: 'Check',
    action: 'Action',
    intact: 'Whole',
    damaged: 'Damaged – cannot be used',
    restoreThis: 'Restore this one',
    restoreLabel: 'Restore the copy from {when}',
    restoring: 'Restoring and restarting the engine…',
    refused: 'The restore could not begin. Quit and start GDial again.',
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

/**
 * The engine could not read its database: the backups it offers, each with when it was made
 * and whether it is whole, and a restore of the newest whole one (or a chosen one). Once the
 * engine runs on it the console reloads, so nothing shown is from before.
 */
function RestoreFromBackup({ backups, running }: { backups: OfferedBackup[]; running: boolean }) {
  const t = useT(dict);
  const f = useFormat();
  const [restoring, setRestoring] = useState(false);
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    if (restoring && running) window.location.reload();
  }, [restoring, running]);
  const restore = (name: string) => {
    setRefused(false);
    setRestoring(true);
    void (window.gdial?.restoreBackup?.(name) ?? Promise.resolve(false)).then((ok) => {
      if (!ok) {
        setRestoring(false);
        setRefused(true);
      }
    });
  };
  const latest = backups.find((b) => b.intact);
  return (
    <Paper withBorder p="md" mb="md" component="section" aria-label={t('backups')}>
      <Stack gap="sm">
        <Text fw={700}>{t('unreadable')}</Text>
        {latest && (
          <Group>
            <Button color="#b02525" onClick={() => restore(latest.name)} loading={restoring}>
              {t('restoreLatest')}
            </Button>
          </Group>
        )}
        {restoring && <Text role="status">{t('restoring')}</Text>}
        {refused && <Text role="alert">{t('refused')}</Text>}
        <Table aria-label={t('backups')} verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('made')}</Table.Th>
              <Table.Th>{t('check')}</Table.Th>
              <Table.Th>{t('action')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {backups.map((b) => (
              <Table.Tr key={b.name}>
                <Table.Td>{f.dateTime(b.createdAt)}</Table.Td>
                <Table.Td>{t(b.intact ? 'intact' : 'damaged')}</Table.Td>
                <Table.Td>
                  {b.intact && (
                    <Button
                      size="compact-sm"
                      variant="default"
                      disabled={restoring}
                      aria-label={t('restoreLabel', { when: f.dateTime(b.createdAt) })}
                      onClick={() => restore(b.name)}
                    >
                      {t('restoreThis')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}

export function EngineBanner({ notice }: { notice: EngineNotice }) {
  const t = useT(dict);
  // Kept across the restart it starts, so the console can reload once the engine runs on the backup.
  const [offered, setOffered] = useState<OfferedBackup[]>([]);
  const offers = notice.kind === 'failed' ? notice.backups : null;
  useEffect(() => {
    if (offers && offers.length > 0) setOffered(offers);
  }, [offers]);
  if (offered.length > 0) return <RestoreFromBackup backups={offered} running={notice.kind === 'none' || notice.kind === 'recovered'} />;
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
