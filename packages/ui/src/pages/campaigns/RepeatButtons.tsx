// On an alert that is over: send it again with the same plan, or alert only those who did
// not confirm. Either makes a new draft and opens "Granska och starta" for it, so it goes
// through the same review and typed head count as any alert.
import { Button } from '@mantine/core';
import { useState } from 'react';
import { isCampaignOver, type CampaignStatus } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: {
    again: 'Skicka igen…',
    unconfirmed: 'Larma de som inte svarat…',
    againName: '{name} (igen)',
    unconfirmedName: '{name} – de som inte svarat',
  },
  en: {
    again: 'Send again…',
    unconfirmed: 'Alert those who did not answer…',
    againName: '{name} (again)',
    unconfirmedName: '{name} – those who did not answer',
  },
};

export function RepeatButtons({
  id,
  name,
  status,
  unconfirmed,
}: {
  id: number;
  name: string;
  status: CampaignStatus;
  unconfirmed: number;
}) {
  const t = useT(dict);
  const rpc = useRpc();
  const [busy, setBusy] = useState<'all' | 'unconfirmed' | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!isCampaignOver(status)) return null;
  const base = name.replace(/ \((igen|again)\)$/, '');
  const repeat = (audience: 'all' | 'unconfirmed') => {
    setBusy(audience);
    setError(null);
    rpc
      .call('campaigns.repeat', {
        id,
        audience,
        name: t(audience === 'all' ? 'againName' : 'unconfirmedName', { name: base }).slice(0, 200),
      })
      .then((draft) => navigate('campaigns', draft.id, 'review'), setError)
      .finally(() => setBusy(null));
  };
  return (
    <>
      <Button size="md" variant="default" onClick={() => repeat('all')} loading={busy === 'all'}>
        {t('again')}
      </Button>
      {unconfirmed > 0 && (
        <Button size="md" color="orange" autoContrast onClick={() => repeat('unconfirmed')} loading={busy === 'unconfirmed'}>
          {t('unconfirmed')}
        </Button>
      )}
      <ErrorAlert error={error} />
    </>
  );
}
