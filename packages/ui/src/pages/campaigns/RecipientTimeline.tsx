// One recipient's story in a campaign: each delivery (step, channel, address) with every
// status change the engine recorded, so an operator can answer "did Anna get it?" exactly.
import { Alert, Badge, Drawer, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import type { RecipientReport } from '@gdial/protocol';
import { outcomeColour, useWords } from '../../components/labels';
import { displayAddress } from '../../components/phone';
import { useFormat, useT } from '../../i18n';
import { orderTimeline } from './rollCall';
import { PhoneFollowUp } from './PhoneFollowUp';
import { pageScope } from '../../components/pageScope';

const dict = {
  sv: {
    close: 'Stäng',
    title: 'Förlopp för {n}',
    step: 'Steg {n}',
    attempts: '{n} försök',
    confirmedAt: 'Bekräftade {t} via {v}',
    noEvents: 'Inget har hänt ännu.',
    duplicate:
      'Skickades igen efter ett avbrott eftersom leverantören inte kände till det första försöket. Personen kan ha fått meddelandet två gånger.',
    error: 'Fel: {e}',
    skipped: 'Skickades inte: {e}',
    provider: 'Leverantörens status: {s}',
    via: 'via {p}',
    due: 'Planerad till {t} (kan flyttas tidigare när förra steget är klart)',
  },
  en: {
    close: 'Close',
    title: 'History for {n}',
    step: 'Step {n}',
    attempts: '{n} attempts',
    confirmedAt: 'Confirmed {t} via {v}',
    noEvents: 'Nothing has happened yet.',
    duplicate:
      'Sent again after an interruption because the provider had no record of the first attempt. The person may have got it twice.',
    error: 'Error: {e}',
    skipped: 'Not sent: {e}',
    provider: 'Provider status: {s}',
    via: 'via {p}',
    due: 'Scheduled for {t} (may move earlier once the previous step is done)',
  },
};

/** A provider as operators know it. */
export const providerLabel = (p: string): string =>
  ({ twilio: 'Twilio', elks: '46elks', sendgrid: 'SendGrid', telegram: 'Telegram' })[p] ?? p;

export function RecipientTimeline({
  recipient,
  onClose,
  followUp,
}: {
  recipient: RecipientReport | null;
  onClose: () => void;
  /** The roll-call's follow-up by phone: the alert, whether this workstation may mark people, and a reload after. */
  followUp?: { campaignId: number; here: boolean; onConfirmed: () => void };
}) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  return (
    <Drawer
      className={pageScope}
      opened={recipient !== null}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('close') }}
      position="right"
      size="xl"
      title={
        recipient ? (
          <Title order={2} size="h3">
            {t('title', { n: recipient.displayName })}
          </Title>
        ) : null
      }
    >
      {recipient && (
        <Stack>
          <Group>
            <Badge size="lg" color={outcomeColour(recipient.outcome)}>
              {words.outcome[recipient.outcome]}
            </Badge>
            {recipient.confirmedAt && (
              <Text>
                {t('confirmedAt', {
                  t: f.dateTime(recipient.confirmedAt),
                  v: recipient.confirmedVia ? words.confirmedVia(recipient.confirmedVia) : '–',
                })}
              </Text>
            )}
          </Group>
          {followUp && (
            <PhoneFollowUp
              campaignId={followUp.campaignId}
              recipient={recipient}
              canConfirm={followUp.here && recipient.outcome !== 'confirmed'}
              onConfirmed={followUp.onConfirmed}
            />
          )}
          {recipient.deliveries.map((d) => (
            <Stack key={d.id} gap="xs">
              <Group gap="xs" wrap="wrap">
                <Text fw={700} style={{ overflowWrap: 'anywhere' }}>
                  {t('step', { n: d.stepIndex + 1 })} · {words.channel[d.channel]} · {displayAddress(d.address)}
                </Text>
                <Badge variant="light">{words.deliveryState[d.state]}</Badge>
                {d.provider && (
                  <Badge variant="outline" color="blue">
                    {t('via', { p: providerLabel(d.provider) })}
                  </Badge>
                )}
                {d.attempts > 1 && (
                  <Badge variant="outline" color="gray">
                    {t('attempts', { n: d.attempts })}
                  </Badge>
                )}
              </Group>
              {d.providerStatus && (
                <Text size="sm" c="dimmed">
                  {t('provider', { s: words.eventDetail(d.providerStatus) })}
                </Text>
              )}
              {d.error && d.state === 'skipped' && (
                <Text size="sm" c="dimmed">
                  {t('skipped', { e: words.eventDetail(d.error) })}
                </Text>
              )}
              {d.error && d.state !== 'skipped' && (
                <Text size="sm" c="var(--gdial-error-text)">
                  {t('error', { e: words.eventDetail(d.error) })}
                </Text>
              )}
              {d.possibleDuplicate && <Alert color="orange">{t('duplicate')}</Alert>}
              {d.events.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('noEvents')}
                </Text>
              ) : (
                <Timeline bulletSize={14} lineWidth={2} active={d.events.length - 1}>
                  {orderTimeline(d.events).map((e, i) => (
                    <Timeline.Item key={i} title={words.deliveryEvent(e.kind)}>
                      <Text size="xs" c="dimmed">
                        {f.dateTime(e.at)}
                      </Text>
                      {e.detail && (
                        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                          {e.kind === 'scheduled' && !Number.isNaN(Date.parse(e.detail))
                            ? t('due', { t: f.dateTime(e.detail) })
                            : words.eventDetail(e.detail)}
                        </Text>
                      )}
                    </Timeline.Item>
                  ))}
                </Timeline>
              )}
            </Stack>
          ))}
        </Stack>
      )}
    </Drawer>
  );
}
