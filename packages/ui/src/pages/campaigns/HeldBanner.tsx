// Väntar på nät: the banner an alert shows while a channel's path is down. It says which
// channel waits, since when and how many people wait on it, that GDial keeps trying and
// goes on by itself when the path returns, and offers what the operator can do instead:
// skip the channel (the waiting people move on to their next step now) or cancel. A voice
// step can also wait for its audio, when another workstation made it and the organisation's
// server cannot hand it over now (provider "relay").
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { CampaignProgress, Channel } from '@gdial/protocol';
import { useWords } from '../../components/labels';
import { useFormat, useT } from '../../i18n';

const dict = {
  sv: {
    title: 'Väntar på nät – {c}',
    body: '{n} personer väntar sedan {t}: GDial når inte {p}. Ingen räknas som ej nådd och ingen förbrukar försök; GDial provar igen med några sekunders mellanrum och skickar vidare i planens ordning så fort nätet är tillbaka.',
    skip: 'Hoppa över {c} – gå vidare till nästa steg nu',
    cancel: 'Avbryt larmet…',
    relay: 'organisationens server för att hämta samtalets inspelade ljud ({m})',
  },
  en: {
    title: 'Waiting for the network – {c}',
    body: '{n} people waiting since {t}: GDial cannot reach {p}. Nobody counts as not reached and nobody uses up attempts; GDial tries again every few seconds and sends on in the plan’s order as soon as the network is back.',
    skip: 'Skip {c} – go on to the next step now',
    cancel: 'Cancel the alert…',
    relay: "the organisation's server to fetch the call's recorded audio ({m})",
  },
};

export function HeldBanner({
  held,
  busy,
  onSkip,
  onCancel,
}: {
  held: CampaignProgress['held'];
  busy: boolean;
  /** Null on an alert another desktop runs (only it can skip a channel). */
  onSkip: ((channel: Channel) => void) | null;
  onCancel: (() => void) | null;
}) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  if (held.length === 0) return null;
  return (
    <Stack gap="xs">
      {held.map((h) => {
        const c = words.channel[h.channel];
        return (
          <Alert key={h.channel} color="orange" role="alert" title={t('title', { c })}>
            <Stack gap="xs">
              <Text size="sm">
                {t('body', {
                  n: f.number(h.waiting),
                  t: f.dateTime(h.since),
                  p: h.provider === 'relay' ? t('relay', { m: h.message }) : h.provider,
                })}
              </Text>
              <Group>
                {onSkip && (
                  <Button size="sm" color="orange" variant="outline" loading={busy} onClick={() => onSkip(h.channel)}>
                    {t('skip', { c: c.toLowerCase() })}
                  </Button>
                )}
                {onCancel && (
                  <Button size="sm" color="red" variant="subtle" onClick={onCancel}>
                    {t('cancel')}
                  </Button>
                )}
              </Group>
            </Stack>
          </Alert>
        );
      })}
    </Stack>
  );
}
