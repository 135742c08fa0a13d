// Saves an alert's whole plan (audience, steps, message, confirmation, schedule) as a
// prepared alert (larmmall), to be started from the overview in a few actions later. The
// operator names it (the alert's name by default) and may say when it is meant to be used.
import { Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { CampaignFields } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/useNotify';
import { useT } from '../../i18n';
import { useRpc } from '../../rpc/react';
import contrast from '../../components/contrast.module.css';

const dict = {
  sv: {
    open: 'Spara som larmmall…',
    title: 'Spara som larmmall',
    body: 'En larmmall sparar hela planen: mottagare, kanaler och steg, meddelande, bekräftelse och schema. Den startas från Översikt: välj den, granska och skriv antalet mottagare.',
    name: 'Larmmallens namn',
    description: 'När den används (valfritt)',
    descriptionHelp: 'T.ex. "Brand i centrala Ystad, dagtid".',
    save: 'Spara larmmallen',
    cancel: 'Avbryt',
    saved: 'Larmmallen {name} sparades. Den finns på Översikt.',
  },
  en: {
    open: 'Save as prepared alert…',
    title: 'Save as prepared alert',
    body: 'A prepared alert keeps the whole plan: recipients, channels and steps, message, confirmation and schedule. It is started from the Overview: choose it, review, and type the number of recipients.',
    name: 'Name of the prepared alert',
    description: 'When it is used (optional)',
    descriptionHelp: 'E.g. "Fire in central Ystad, daytime".',
    save: 'Save the prepared alert',
    cancel: 'Cancel',
    saved: 'The prepared alert {name} was saved. It is on the Overview.',
  },
};

export function SavePreparedButton({ fields }: { fields: CampaignFields }) {
  const t = useT(dict);
  const rpc = useRpc();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(fields.name);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    if (!busy) setOpen(false);
  };
  return (
    <>
      <Button
        variant="default"
        onClick={() => {
          setName(fields.name.replace(/^TEST – /, ''));
          setError(null);
          setOpen(true);
        }}
      >
        {t('open')}
      </Button>
      <Modal
        className={contrast.scope}
        opened={open}
        onClose={close}
        closeButtonProps={{ 'aria-label': t('cancel') }}
        title={
          <Text fw={700} size="lg">
            {t('title')}
          </Text>
        }
        size="lg"
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            rpc
              .call('preparedAlerts.save', { description: description.trim() || null, fields: { ...fields, name: name.trim() } })
              .then((p) => {
                notify.done(t('saved', { name: p.name }));
                setOpen(false);
              }, setError)
              .finally(() => setBusy(false));
          }}
        >
          <Stack>
            <Text size="sm">{t('body')}</Text>
            <TextInput label={t('name')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} data-autofocus />
            <Textarea
              label={t('description')}
              description={t('descriptionHelp')}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={2}
            />
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={busy}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={busy} disabled={name.trim() === ''}>
                {t('save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
