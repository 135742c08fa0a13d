// Settings → voices: the offline voices GDial can speak with, which one is the default,
// a short sample of each, installing a Piper voice from files on this computer (with the
// engine's progress as it loads and test-runs the model) and removing user-installed ones.
import { Alert, Badge, Button, Group, Paper, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { VoiceInfo } from '@gdial/protocol';
import { AudioPlayer } from '../../components/AudioPlayer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'Röster',
    intro: 'Rösterna finns på den här datorn och fungerar utan internet. Standardrösten används när en mall inte anger någon annan.',
    name: 'Röst',
    language: 'Språk',
    engine: 'Motor',
    source: 'Källa',
    status: 'Status',
    default: 'Standard',
    makeDefault: 'Gör {n} till standard',
    makeDefaultShort: 'Gör till standard',
    sample: 'Lyssna på {n}',
    sampleShort: 'Lyssna',
    remove: 'Ta bort {n}',
    removeShort: 'Ta bort',
    ready: 'Fungerar',
    broken: 'Trasig',
    bundled: 'Medföljer',
    user: 'Installerad',
    builtin: 'Inbyggd (reserv)',
    sampleText: 'Det här är ett prov från GDial. Tryck 1 för att bekräfta att du hört meddelandet.',
    install: 'Installera en röst',
    modelPath: 'Sökväg till röstens .onnx-fil',
    modelHelp: 'Piper-röst, t.ex. C:\\Röster\\sv_SE-nst-medium.onnx. Filen med samma namn + .json måste ligga bredvid.',
    installBtn: 'Installera',
    installing: 'Installerar: {s}',
    installed: 'Rösten {n} är installerad och provkörd.',
    removeTitle: 'Ta bort rösten {n}?',
    removeBody: 'Mallar som använder rösten läses med standardrösten i stället.',
    loading: 'Hämtar röster…',
  },
  en: {
    title: 'Voices',
    intro: 'The voices live on this computer and work without internet. The default voice is used when a template names no other.',
    name: 'Voice',
    language: 'Language',
    engine: 'Engine',
    source: 'Source',
    status: 'Status',
    default: 'Default',
    makeDefault: 'Make {n} the default',
    makeDefaultShort: 'Make default',
    sample: 'Listen to {n}',
    sampleShort: 'Listen',
    remove: 'Remove {n}',
    removeShort: 'Remove',
    ready: 'Works',
    broken: 'Broken',
    bundled: 'Bundled',
    user: 'Installed',
    builtin: 'Built in (fallback)',
    sampleText: 'This is a sample from GDial. Press 1 to confirm that you heard the message.',
    install: 'Install a voice',
    modelPath: "Path to the voice's .onnx file",
    modelHelp: 'A Piper voice, e.g. C:\\Voices\\sv_SE-nst-medium.onnx. The file with the same name + .json must be next to it.',
    installBtn: 'Install',
    installing: 'Installing: {s}',
    installed: 'The voice {n} is installed and test-run.',
    removeTitle: 'Remove the voice {n}?',
    removeBody: 'Templates using the voice are read with the default voice instead.',
    loading: 'Fetching voices…',
  },
};

let installCounter = 0;

export function VoicesSection() {
  const t = useT(dict);
  const rpc = useRpc();
  const q = useQuery('tts.voices.list', {});
  const [error, setError] = useState<unknown>(null);
  const [sample, setSample] = useState<{ voiceId: string; audioId: string } | null>(null);
  const [busyVoice, setBusyVoice] = useState<string | null>(null);
  const [modelPath, setModelPath] = useState('');
  const [install, setInstall] = useState<{ requestId: string; stage: string; done: number; total: number } | null>(null);
  const [installed, setInstalled] = useState<string | null>(null);
  const [removing, setRemoving] = useState<VoiceInfo | null>(null);

  useEvent('tts.progress', (p) => {
    if (install && p.operation === 'install' && p.requestId === install.requestId)
      setInstall({ ...install, stage: p.stage, done: p.done, total: p.total });
  });

  const voices = q.data?.voices ?? [];
  const run = (voiceId: string, call: Promise<unknown>) => {
    setBusyVoice(voiceId);
    setError(null);
    call.then(() => q.reload(), setError).finally(() => setBusyVoice(null));
  };
  const listen = (v: VoiceInfo) => {
    setBusyVoice(v.id);
    setError(null);
    rpc
      .call('tts.synthesise', { text: v.language.startsWith('en') ? dict.en.sampleText : dict.sv.sampleText, voiceId: v.id })
      .then((r) => setSample({ voiceId: v.id, audioId: r.audioId }), setError)
      .finally(() => setBusyVoice(null));
  };
  const doInstall = () => {
    const requestId = `install-${Date.now()}-${++installCounter}`;
    setInstall({ requestId, stage: '', done: 0, total: 0 });
    setInstalled(null);
    setError(null);
    rpc
      .call('tts.voices.install', { modelPath: modelPath.trim(), requestId })
      .then((r) => {
        setInstalled(t('installed', { n: r.voice.name }));
        setModelPath('');
        q.reload();
      }, setError)
      .finally(() => setInstall(null));
  };

  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={3}>{t('title')}</Title>
        <Text size="sm" c="dimmed">
          {t('intro')}
        </Text>
        <ErrorAlert error={error ?? q.error} />
        {!q.data ? (
          <Text>{t('loading')}</Text>
        ) : (
          <Table aria-label={t('title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('name')}</Table.Th>
                <Table.Th>{t('language')}</Table.Th>
                <Table.Th>{t('source')}</Table.Th>
                <Table.Th>{t('status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {voices.map((v) => {
                const isDefault = v.id === q.data?.defaultVoiceId;
                return (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <Text fw={600}>{v.name}</Text>
                      <Text size="xs" c="dimmed">
                        {v.engine}
                        {v.quality ? ` · ${v.quality}` : ''} · {v.sampleRate} Hz
                      </Text>
                      {sample?.voiceId === v.id && <AudioPlayer audioId={sample.audioId} autoPlay />}
                    </Table.Td>
                    <Table.Td>{v.language}</Table.Td>
                    <Table.Td>{t(v.source)}</Table.Td>
                    <Table.Td>
                      <Badge color={v.status === 'ready' ? 'green' : 'red'}>{v.status === 'ready' ? t('ready') : t('broken')}</Badge>
                      {v.problem && (
                        <Text size="xs" c="var(--gdial-error-text)">
                          {v.problem}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        {isDefault ? (
                          <Badge size="lg" variant="filled">
                            {t('default')}
                          </Badge>
                        ) : (
                          <Button
                            size="compact-sm"
                            variant="light"
                            disabled={v.status !== 'ready'}
                            loading={busyVoice === v.id}
                            aria-label={t('makeDefault', { n: v.name })}
                            onClick={() => run(v.id, rpc.call('tts.voices.setDefault', { voiceId: v.id }))}
                          >
                            {t('makeDefaultShort')}
                          </Button>
                        )}
                        <Button
                          size="compact-sm"
                          variant="default"
                          disabled={v.status !== 'ready'}
                          loading={busyVoice === v.id}
                          aria-label={t('sample', { n: v.name })}
                          onClick={() => listen(v)}
                        >
                          {t('sampleShort')}
                        </Button>
                        {v.source === 'user' && (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            aria-label={t('remove', { n: v.name })}
                            onClick={() => setRemoving(v)}
                          >
                            {t('removeShort')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            doInstall();
          }}
        >
          <Group align="flex-end">
            <TextInput
              label={t('modelPath')}
              description={t('modelHelp')}
              value={modelPath}
              onChange={(e) => setModelPath(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" disabled={!modelPath.trim()} loading={install !== null}>
              {t('installBtn')}
            </Button>
          </Group>
        </form>
        {install && (
          <Stack gap={4}>
            <Text size="sm" role="status">
              {t('installing', { s: install.stage || '…' })}
            </Text>
            <Progress
              value={install.total ? (install.done / install.total) * 100 : 100}
              animated={!install.total}
              aria-label={t('install')}
            />
          </Stack>
        )}
        {installed && (
          <Alert color="green" role="status">
            {installed}
          </Alert>
        )}
      </Stack>
      {removing && (
        <ConfirmDialog
          opened
          title={t('removeTitle', { n: removing.name })}
          confirmLabel={t('removeShort')}
          onClose={() => setRemoving(null)}
          onConfirm={() => rpc.call('tts.voices.remove', { voiceId: removing.id }).then(() => q.reload())}
        >
          <Text>{t('removeBody')}</Text>
        </ConfirmDialog>
      )}
    </Paper>
  );
}
