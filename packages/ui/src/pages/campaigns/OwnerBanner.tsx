// Who runs an alert that another workstation of the organisation dispatches. While it
// renews its lease the alert is shown live here and only that workstation sends and changes
// it; when it stops answering, the banner turns red and offers "Ta över": this workstation
// then checks with the provider what was in flight and sends the rest.
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AlertOwner } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useFormat, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';

/** How often a remote alert's owner is looked at again (the engine learns it from the relay every 5 s). */
const REFRESH_MS = 5_000;

const dict = {
  sv: {
    remote: 'Larmet sköts av {o}',
    remoteBody: 'Här visas det live. Bara {o} skickar och kan pausa, ändra eller stoppa det.',
    silent: 'Larmet sköts av {o} som inte svarar',
    silentBody:
      '{o} slutade svara {t}. Ingen skickar larmet nu. Ta över det här: den här arbetsplatsen frågar först leverantören vad som var på väg ut och skickar sedan resten.',
    take: 'Ta över',
    confirmTitle: 'Ta över larmet?',
    confirmBody:
      'Den här arbetsplatsen skickar resten av larmet. Det som {o} hade på väg ut kontrolleras hos leverantören; den som kan ha fått ett utskick två gånger märks i rollcallen.',
  },
  en: {
    remote: 'The alert is run by {o}',
    remoteBody: 'It is shown live here. Only {o} sends it and can pause, change or stop it.',
    silent: 'The alert is run by {o}, which does not answer',
    silentBody:
      '{o} stopped answering at {t}. Nobody is sending the alert now. Take it over here: this workstation first checks with the provider what was on its way out, then sends the rest.',
    take: 'Take over',
    confirmTitle: 'Take the alert over?',
    confirmBody:
      'This workstation sends the rest of the alert. What {o} had on its way out is checked with the provider; anyone who may have been sent a message twice is marked in the roll-call.',
  },
};

/** Who runs the alert, kept current (events when it changes hands, a refresh while it is remote). */
export function useAlertOwner(campaignId: number): AlertOwner | undefined {
  const q = useQuery('sync.alertOwner', { campaignId });
  const { reload } = q;
  useEvent('sync.alertOwner', (e) => {
    if (e.campaignIds.includes(campaignId)) reload();
  });
  const remote = q.data?.remote === true;
  useEffect(() => {
    if (!remote) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [remote, reload]);
  return q.data;
}

export function OwnerBanner({ campaignId, owner, onTaken }: { campaignId: number; owner: AlertOwner | undefined; onTaken: () => void }) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const [confirming, setConfirming] = useState(false);
  if (!owner?.remote) return null;
  const o = owner.ownerName ?? owner.owner ?? '?';
  return (
    <>
      {owner.answering ? (
        <Alert color="blue" title={t('remote', { o })}>
          <Text size="sm">{t('remoteBody', { o })}</Text>
        </Alert>
      ) : (
        <Alert color="red" role="alert" title={t('silent', { o })}>
          <Stack gap="xs">
            <Text size="sm">{t('silentBody', { o, t: owner.expiresAt ? f.dateTime(owner.expiresAt) : '?' })}</Text>
            <Group>
              <Button color="red" onClick={() => setConfirming(true)}>
                {t('take')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <ConfirmDialog
        opened={confirming}
        title={t('confirmTitle')}
        confirmLabel={t('take')}
        onClose={() => setConfirming(false)}
        onConfirm={() => rpc.call('sync.takeOver', { campaignId }).then(onTaken)}
      >
        <Text size="sm">{t('confirmBody', { o })}</Text>
      </ConfirmDialog>
    </>
  );
}
