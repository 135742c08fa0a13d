// The contact drawer's address and consent: where the person lives (for areas on the map)
// and, per channel, when and how they agreed to be contacted and who recorded it. Saved on
// their own (contacts.update with the address or the consents; the engine audits the change
// and records the signed-in user as who recorded a new or changed consent).
import { Button, Group as Row, NumberInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { channels, formatPostcode, type Channel, type Contact, type ConsentMethod } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useT } from '../../i18n';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: {
    address: 'Adress',
    street: 'Gatuadress',
    postcode: 'Postnummer',
    town: 'Postort',
    municipality: 'Kommun',
    lat: 'Latitud (WGS 84)',
    lon: 'Longitud (WGS 84)',
    saveAddress: 'Spara adressen',
    consent: 'Samtycken',
    none: 'Inga samtycken registrerade.',
    channel: 'Kanal',
    givenAt: 'Datum',
    method: 'Hur',
    recordedBy: 'Registrerat av',
    m_import: 'Import (kolumn i filen)',
    m_form: 'Formulär',
    m_verbal: 'Muntligt till operatör',
    add: 'Registrera samtycke',
    remove: 'Ta bort',
    removeLabel: 'Ta bort samtycket för {channel}',
    saved: 'Sparat.',
  },
  en: {
    address: 'Address',
    street: 'Street address',
    postcode: 'Postcode',
    town: 'Town',
    municipality: 'Municipality',
    lat: 'Latitude (WGS 84)',
    lon: 'Longitude (WGS 84)',
    saveAddress: 'Save the address',
    consent: 'Consents',
    none: 'No consents recorded.',
    channel: 'Channel',
    givenAt: 'Date',
    method: 'How',
    recordedBy: 'Recorded by',
    m_import: 'Import (a column of the file)',
    m_form: 'Form',
    m_verbal: 'Verbally to an operator',
    add: 'Record consent',
    remove: 'Remove',
    removeLabel: 'Remove the consent for {channel}',
    saved: 'Saved.',
  },
};

export function AddressConsentPanel({ contact }: { contact: Contact }) {
  const t = useT(dict);
  const words = useWords();
  const rpc = useRpc();
  const [current, setCurrent] = useState(contact);
  const [a, setA] = useState({ ...contact.address, postcode: contact.address.postcode ? formatPostcode(contact.address.postcode) : null });
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [channel, setChannel] = useState<Channel>('sms');
  const [givenAt, setGivenAt] = useState(new Date().toISOString().slice(0, 10));
  const [method, setMethod] = useState<ConsentMethod>('verbal');

  const update = (changes: Record<string, unknown>) => {
    setError(null);
    setNote(null);
    rpc.call('contacts.update', { id: current.id, changes }).then((c) => {
      setCurrent(c);
      setNote(t('saved'));
    }, setError);
  };
  const text = (v: string | null) => v ?? '';
  const consentInputs = (list: Contact['consents']) =>
    list.map((c) => ({ channel: c.channel, givenAt: c.givenAt, method: c.method, note: c.note }));

  return (
    <Stack gap="xs">
      <Text fw={700} size="lg">
        {t('address')}
      </Text>
      <Row align="flex-end">
        <TextInput label={t('street')} value={text(a.street)} onChange={(e) => setA({ ...a, street: e.currentTarget.value })} />
        <TextInput
          label={t('postcode')}
          value={text(a.postcode)}
          w={110}
          onChange={(e) => setA({ ...a, postcode: e.currentTarget.value })}
        />
        <TextInput label={t('town')} value={text(a.town)} onChange={(e) => setA({ ...a, town: e.currentTarget.value })} />
        <TextInput
          label={t('municipality')}
          value={text(a.municipality)}
          onChange={(e) => setA({ ...a, municipality: e.currentTarget.value })}
        />
      </Row>
      <Row align="flex-end">
        <NumberInput
          label={t('lat')}
          value={a.lat ?? ''}
          decimalScale={7}
          onChange={(v) => setA({ ...a, lat: typeof v === 'number' ? v : null })}
        />
        <NumberInput
          label={t('lon')}
          value={a.lon ?? ''}
          decimalScale={7}
          onChange={(v) => setA({ ...a, lon: typeof v === 'number' ? v : null })}
        />
        <Button variant="default" onClick={() => update({ address: a })}>
          {t('saveAddress')}
        </Button>
      </Row>
      <Text fw={700} size="lg" mt="sm">
        {t('consent')}
      </Text>
      {current.consents.length === 0 ? (
        <Text size="sm">{t('none')}</Text>
      ) : (
        <Table aria-label={t('consent')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('channel')}</Table.Th>
              <Table.Th>{t('givenAt')}</Table.Th>
              <Table.Th>{t('method')}</Table.Th>
              <Table.Th>{t('recordedBy')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {current.consents.map((c) => (
              <Table.Tr key={c.channel}>
                <Table.Td>{words.channel[c.channel]}</Table.Td>
                <Table.Td>{c.givenAt}</Table.Td>
                <Table.Td>
                  {t(`m_${c.method}`)}
                  {c.note && (
                    <Text size="xs" c="dimmed">
                      {c.note}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{c.recordedBy ?? '–'}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={t('removeLabel', { channel: words.channel[c.channel] })}
                    onClick={() => update({ consents: consentInputs(current.consents.filter((x) => x.channel !== c.channel)) })}
                  >
                    {t('remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Row align="flex-end">
        <Select
          label={t('channel')}
          data={channels.map((c) => ({ value: c, label: words.channel[c] }))}
          value={channel}
          onChange={(v) => setChannel((v ?? 'sms') as Channel)}
          allowDeselect={false}
          w={160}
        />
        <TextInput label={t('givenAt')} value={givenAt} w={140} onChange={(e) => setGivenAt(e.currentTarget.value)} />
        <Select
          label={t('method')}
          data={(['verbal', 'form', 'import'] as const).map((m) => ({ value: m, label: t(`m_${m}`) }))}
          value={method}
          onChange={(v) => setMethod((v ?? 'verbal') as ConsentMethod)}
          allowDeselect={false}
          w={230}
        />
        <Button
          variant="default"
          onClick={() =>
            update({
              consents: [...consentInputs(current.consents.filter((x) => x.channel !== channel)), { channel, givenAt, method, note: null }],
            })
          }
        >
          {t('add')}
        </Button>
      </Row>
      <ErrorAlert error={error} />
      {note && (
        <Text size="sm" role="status">
          {note}
        </Text>
      )}
    </Stack>
  );
}
