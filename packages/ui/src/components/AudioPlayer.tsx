// Plays an audio asset of the engine (a synthesised or recorded voice message). The bytes
// come over RPC, not a URL, so the same player works in Electron and in the browser host.
import { Group, Loader, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { useRpc } from '../rpc/react';
import { base64ToBytes } from './download';
import { ErrorAlert } from './ErrorAlert';
import { formatDuration } from './pcm';

const dict = {
  sv: { loading: 'Hämtar ljudet…', label: 'Lyssna på röstmeddelandet', telephony: 'Som det låter i telefon', length: 'Längd {d}' },
  en: {
    loading: 'Fetching the audio…',
    label: 'Listen to the voice message',
    telephony: 'As it sounds on the phone',
    length: 'Length {d}',
  },
};

export interface AudioPlayerProps {
  audioId: string;
  /** `telephony` plays the 8 kHz μ-law version calls use. */
  form?: 'preview' | 'telephony';
  label?: string;
  autoPlay?: boolean;
}

export function AudioPlayer({ audioId, form = 'preview', label, autoPlay = false }: AudioPlayerProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const [url, setUrl] = useState<string | null>(null);
  const [durationMs, setDurationMs] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    let objectUrl: string | null = null;
    setUrl(null);
    setError(null);
    rpc.call('audio.get', { audioId, form }).then(
      (a) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(new Blob([base64ToBytes(a.data)], { type: a.contentType }));
        setUrl(objectUrl);
        setDurationMs(a.durationMs);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [rpc, audioId, form]);

  if (error) return <ErrorAlert error={error} />;
  if (!url)
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm">{t('loading')}</Text>
      </Group>
    );
  return (
    <Group gap="sm" wrap="nowrap">
      <audio controls src={url} autoPlay={autoPlay} aria-label={label ?? t('label')} style={{ maxWidth: '100%' }} />
      {durationMs !== null && (
        <Text size="sm" c="dimmed">
          {t('length', { d: formatDuration(durationMs) })}
        </Text>
      )}
    </Group>
  );
}
