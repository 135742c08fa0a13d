// Settings → voices: the offline voices GDial can speak with, which one is the default,
// a short sample of each, installing a Piper voice (with the engine's progress as it loads
// and test-runs the model) and removing user-installed ones. A voice is installed from its
// two files, chosen or dropped, never a typed path: in the desktop app the OS dialog gives
// their paths and the engine reads them; in the browser the files' bytes are sent.
import { Alert, Badge, Button, FileButton, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useRef, useState, type DragEvent } from 'react';
import { pairVoiceFiles, type MethodInput, type VoiceInfo } from '@gdial/protocol';
import { AudioPlayer } from '../../components/AudioPlayer';
import { readFileAsBase64 } from '../../components/readFile';
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
    installHelp:
      'En Piper-röst är två filer, till exempel sv_SE-nst-medium.onnx och sv_SE-nst-medium.onnx.json. Dra hit båda, eller välj dem med knappen.',
    drop: 'Släpp röstens filer här',
    choose: 'Välj röstens filer…',
    dialogTitle: 'Välj röstens .onnx- och .onnx.json-fil',
    installing: 'Installerar rösten: {s}',
    s_reading: 'läser filerna',
    's_reading-config': 'läser röstens inställningar',
    's_loading-model': 'laddar och provkör modellen',
    s_copying: 'kopierar rösten till GDial',
    s_done: 'klart',
    noModel: 'Välj röstens .onnx-fil och .onnx.json-filen som hör till den.',
    severalModels: 'Välj en röst i taget: {name} är en andra .onnx-fil.',
    severalConfigs: 'Välj bara den .onnx.json-fil som hör till rösten: {name} är en andra.',
    otherFile: '{name} är varken en röst (.onnx) eller röstens inställningar (.onnx.json).',
    noConfig: 'Välj båda filerna på en gång: {name} och {name}.json som hör till den.',
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
    installHelp:
      'A Piper voice is two files, e.g. sv_SE-nst-medium.onnx and sv_SE-nst-medium.onnx.json. Drop both here, or choose them with the button.',
    drop: "Drop the voice's files here",
    choose: "Choose the voice's files…",
    dialogTitle: "Choose the voice's .onnx and .onnx.json file",
    installing: 'Installing the voice: {s}',
    s_reading: 'reading the files',
    's_reading-config': "reading the voice's settings",
    's_loading-model': 'loading and test-running the model',
    s_copying: 'copying the voice into GDial',
    s_done: 'done',
    noModel: "Choose the voice's .onnx file and the .onnx.json file that belongs to it.",
    severalModels: 'Choose one voice at a time: {name} is a second .onnx file.',
    severalConfigs: 'Choose only the .onnx.json file that belongs to the voice: {name} is a second one.',
    otherFile: "{name} is neither a voice (.onnx) nor the voice's settings (.onnx.json).",
    noConfig: 'Choose both files at once: {name} and the {name}.json that belongs to it.',
    installed: 'The voice {n} is installed and test-run.',
    removeTitle: 'Remove the voice {n}?',
    removeBody: 'Templates using the voice are read with the default voice instead.',
    loading: 'Fetching voices…',
  },
};

let installCounter = 0;

/** The install's stages as the engine reports them, plus the console's own reading of the files. */
const stages = ['reading', 'reading-config', 'loading-model', 'copying', 'done'] as const;
const isStage = (s: string): s is (typeof stages)[number] => (stages as readonly string[]).includes(s);

export function VoicesSection() {
  const t = useT(dict);
  const rpc = useRpc();
  const q = useQuery('tts.voices.list', {});
  const [error, setError] = useState<unknown>(null);
  const [sample, setSample] = useState<{ voiceId: string; audioId: string } | null>(null);
  const [busyVoice, setBusyVoice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const resetRef = useRef<() => void>(null);
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
  const stageWords = (stage: string): string => (isStage(stage) ? t(`s_${stage}`) : '…');
  const startInstall = (): string => {
    const requestId = `install-${Date.now()}-${++installCounter}`;
    setInstall({ requestId, stage: 'reading', done: 0, total: 0 });
    setInstalled(null);
    setProblem(null);
    setError(null);
    return requestId;
  };
  const doInstall = (input: MethodInput<'tts.voices.install'>) =>
    rpc
      .call('tts.voices.install', input)
      .then((r) => {
        setInstalled(t('installed', { n: r.voice.name }));
        q.reload();
      }, setError)
      .finally(() => setInstall(null));
  /** Which file is the model and which its config, or why the choice will not do. */
  const pair = (names: string[], needConfig: boolean): { model: number; config: number | null } | null => {
    const p = pairVoiceFiles(names);
    if (!p.ok) {
      setProblem(p.name === null ? t(p.problem) : t(p.problem, { name: p.name }));
      return null;
    }
    if (needConfig && p.config === null) {
      setProblem(t('noConfig', { name: names[p.model]! }));
      return null;
    }
    return p;
  };
  // Desktop app: the OS dialog's paths; the engine reads the files where they are.
  const desktop = typeof window === 'undefined' ? undefined : window.gdial;
  const fromDialog = async (bridge: { chooseVoiceFiles(title: string): Promise<string[]> }) => {
    setProblem(null);
    const paths = await bridge.chooseVoiceFiles(t('dialogTitle'));
    if (paths.length === 0) return;
    const p = pair(paths, false);
    if (!p) return;
    const requestId = startInstall();
    await doInstall({ modelPath: paths[p.model]!, ...(p.config === null ? {} : { configPath: paths[p.config]! }), requestId });
  };
  // Browser (and anything dropped): the files' bytes go to the engine.
  const fromFiles = async (files: File[]) => {
    if (files.length === 0) return;
    const p = pair(
      files.map((f) => f.name),
      true,
    );
    if (!p) return;
    const requestId = startInstall();
    const model = files[p.model]!;
    const config = files[p.config!]!;
    try {
      const [modelData, configData] = await Promise.all([readFileAsBase64(model), readFileAsBase64(config)]);
      await doInstall({
        model: { fileName: model.name, dataBase64: modelData },
        config: { fileName: config.name, dataBase64: configData },
        requestId,
      });
    } catch (err) {
      setError(err);
      setInstall(null);
    }
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (install) return;
    void fromFiles([...e.dataTransfer.files]);
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
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Badge
                        color={v.status === 'ready' ? 'green' : 'red'}
                        styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}
                      >
                        {v.status === 'ready' ? t('ready') : t('broken')}
                      </Badge>
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
        <Stack gap={4}>
          <Title order={4}>{t('install')}</Title>
          <Text size="sm" c="dimmed">
            {t('installHelp')}
          </Text>
        </Stack>
        <div
          data-testid="voice-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          style={{
            border: `2px dashed ${dragging ? 'var(--mantine-color-blue-filled)' : 'var(--mantine-color-default-border)'}`,
            borderRadius: 'var(--mantine-radius-md)',
            background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
            padding: 'var(--mantine-spacing-lg)',
          }}
        >
          <Group justify="center" gap="md">
            <Text fw={600}>{t('drop')}</Text>
            {desktop?.chooseVoiceFiles ? (
              <Button variant="light" loading={install !== null} onClick={() => void fromDialog(desktop as Required<typeof desktop>)}>
                {t('choose')}
              </Button>
            ) : (
              <FileButton
                multiple
                resetRef={resetRef}
                accept=".onnx,.json"
                onChange={(files) => {
                  void fromFiles(files);
                  resetRef.current?.();
                }}
              >
                {(props) => (
                  <Button {...props} variant="light" loading={install !== null}>
                    {t('choose')}
                  </Button>
                )}
              </FileButton>
            )}
          </Group>
        </div>
        {problem && (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        )}
        {install && (
          <Stack gap={4}>
            <Text size="sm" role="status">
              {t('installing', { s: stageWords(install.stage) })}
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
