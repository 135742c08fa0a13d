// Records a voice message with the microphone: raw PCM captured with the Web Audio API,
// a live level meter, stop, and the engine's save-recording call, which trims the silence
// at both ends and evens out the loudness. The operator then hears the result and can
// record again. Capture uses a ScriptProcessorNode because an AudioWorklet needs a
// separately loaded module, which the desktop's strict Content-Security-Policy forbids.
import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '@gdial/protocol';
import { useT } from '../i18n';
import { useRpc } from '../rpc/react';
import { AudioPlayer } from './AudioPlayer';
import { ErrorAlert } from './ErrorAlert';
import { bytesToBase64, concatSamples, floatToS16LeBytes, formatDuration, meterPercent, peakDbfs } from './pcm';

const MAX_SECONDS = 180;

const dict = {
  sv: {
    record: 'Spela in',
    stop: 'Stoppa inspelningen',
    again: 'Spela in igen',
    recording: 'Spelar in… {t} (högst 3:00)',
    level: 'Ljudnivå från mikrofonen',
    saving: 'Sparar och tar bort tystnad i början och slutet…',
    saved: 'Inspelningen är sparad: {d} efter att {s} s tystnad tagits bort (nivån justerad {g} dB).',
    denied:
      'GDial får inte använda mikrofonen. Tillåt mikrofonen för GDial (i webbläsarens adressfält eller i datorns sekretessinställningar) och försök igen.',
    noMic: 'Ingen mikrofon hittades. Anslut ett headset eller en mikrofon och försök igen.',
    micError: 'Mikrofonen kunde inte startas: {m}. Stäng andra program som använder den och försök igen.',
    tooQuiet: 'Det hördes nästan ingenting. Tala närmare mikrofonen och spela in igen.',
    help: 'Tala lugnt och tydligt. Säg gärna "Tryck 1 för att bekräfta" i slutet.',
  },
  en: {
    record: 'Record',
    stop: 'Stop recording',
    again: 'Record again',
    recording: 'Recording… {t} (at most 3:00)',
    level: 'Microphone level',
    saving: 'Saving and removing silence at the start and end…',
    saved: 'The recording is saved: {d} after removing {s} s of silence (level adjusted {g} dB).',
    denied:
      'GDial may not use the microphone. Allow the microphone for GDial (in the browser address bar or the computer privacy settings) and try again.',
    noMic: 'No microphone was found. Connect a headset or microphone and try again.',
    micError: 'The microphone could not be started: {m}. Close other programs using it and try again.',
    tooQuiet: 'Almost nothing was heard. Speak closer to the microphone and record again.',
    help: 'Speak calmly and clearly. Say "Press 1 to confirm" at the end.',
  },
};

type Saved = MethodOutput<'audio.saveRecording'>;

interface Capture {
  stream: MediaStream;
  context: AudioContext;
  processor: ScriptProcessorNode;
  source: MediaStreamAudioSourceNode;
  chunks: Float32Array[];
  loudest: number;
  startedAt: number;
}

export interface AudioRecorderProps {
  label?: string;
  /** False when the caller shows the saved recording itself. */
  showResult?: boolean;
  onSaved: (recording: Saved) => void;
}

export function AudioRecorder({ label, showResult = true, onSaved }: AudioRecorderProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const capture = useRef<Capture | null>(null);
  const [state, setState] = useState<'idle' | 'starting' | 'recording' | 'saving' | 'done'>('idle');
  const [level, setLevel] = useState(-Infinity);
  const [elapsedMs, setElapsedMs] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<Saved | null>(null);

  const release = () => {
    const c = capture.current;
    capture.current = null;
    if (!c) return null;
    c.processor.onaudioprocess = null;
    c.source.disconnect();
    c.processor.disconnect();
    for (const track of c.stream.getTracks()) track.stop();
    void c.context.close();
    return c;
  };
  // Leaving the page mid-recording must free the microphone.
  useEffect(() => () => void release(), []);

  const stop = () => {
    const c = release();
    if (!c) return;
    setLevel(-Infinity);
    const samples = concatSamples(c.chunks);
    if (c.loudest < -45) {
      setState('idle');
      setProblem(t('tooQuiet'));
      return;
    }
    setState('saving');
    rpc
      .call('audio.saveRecording', {
        recording: { format: 'pcm-s16le', sampleRate: c.context.sampleRate, data: bytesToBase64(floatToS16LeBytes(samples)) },
        ...(label ? { label } : {}),
      })
      .then(
        (r) => {
          setSaved(r);
          setState('done');
          onSaved(r);
        },
        (e: unknown) => {
          setError(e);
          setState('idle');
        },
      );
  };

  const start = async () => {
    setProblem(null);
    setError(null);
    setState('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
    } catch (e) {
      const name = (e as DOMException).name;
      setProblem(
        name === 'NotAllowedError' || name === 'SecurityError'
          ? t('denied')
          : name === 'NotFoundError'
            ? t('noMic')
            : t('micError', { m: (e as Error).message }),
      );
      setState('idle');
      return;
    }
    const context = new AudioContext();
    const source = context.createMediaStreamSource(stream);
    const processor = context.createScriptProcessor(4096, 1, 1);
    const c: Capture = { stream, context, source, processor, chunks: [], loudest: -Infinity, startedAt: performance.now() };
    processor.onaudioprocess = (ev) => {
      const input = ev.inputBuffer.getChannelData(0);
      c.chunks.push(new Float32Array(input));
      const db = peakDbfs(input);
      if (db > c.loudest) c.loudest = db;
      setLevel(db);
      const elapsed = performance.now() - c.startedAt;
      setElapsedMs(elapsed);
      if (elapsed >= MAX_SECONDS * 1000) stop();
    };
    source.connect(processor);
    // The processor only runs while connected to an output; it writes nothing, so it is silent.
    processor.connect(context.destination);
    capture.current = c;
    setSaved(null);
    setElapsedMs(0);
    setState('recording');
  };

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('help')}
      </Text>
      {state === 'recording' ? (
        <Stack gap={6}>
          <Text fw={700} c="var(--gdial-error-text)" role="status">
            ● {t('recording', { t: formatDuration(elapsedMs) })}
          </Text>
          <Progress
            value={meterPercent(level)}
            size="xl"
            color={level > -3 ? 'red' : level > -20 ? 'green' : 'yellow'}
            aria-label={t('level')}
            transitionDuration={80}
          />
          <Group>
            <Button color="red" size="md" onClick={stop}>
              {t('stop')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Group>
          <Button
            size="md"
            variant={saved ? 'default' : 'filled'}
            loading={state === 'starting' || state === 'saving'}
            onClick={() => void start()}
          >
            {saved ? t('again') : t('record')}
          </Button>
          {state === 'saving' && (
            <Text size="sm" role="status">
              {t('saving')}
            </Text>
          )}
        </Group>
      )}
      {problem && (
        <Alert color="orange" role="alert">
          {problem}
        </Alert>
      )}
      <ErrorAlert error={error} />
      {saved && state === 'done' && (
        <Stack gap={6}>
          <Text size="sm" role="status">
            {t('saved', {
              d: formatDuration(saved.durationMs),
              s: ((saved.trimmedStartMs + saved.trimmedEndMs) / 1000).toFixed(1),
              g: saved.gainDb.toFixed(1),
            })}
          </Text>
          {showResult && <AudioPlayer audioId={saved.audioId} />}
        </Stack>
      )}
    </Stack>
  );
}
