// Settings → Säkerhetskopior: the database's backups (made on a schedule, before every
// upgrade and on request, each checked before it counts), a backup now, and restoring one
// after a confirmation that says what is replaced and that the current database is backed
// up first. When the engine runs on the restored database the whole console reloads.
import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { BackupInfo, BackupReason } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/useNotify';
import { useFormat, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'Säkerhetskopior',
    intro:
      'GDial kopierar databasen var {h}:e timme, före varje uppgradering och när du ber om det. Varje kopia kontrolleras innan den räknas och krypteras med samma nyckel som databasen. De {n} senaste sparas i {dir}.',
    introPlain: 'Databasen är inte krypterad på den här datorn, och därför inte heller kopiorna.',
    now: 'Gör en säkerhetskopia nu',
    made: 'Säkerhetskopian {name} är gjord och kontrollerad.',
    table: 'Säkerhetskopior',
    when: 'Gjord',
    why: 'Anledning',
    size: 'Storlek',
    actions: 'Åtgärd',
    restore: 'Återställ',
    restoreLabel: 'Återställ säkerhetskopian från {when}',
    restoreTitle: 'Återställ säkerhetskopian från {when}?',
    restoreBody:
      'Databasen ersätts med kopian från {when}. Allt som ändrats efter det – kontakter, larm, svar – försvinner ur databasen. Den nuvarande databasen sparas först som en egen säkerhetskopia, så återställningen kan ångras. GDial startar om på kopian; pågående larm pausas under tiden.',
    restoreConfirm: 'Återställ kopian',
    restoring: 'Återställer databasen från {name}…',
    empty: 'Inga säkerhetskopior ännu.',
    failed: 'Senaste säkerhetskopieringen misslyckades {when}: {message}',
    encrypted: 'Krypterad',
    r_scheduled: 'Schemalagd',
    r_manual: 'Manuell',
    'r_pre-migration': 'Före uppgradering',
    'r_pre-restore': 'Före återställning',
  },
  en: {
    title: 'Backups',
    intro:
      'GDial copies the database every {h} hours, before every upgrade and when you ask. Each copy is checked before it counts and encrypted with the same key as the database. The latest {n} are kept in {dir}.',
    introPlain: 'The database is not encrypted on this computer, so neither are the copies.',
    now: 'Make a backup now',
    made: 'Backup {name} made and checked.',
    table: 'Backups',
    when: 'Made',
    why: 'Reason',
    size: 'Size',
    actions: 'Action',
    restore: 'Restore',
    restoreLabel: 'Restore the backup from {when}',
    restoreTitle: 'Restore the backup from {when}?',
    restoreBody:
      'The database is replaced by the copy from {when}. Everything changed since – contacts, alerts, replies – leaves the database. The current database is saved first as a backup of its own, so the restore can be undone. GDial restarts on the copy; running alerts pause meanwhile.',
    restoreConfirm: 'Restore the copy',
    restoring: 'Restoring the database from {name}…',
    empty: 'No backups yet.',
    failed: 'The last backup failed {when}: {message}',
    encrypted: 'Encrypted',
    r_scheduled: 'Scheduled',
    r_manual: 'Manual',
    'r_pre-migration': 'Before upgrade',
    'r_pre-restore': 'Before restore',
  },
};

const reasonKey = (r: BackupReason) => `r_${r}` as const;

export function BackupsSection() {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const notify = useNotify();
  const list = useQuery('backups.list', {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);
  useEvent('backups.changed', () => list.reload());
  // The engine runs on the restored database: everything the console shows is reloaded.
  useEvent('system.restored', () => window.location.reload());

  const makeNow = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('backups.create', {})
      .then((b) => {
        notify.done(t('made', { name: b.name }));
        list.reload();
      }, setError)
      .finally(() => setBusy(false));
  };
  const data = list.data;
  const encrypted = data?.backups[0]?.encrypted ?? true;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="backups-title">
      <Stack>
        <Title order={3} id="backups-title">
          {t('title')}
        </Title>
        {data && (
          <Text size="sm">
            {t('intro', { h: data.intervalHours, n: data.keep, dir: data.directory })}
            {!encrypted && ` ${t('introPlain')}`}
          </Text>
        )}
        {data?.lastFailure && (
          <Text c="red" role="alert">
            {t('failed', { when: f.dateTime(data.lastFailure.at), message: data.lastFailure.message })}
          </Text>
        )}
        <Group>
          <Button onClick={makeNow} loading={busy}>
            {t('now')}
          </Button>
        </Group>
        <ErrorAlert error={error ?? list.error} />
        {data && data.backups.length === 0 ? (
          <Text c="dimmed">{t('empty')}</Text>
        ) : (
          <Table aria-label={t('table')} verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('when')}</Table.Th>
                <Table.Th>{t('why')}</Table.Th>
                <Table.Th>{t('size')}</Table.Th>
                <Table.Th>{t('actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(data?.backups ?? []).map((b) => (
                <Table.Tr key={b.name}>
                  <Table.Td>{f.dateTime(b.createdAt)}</Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Badge variant="light" color="gray">
                        {t(reasonKey(b.reason))}
                      </Badge>
                      {b.encrypted && (
                        <Badge variant="light" color="green">
                          {t('encrypted')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{`${Math.max(1, Math.round(b.bytes / 1024))} kB`}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="red"
                      aria-label={t('restoreLabel', { when: f.dateTime(b.createdAt) })}
                      onClick={() => setRestoring(b)}
                    >
                      {t('restore')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <ConfirmDialog
        opened={restoring !== null}
        title={restoring ? t('restoreTitle', { when: f.dateTime(restoring.createdAt) }) : ''}
        confirmLabel={t('restoreConfirm')}
        onClose={() => setRestoring(null)}
        onConfirm={async () => {
          if (!restoring) return;
          await rpc.call('backups.restore', { name: restoring.name });
          notify.done(t('restoring', { name: restoring.name }));
        }}
      >
        {restoring && <Text>{t('restoreBody', { when: f.dateTime(restoring.createdAt) })}</Text>}
      </ConfirmDialog>
    </Paper>
  );
}
