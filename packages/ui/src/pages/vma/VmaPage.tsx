// VMA-underlag: the operator is guided through MSB's five points for a request to SOS
// Alarm (area; what has happened or may happen; the acute threat; what the public should
// do; how the public can help), sees what is still missing, and gets the request as a
// one-page PDF, as text to read over the phone, and as a CAP message. GDial sends no VMA:
// SOS Alarm does, on the request of the one who asks. #/vma/<alert id> ties it to an alert.
import { Alert, Button, Code, CopyButton, Group, Paper, SegmentedControl, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { vmaMissing, vmaPoints, type VmaPoint, type VmaUnderlag } from '@gdial/protocol';
import { downloadBase64, downloadBlob } from '../../components/download';
import { ErrorAlert } from '../../components/ErrorAlert';
import { vmaPointWords } from '../../components/labels';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';
import { useLanguage, useT } from '../../i18n';
import type { Route } from '../../router';
import { useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'VMA-underlag till SOS Alarm',
    intro:
      'Ett VMA (Viktigt meddelande till allmänheten) skickas inte av GDial. Det begärs hos SOS Alarm, som förmedlar det enligt MSB:s regler. Den som begär svarar för innehållet. Fyll i de fem punkterna med korta, säkra fakta; GDial gör underlaget: en PDF på en sida, text att läsa upp i telefon och ett CAP-meddelande.',
    forAlert: 'Hör till larmet ”{name}”.',
    level: 'Typ av meddelande',
    warning: 'Varningsmeddelande',
    information: 'Informationsmeddelande',
    levelHelp:
      'Varning: omedelbar fara för liv, hälsa, egendom eller miljö. Information: för att förebygga eller begränsa skador, utan krav på omedelbarhet.',
    area: '1. Område som berörs',
    areaHelp: 'Så att folk känner igen det: ort, stadsdel, gator eller avstånd från en plats.',
    happened: '2. Vad har hänt eller kan hända',
    happenedHelp: 'Kort och sakligt, t.ex. ”Brand i en industribyggnad med kraftig rök”.',
    threat: '3. Vad är det akuta hotet',
    threatHelp: 'Vad som är farligt för människor just nu, t.ex. ”Giftig rök driver mot bostäder söderut”.',
    publicAction: '4. Vad ska allmänheten göra',
    publicActionHelp: 'Konkreta råd, t.ex. ”Gå inomhus, stäng dörrar, fönster och ventilation. Lyssna på Sveriges Radio P4.”',
    publicHelp: '5. Hur kan allmänheten hjälpa till',
    publicHelpHelp: 'T.ex. ”Undvik området. Ring inte 112 för frågor; ring 113 13.”',
    requester: 'Vem begär (namn, befattning, organisation)',
    callbackPhone: 'Telefon där SOS Alarm når dig',
    missing: 'Kvar att fylla i: {list}.',
    complete: 'Alla punkter är ifyllda.',
    fill: 'Fyll i {what}.',
    make: 'Gör underlaget',
    made: 'Underlaget är klart ({by}, {at}). Inget är skickat.',
    madeNext: 'Ring SOS Alarm och läs upp texten nedan. Skicka PDF:en och CAP-filen om de ber om dem.',
    phoneText: 'Text att läsa upp för SOS Alarm',
    copy: 'Kopiera texten',
    copied: 'Kopierad',
    pdf: 'Ladda ned PDF',
    cap: 'Ladda ned CAP (.xml)',
  },
  en: {
    title: 'VMA underlag for SOS Alarm',
    intro:
      'A VMA (Important message to the public) is not sent by GDial. It is requested from SOS Alarm, which passes it on under MSB’s rules. Whoever requests it answers for its content. Fill in the five points with short, certain facts; GDial makes the underlag: a one-page PDF, text to read over the phone and a CAP message.',
    forAlert: 'Belongs to the alert “{name}”.',
    level: 'Kind of message',
    warning: 'Warning message',
    information: 'Information message',
    levelHelp:
      'Warning: immediate danger to life, health, property or the environment. Information: to prevent or limit harm, without immediacy.',
    area: '1. Area concerned',
    areaHelp: 'So people recognise it: town, district, streets or distance from a place.',
    happened: '2. What has happened or may happen',
    happenedHelp: 'Short and factual, e.g. “Fire in an industrial building with heavy smoke”.',
    threat: '3. What is the acute threat',
    threatHelp: 'What is dangerous to people right now, e.g. “Toxic smoke drifting towards homes to the south”.',
    publicAction: '4. What should the public do',
    publicActionHelp: 'Concrete advice, e.g. “Go indoors, close doors, windows and ventilation. Listen to Sveriges Radio P4.”',
    publicHelp: '5. How can the public help',
    publicHelpHelp: 'E.g. “Avoid the area. Do not call 112 with questions; call 113 13.”',
    requester: 'Who requests (name, position, organisation)',
    callbackPhone: 'Phone where SOS Alarm reaches you',
    missing: 'Still to fill in: {list}.',
    complete: 'Every point is filled in.',
    fill: 'Fill in {what}.',
    make: 'Make the underlag',
    made: 'The underlag is ready ({by}, {at}). Nothing has been sent.',
    madeNext: 'Call SOS Alarm and read out the text below. Send the PDF and the CAP file if they ask for them.',
    phoneText: 'Text to read out to SOS Alarm',
    copy: 'Copy the text',
    copied: 'Copied',
    pdf: 'Download PDF',
    cap: 'Download CAP (.xml)',
  },
};

type Fields = Record<VmaPoint | 'requester' | 'callbackPhone', string>;
const emptyFields: Fields = { area: '', happened: '', threat: '', publicAction: '', publicHelp: '', requester: '', callbackPhone: '' };

export function VmaPage({ route }: { route: Route }) {
  const alertId = route.params[0] ? Number(route.params[0]) : null;
  return <VmaForm key={alertId ?? 'none'} alertId={alertId !== null && Number.isInteger(alertId) && alertId > 0 ? alertId : null} />;
}

function VmaForm({ alertId }: { alertId: number | null }) {
  const t = useT(dict);
  const { language } = useLanguage();
  const rpc = useRpc();
  const alert = useQuery('campaigns.get', { id: alertId ?? 0 }, { enabled: alertId !== null });
  const [level, setLevel] = useState<'warning' | 'information'>('warning');
  const [fields, setFields] = useState<Fields>(emptyFields);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<VmaUnderlag | null>(null);
  const missing = vmaMissing(fields);
  const set = (k: keyof Fields) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setFields((f) => ({ ...f, [k]: v }));
    setResult(null);
  };
  const fieldError = (k: keyof Fields) => (tried && missing.includes(k) ? t('fill', { what: vmaPointWords[language][k] }) : undefined);

  const make = () => {
    setTried(true);
    setError(null);
    if (missing.length > 0) return;
    setBusy(true);
    rpc
      .call('vma.underlag', { level, ...fields, alertId })
      .then(setResult, setError)
      .finally(() => setBusy(false));
  };

  return (
    <Stack className={pageScope} maw={900}>
      <Title order={2}>{t('title')}</Title>
      <Text>{t('intro')}</Text>
      {alert.data && <Text fw={600}>{t('forAlert', { name: alert.data.name })}</Text>}
      <Paper withBorder p="md">
        <Stack>
          <div>
            <Text fw={500} size="sm" id="vma-level">
              {t('level')}
            </Text>
            <SegmentedControl
              aria-labelledby="vma-level"
              value={level}
              onChange={(v) => setLevel(v === 'information' ? 'information' : 'warning')}
              data={[
                { value: 'warning', label: t('warning') },
                { value: 'information', label: t('information') },
              ]}
            />
            <Text size="sm" c="dimmed">
              {t('levelHelp')}
            </Text>
          </div>
          {vmaPoints.map((p) => (
            <Textarea
              key={p}
              label={t(p)}
              description={t(`${p}Help`)}
              value={fields[p]}
              onChange={set(p)}
              error={fieldError(p)}
              autosize
              minRows={2}
              maxLength={1000}
              size="md"
            />
          ))}
          <Group grow align="flex-start">
            <TextInput
              label={t('requester')}
              value={fields.requester}
              onChange={set('requester')}
              error={fieldError('requester')}
              maxLength={200}
              size="md"
            />
            <TextInput
              label={t('callbackPhone')}
              value={fields.callbackPhone}
              onChange={set('callbackPhone')}
              error={fieldError('callbackPhone')}
              maxLength={40}
              size="md"
              type="tel"
            />
          </Group>
          <Text role="status" c={missing.length ? 'var(--gdial-warning-text)' : 'var(--gdial-ok-text)'} fw={500}>
            {missing.length ? t('missing', { list: missing.map((m) => vmaPointWords[language][m]).join(', ') }) : t('complete')}
          </Text>
          <Group>
            <RoleGuard method="vma.underlag">
              {(refused) => (
                <Button size="lg" onClick={make} loading={busy} disabled={refused}>
                  {t('make')}
                </Button>
              )}
            </RoleGuard>
          </Group>
          <ErrorAlert error={error} />
        </Stack>
      </Paper>
      {result && (
        <Paper withBorder p="md">
          <Stack>
            <Alert
              color="green"
              title={t('made', {
                by: result.madeBy,
                // Swedish time, as on the PDF and in the text for the phone.
                at: new Date(result.madeAt).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', {
                  timeZone: 'Europe/Stockholm',
                  dateStyle: 'short',
                  timeStyle: 'short',
                }),
              })}
            >
              {t('madeNext')}
            </Alert>
            <Title order={3}>{t('phoneText')}</Title>
            <Code block aria-label={t('phoneText')} style={{ whiteSpace: 'pre-wrap', fontSize: 'var(--mantine-font-size-md)' }}>
              {result.phoneText}
            </Code>
            <Group>
              <CopyButton value={result.phoneText}>
                {({ copied, copy }) => (
                  <Button variant="default" onClick={copy}>
                    {copied ? t('copied') : t('copy')}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={() => downloadBase64(`${result.fileName}.pdf`, 'application/pdf', result.pdfBase64)}>{t('pdf')}</Button>
              <Button
                variant="default"
                onClick={() => downloadBlob(`${result.fileName}.xml`, new Blob([result.capXml], { type: 'application/xml' }))}
              >
                {t('cap')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
