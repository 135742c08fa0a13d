// Plays an audio asset of the engine (a synthesised or recorded voice message). The bytes
// come over RPC, not a URL, so the same player works in Electron and in the browser host.
// Audio another workstation of the organisation made is not here until it is first used: the
// player then waits for the operator's "Hämta och lyssna" before the engine fetches it from
// the organisation's server (and checks it).
import { Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { useRpc } from '../rpc/react';
import { base64ToBytes } from './download';
import { ErrorAlert } from './ErrorAlert';
import { formatDuration } from './pcm';

const dict = {
  sv: {
    loading: 'Hämtar ljudet…',
    label: 'Lyssna på röstmeddelandet',
    telephony: 'Som det låter i telefon',
    length: 'Längd {d}',
    fetch: 'Hämta och lyssna',
  },
  en: {
    fetch: 'Fetch and listen',
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
  /** The bytes are on another workstation (`local: false`): fetched only when the operator asks. */
  remote?: boolean;
  /** The audio was fetched (it is local from now on). */
  onFetched?: () => void;
}

export function AudioPlayer({ audioId, form = 'preview', label, autoPlay = false, remote = false, onFetched }: AudioPlayerProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const [asked, setAsked] = useState(false);
  const waiting = remote && !asked;
  const [url, setUrl] = useState<string | null>(null);
  const [durationMs, setDurationMs] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    let objectUrl: string | null = null;
    setUrl(null);
    setError(null);
    if (waiting) return;
    rpc.call('audio.get', { audioId, form }).then(
      (a) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(new Blob([base64ToBytes(a.data)], { type: a.contentType }));
        setUrl(objectUrl);
        setDurationMs(a.durationMs);
        if (remote) onFetched?.();
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
    // onFetched and remote are read when the fetch ends: a new function from the parent's render does not fetch again.
  }, [rpc, audioId, form, waiting]);

  if (waiting)
    return (
      <Group gap="xs">
        <Button size="sm" variant="light" onClick={() => setAsked(true)}>
          {t('fetch')}
        </Button>
      </Group>
    );
  if (error)
    return (
      <Stack gap="xs">
        <ErrorAlert error={error} />
        {remote && (
          <Group>
            <Button size="xs" variant="subtle" onClick={() => setAsked(false)}>
              {t('fetch')}
            </Button>
          </Group>
        )}
      </Stack>
    );
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
