// The voice part of a template: either a script the offline Swedish voice reads (typed
// here, listened to at once, with the voice that actually spoke named — the espeak
// fallback says so and why) or a message recorded with the microphone, or one recorded
// earlier. While the operator types, the text as the voice will read it (numbers, times and
// abbreviations written out) shows below the field, before anything is synthesised.
import { Alert, Button, Group, Progress, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';
import type { Language } from '../../i18n';
import type { MethodOutput } from '@gdial/protocol';
import { AudioPlayer } from '../../components/AudioPlayer';
import { AudioRecorder } from '../../components/AudioRecorder';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration } from '../../components/pcm';
import { useFormat, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { MessageField } from './MessageField';
import { fillWithSamples, type VariantForm } from './templateForm';

const dict = {
  sv: {
    mode: 'Röstmeddelande',
    none: 'Inget',
    tts: 'Talsyntes (skriv text)',
    audio: 'Inspelning (mikrofon)',
    script: 'Text som läses upp',
    scriptHelp: 'Skriv som du vill att det ska låta. Avsluta gärna med "Tryck 1 för att bekräfta att du hört meddelandet."',
    voice: 'Röst',
    defaultVoice: 'Standardrösten ({v})',
    listen: 'Lyssna',
    listening: 'Skapar tal…',
    spoke: 'Röst som användes: {v} ({e})',
    cached: 'återanvänt ljud',
    fallback: 'Reservrösten användes: {r}',
    normalised: 'Så här läses texten',
    samples:
      'Variabler är ifyllda med exempel ({{first_name}} = Anna). Välj en kontakt under Förhandsgranska för att höra det verkliga meddelandet.',
    broken: 'trasig',
    recorded: 'Sparad inspelning: {d}',
    trimmed: 'tystnad borttagen: {s} s i början, {e} s i slutet',
    noScript: 'Skriv en text först.',
    earlier: 'Använd en tidigare inspelning',
    earlierHelp: 'Inspelningar som redan finns i GDial, nyast först.',
    earlierNone: 'Inga tidigare inspelningar',
    earlierItem: '{l} · {d} · inspelad {t} · {s}',
    recording: 'Inspelning',
    local: 'finns lokalt',
    remote: 'hämtas vid första användning',
    remoteHelp:
      'Inspelningen gjordes på en annan dator i organisationen. Ljudet hämtas från organisationens server första gången det spelas upp eller ringer ut, och kontrolleras då.',
  },
  en: {
    mode: 'Voice message',
    none: 'None',
    tts: 'Text-to-speech (type text)',
    audio: 'Recording (microphone)',
    script: 'Text to be spoken',
    scriptHelp: 'Write it the way it should sound. End with "Press 1 to confirm that you heard the message."',
    voice: 'Voice',
    defaultVoice: 'The default voice ({v})',
    listen: 'Listen',
    listening: 'Creating speech…',
    spoke: 'Voice used: {v} ({e})',
    cached: 'reused audio',
    fallback: 'The fallback voice was used: {r}',
    normalised: 'How the text is read',
    samples: 'Variables are filled with examples ({{first_name}} = Anna). Choose a contact under Preview to hear the real message.',
    broken: 'broken',
    recorded: 'Saved recording: {d}',
    trimmed: 'silence removed: {s} s at the start, {e} s at the end',
    noScript: 'Write a text first.',
    earlier: 'Use an earlier recording',
    earlierHelp: 'Recordings already in GDial, newest first.',
    earlierNone: 'No earlier recordings',
    earlierItem: '{l} · {d} · recorded {t} · {s}',
    recording: 'Recording',
    local: 'on this computer',
    remote: 'fetched on first use',
    remoteHelp:
      "The recording was made on another computer of the organisation. Its audio is fetched from the organisation's server the first time it is played or called out, and checked then.",
  },
};

type Synthesis = MethodOutput<'tts.synthesise'>;

export interface VoiceEditorProps {
  variant: VariantForm;
  language: Language;
  fallbacks: Record<string, string>;
  onChange: (patch: Partial<VariantForm>) => void;
}

let requestCounter = 0;

export function VoiceEditor({ variant, language, fallbacks, onChange }: VoiceEditorProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const voices = useQuery('tts.voices.list', {});
  const [synthesis, setSynthesis] = useState<Synthesis | null>(null);
  const [busy, setBusy] = useState<{ requestId: string; done: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const f = useFormat();
  const recordings = useQuery('audio.list', { kind: 'recording', limit: 50 }, { enabled: variant.voiceMode === 'audio' });
  const [typed] = useDebouncedValue(variant.voiceMode === 'tts' ? fillWithSamples(variant.voiceScript, fallbacks, language) : '', 400);
  const [reading, setReading] = useState<{ text: string; normalised: string } | null>(null);
  useEffect(() => {
    if (!typed.trim()) return;
    let live = true;
    rpc.call('tts.normalise', { text: typed }).then(
      (r) => live && setReading({ text: typed, normalised: r.normalisedText }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [rpc, typed]);
  const recording = useQuery(
    'audio.describe',
    { audioId: variant.audioId || '-' },
    { enabled: variant.voiceMode === 'audio' && variant.audioId !== '' },
  );

  useEvent('tts.progress', (p) => {
    if (busy && p.requestId === busy.requestId) setBusy({ ...busy, done: p.done, total: p.total });
  });

  const listen = () => {
    if (!variant.voiceScript.trim()) {
      setError(new Error(t('noScript')));
      return;
    }
    const requestId = `tpl-${Date.now()}-${++requestCounter}`;
    setBusy({ requestId, done: 0, total: 0 });
    setError(null);
    setSynthesis(null);
    rpc
      .call('tts.synthesise', {
        text: fillWithSamples(variant.voiceScript, fallbacks, language),
        ...(variant.voiceId ? { voiceId: variant.voiceId } : {}),
        requestId,
      })
      .then(setSynthesis, setError)
      .finally(() => setBusy(null));
  };

  const defaultVoice = voices.data?.voices.find((v) => v.id === voices.data?.defaultVoiceId);
  const voiceOptions = [
    { value: '', label: t('defaultVoice', { v: defaultVoice?.name ?? voices.data?.defaultVoiceId ?? '…' }) },
    ...(voices.data?.voices ?? []).map((v) => ({
      value: v.id,
      label: `${v.name} · ${v.language}${v.status === 'broken' ? ` (${t('broken')})` : ''}`,
      disabled: v.status === 'broken',
    })),
  ];

  return (
    <Stack>
      <Stack gap={4}>
        <Text fw={600} id={`voice-mode-${language}`}>
          {t('mode')}
        </Text>
        <SegmentedControl
          aria-labelledby={`voice-mode-${language}`}
          value={variant.voiceMode}
          onChange={(v) => onChange({ voiceMode: v as VariantForm['voiceMode'] })}
          data={[
            { value: 'none', label: t('none') },
            { value: 'tts', label: t('tts') },
            { value: 'audio', label: t('audio') },
          ]}
        />
      </Stack>
      {variant.voiceMode === 'tts' && (
        <Stack>
          <MessageField
            label={t('script')}
            description={t('scriptHelp')}
            value={variant.voiceScript}
            onChange={(voiceScript) => onChange({ voiceScript })}
          />
          {reading && typed.trim() !== '' && (
            <Text size="sm" c="dimmed" aria-live="polite">
              {t('normalised')}: “{reading.normalised}”
            </Text>
          )}
          <Group align="flex-end">
            <Select
              label={t('voice')}
              data={voiceOptions}
              value={variant.voiceId}
              onChange={(v) => onChange({ voiceId: v ?? '' })}
              allowDeselect={false}
              style={{ flex: 1 }}
            />
            <Button size="md" onClick={listen} loading={busy !== null}>
              {t('listen')}
            </Button>
          </Group>
          {busy && (
            <Stack gap={4}>
              <Text size="sm" role="status">
                {t('listening')}
              </Text>
              <Progress
                value={busy.total > 0 ? (busy.done / busy.total) * 100 : 100}
                animated={busy.total === 0}
                aria-label={t('listening')}
              />
            </Stack>
          )}
          <ErrorAlert error={error} />
          {synthesis && (
            <Stack gap={6}>
              <AudioPlayer audioId={synthesis.audioId} autoPlay />
              <Text size="sm" role="status">
                {t('spoke', { v: synthesis.voiceName, e: synthesis.engine })} · {formatDuration(synthesis.durationMs)}
                {synthesis.cached ? ` · ${t('cached')}` : ''}
              </Text>
              {synthesis.fallbackReason && <Alert color="orange">{t('fallback', { r: synthesis.fallbackReason })}</Alert>}
              {/\{\{/.test(variant.voiceScript) && (
                <Text size="xs" c="dimmed">
                  {t('samples')}
                </Text>
              )}
            </Stack>
          )}
        </Stack>
      )}
      {variant.voiceMode === 'audio' && (
        <Stack>
          {variant.audioId && recording.data && (
            <Stack gap={4}>
              <Text size="sm">
                {t('recorded', { d: formatDuration(recording.data.durationMs) })}
                {recording.data.trimmedStartMs !== null &&
                  ` · ${t('trimmed', { s: ((recording.data.trimmedStartMs ?? 0) / 1000).toFixed(1), e: ((recording.data.trimmedEndMs ?? 0) / 1000).toFixed(1) })}`}
                {` · ${t(recording.data.local ? 'local' : 'remote')}`}
              </Text>
              {!recording.data.local && (
                <Text size="xs" c="dimmed">
                  {t('remoteHelp')}
                </Text>
              )}
              <AudioPlayer
                audioId={variant.audioId}
                remote={!recording.data.local}
                onFetched={() => {
                  recording.reload();
                  recordings.reload();
                }}
              />
            </Stack>
          )}
          <ErrorAlert error={recording.error} />
          <AudioRecorder
            showResult={false}
            onSaved={(r) => {
              onChange({ audioId: r.audioId });
              recordings.reload();
            }}
          />
          <Select
            label={t('earlier')}
            description={t('earlierHelp')}
            placeholder={recordings.data?.assets.length === 0 ? t('earlierNone') : undefined}
            data={(recordings.data?.assets ?? []).map((a) => ({
              value: a.id,
              label: t('earlierItem', {
                l: a.label ?? t('recording'),
                d: formatDuration(a.durationMs),
                t: f.dateTime(a.createdAt),
                s: t(a.local ? 'local' : 'remote'),
              }),
            }))}
            value={variant.audioId || null}
            onChange={(v) => v && onChange({ audioId: v })}
            allowDeselect={false}
          />
          <ErrorAlert error={recordings.error} />
        </Stack>
      )}
    </Stack>
  );
}
