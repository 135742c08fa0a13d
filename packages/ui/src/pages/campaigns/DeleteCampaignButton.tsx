// Deleting an alert that is a draft, scheduled, or over (the lifecycle allows nothing else:
// a running alert is cancelled, which keeps its report). A confirmation names the alert and
// says what goes with it; afterwards the console goes back to the list of alerts.
import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { campaignAllows, type CampaignStatus } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useNotify } from '../../components/useNotify';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: {
    delete: 'Radera larmet…',
    title: 'Radera larmet {name}?',
    confirm: 'Radera larmet',
    keep: 'Behåll larmet',
    draftBody: 'Utkastet och dess inställningar tas bort. Inget har skickats.',
    overBody:
      'Larmet tas bort med sin rapport och hela uppropet: vem som fick vad och vem som bekräftade. Exportera rapporten först om den behövs. Det går inte att ångra.',
    deleted: 'Larmet {name} raderades.',
  },
  en: {
    delete: 'Delete the alert…',
    title: 'Delete the alert {name}?',
    confirm: 'Delete the alert',
    keep: 'Keep the alert',
    draftBody: 'The draft and its settings are removed. Nothing has been sent.',
    overBody:
      'The alert is removed with its report and the whole roll-call: who got what and who confirmed. Export the report first if it is needed. This cannot be undone.',
    deleted: 'The alert {name} was deleted.',
  },
};

export function DeleteCampaignButton({ id, name, status }: { id: number; name: string; status: CampaignStatus }) {
  const t = useT(dict);
  const rpc = useRpc();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  if (!campaignAllows(status, 'delete')) return null;
  return (
    <>
      <Button size="md" color="red" variant="subtle" onClick={() => setOpen(true)}>
        {t('delete')}
      </Button>
      <ConfirmDialog
        opened={open}
        title={t('title', { name })}
        confirmLabel={t('confirm')}
        cancelLabel={t('keep')}
        onClose={() => setOpen(false)}
        onConfirm={() =>
          rpc.call('campaigns.delete', { id }).then(() => {
            notify.done(t('deleted', { name }));
            navigate('campaigns');
          })
        }
      >
        <Text>{status === 'draft' || status === 'scheduled' ? t('draftBody') : t('overBody')}</Text>
      </ConfirmDialog>
    </>
  );
}
