// Follow-up by phone from the roll-call: the person's numbers the way a Swede writes them
// (070-123 45 67), each a tel: link for a softphone, and "Bekräftad per telefon…" — when the
// operator reached them by calling, a note about the call marks them confirmed (audited by
// the engine with the signed-in user; it ends their further attempts).
import { Anchor, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { RecipientReport } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { displayPhone } from '../../components/phone';
import { RoleGuard } from '../../components/RoleGuard';
import { useT } from '../../i18n';
import { useRpc } from '../../rpc/react';
import { phoneNumbersOf } from './rollCall';

const dict = {
  sv: {
    numbers: 'Nummer att ringa',
    none: 'Inga telefonnummer i larmet.',
    call: 'Ring {n}',
    open: 'Bekräftad per telefon…',
    note: 'Anteckning om samtalet',
    noteHelp: 'Vad sades? T.ex. ”Nådd på hemnumret, kommer till stationen”.',
    confirm: 'Markera som bekräftad',
    cancel: 'Avbryt',
    failed: 'Kunde inte markera personen som bekräftad',
  },
  en: {
    numbers: 'Numbers to call',
    none: 'No phone numbers in the alert.',
    call: 'Call {n}',
    open: 'Confirmed by phone…',
    note: 'Note about the call',
    noteHelp: 'What was said? E.g. “Reached at home, coming to the station”.',
    confirm: 'Mark as confirmed',
    cancel: 'Cancel',
    failed: 'Could not mark the person confirmed',
  },
};

/** The person's numbers, as links: shown in the roll-call row and in the person's history. */
export function PhoneNumbers({ recipient, size = 'sm' }: { recipient: RecipientReport; size?: 'xs' | 'sm' }) {
  const t = useT(dict);
  const numbers = phoneNumbersOf(recipient);
  if (numbers.length === 0) return null;
  return (
    <Group gap="xs" wrap="wrap">
      {numbers.map((n) => (
        <Anchor key={n} href={`tel:${n}`} size={size} aria-label={t('call', { n: displayPhone(n) })} style={{ whiteSpace: 'nowrap' }}>
          {displayPhone(n)}
        </Anchor>
      ))}
    </Group>
  );
}

export function PhoneFollowUp({
  campaignId,
  recipient,
  canConfirm,
  onConfirmed,
}: {
  campaignId: number;
  recipient: RecipientReport;
  /** False when another workstation runs the alert (it is marked there) or the person has confirmed. */
  canConfirm: boolean;
  onConfirmed: () => void;
}) {
  const t = useT(dict);
  const rpc = useRpc();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('campaigns.confirmByPhone', { id: campaignId, recipientId: recipient.id, note })
      .then(() => {
        setOpen(false);
        setNote('');
        onConfirmed();
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="xs">
      <Text fw={700}>{t('numbers')}</Text>
      {phoneNumbersOf(recipient).length === 0 ? <Text size="sm">{t('none')}</Text> : <PhoneNumbers recipient={recipient} />}
      {canConfirm && !open && (
        <Group>
          <RoleGuard method="campaigns.confirmByPhone">
            {(disabled) => (
              <Button variant="light" disabled={disabled} onClick={() => setOpen(true)}>
                {t('open')}
              </Button>
            )}
          </RoleGuard>
        </Group>
      )}
      {canConfirm && open && (
        <Stack gap="xs">
          <Textarea
            label={t('note')}
            description={t('noteHelp')}
            value={note}
            onChange={(e) => {
              setNote(e.currentTarget.value);
              setError(null);
            }}
            autosize
            minRows={2}
            maxLength={500}
            data-autofocus
          />
          <ErrorAlert error={error} title={t('failed')} />
          <Group>
            <Button onClick={submit} loading={busy}>
              {t('confirm')}
            </Button>
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('cancel')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
