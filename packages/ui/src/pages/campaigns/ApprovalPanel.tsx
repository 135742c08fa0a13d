// The two-person rule in the alert view. While the alert waits for approval: who asked, from
// which desktop, when and for how many, then the same "Granska och starta" review the starter
// saw, and for another Larmoperatör "Godkänn och starta" or "Avslå" with a comment (the starter
// sees that someone else must decide). An Administratör has the emergency override with a
// typed reason. Once decided: who decided, and the comment; a rejection and an override are
// shown in red, the override with its reason, wherever the alert is shown (also its report).
import { Alert, Button, Group, List, Loader, Modal, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Approval, PlanReport } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { RoleGuard } from '../../components/RoleGuard';
import { SecondPersonDecision } from '../../components/SecondPersonDecision';
import { pageScope } from '../../components/pageScope';
import { useFormat, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { useSession } from '../../session';
import { ReviewStep } from './ReviewStep';

const dict = {
  sv: {
    waiting: 'Väntar på godkännande',
    asked: '{who} på {desktop} skickade larmet för godkännande {at}.',
    summary: '{n} {n|mottagare|mottagare}, {d} utskick via {ch}, högst {cost} {cur}.',
    'why_head-count': 'Det går till fler mottagare än organisationens gräns.',
    why_vma: 'Det är markerat som skarpt VMA-underlag.',
    own: 'Du skickade larmet. En annan larmoperatör måste godkänna eller avslå det – också om du loggar in på en annan dator.',
    review: 'Granska larmet',
    planning: 'Räknar fram vilka som får larmet…',
    approve: 'Godkänn och starta',
    reject: 'Avslå',
    override: 'Nödundantag…',
    overrideTitle: 'Starta utan en andra operatör?',
    overrideBody:
      'Nödundantaget startar larmet utan att någon annan har godkänt det. Det markeras i rött i händelseloggen och i larmets rapport. Använd det bara när ingen annan larmoperatör kan nås i tid.',
    overrideReason: 'Skäl till nödundantaget',
    overrideReasonHelp: 'Minst 10 tecken. Sparas i händelseloggen med ditt namn.',
    overrideConfirm: 'Starta larmet med nödundantag',
    keep: 'Avbryt',
    approved: 'Godkänt av {who} på {desktop} {at}.',
    rejected: 'Avslaget av {who} på {desktop} {at}.',
    overridden: 'NÖDUNDANTAG: startat utan en andra operatör av {who} på {desktop} {at}.',
    reason: 'Skäl: {c}',
    commentSaid: 'Kommentar: {c}',
    close: 'Stäng',
  },
  en: {
    waiting: 'Awaiting approval',
    asked: '{who} at {desktop} submitted the alert for approval {at}.',
    summary: '{n} {n|recipient|recipients}, {d} sends via {ch}, at most {cost} {cur}.',
    'why_head-count': 'It goes to more recipients than the organisation’s limit.',
    why_vma: 'It is flagged as a live VMA (public warning).',
    own: 'You submitted the alert. Another alert operator must approve or reject it – also if you sign in on another computer.',
    review: 'Review the alert',
    planning: 'Working out who gets the alert…',
    approve: 'Approve and start',
    reject: 'Reject',
    override: 'Emergency override…',
    overrideTitle: 'Start without a second operator?',
    overrideBody:
      'The emergency override starts the alert without anyone else approving it. It is marked in red in the audit log and in the alert’s report. Use it only when no other alert operator can be reached in time.',
    overrideReason: 'Reason for the override',
    overrideReasonHelp: 'At least 10 characters. Kept in the audit log with your name.',
    overrideConfirm: 'Start the alert with an emergency override',
    keep: 'Cancel',
    approved: 'Approved by {who} at {desktop} {at}.',
    rejected: 'Rejected by {who} at {desktop} {at}.',
    overridden: 'EMERGENCY OVERRIDE: started without a second operator by {who} at {desktop} {at}.',
    reason: 'Reason: {c}',
    commentSaid: 'Comment: {c}',
    close: 'Close',
  },
};

/** The alert's approval request, kept current as it is decided here or on another desktop. */
export function useApproval(campaignId: number): Approval | null {
  const q = useQuery('campaigns.approvals', { campaignId });
  useEvent('campaigns.approvals', (e) => {
    if (e.campaignIds.includes(campaignId)) q.reload();
  });
  useEvent('campaigns.changed', (e) => {
    if (e.id === campaignId) q.reload();
  });
  return q.data?.approvals[0] ?? null;
}

export function ApprovalPanel({ approval, onChanged }: { approval: Approval; onChanged: () => void }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const rpc = useRpc();
  const me = useSession().state?.user?.id ?? null;
  const [plan, setPlan] = useState<PlanReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [overriding, setOverriding] = useState(false);
  const [reason, setReason] = useState('');
  const a = approval;
  const pending = a.status === 'awaiting-approval' && a.decision === null;
  const id = a.campaignId;

  useEffect(() => {
    if (!pending) return;
    let live = true;
    rpc.call('campaigns.plan', { id }).then(
      (p) => live && setPlan(p),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [rpc, id, pending]);

  const act = (call: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(null);
    call().then(
      () => {
        setBusy(false);
        after?.();
        onChanged();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };

  const d = a.decision;
  if (d) {
    const who = { who: d.by.name, desktop: d.by.desktop, at: f.dateTime(d.at) };
    const red = d.kind !== 'approved';
    return (
      <Alert color={red ? 'red' : 'green'} variant={d.kind === 'overridden' ? 'filled' : 'light'} role="status">
        <Text fw={700}>{t(d.kind, who)}</Text>
        {d.comment && <Text>{t(d.kind === 'overridden' ? 'reason' : 'commentSaid', { c: d.comment })}</Text>}
      </Alert>
    );
  }
  if (!pending) return null;

  const mine = me !== null && a.requestedBy.id === me;
  const channelList = a.channels.map((c) => words.channel[c]).join(', ');
  return (
    <Paper withBorder p="md" radius="md" style={{ borderColor: 'var(--mantine-color-orange-6)', borderWidth: 3 }}>
      <Stack>
        <Title order={3}>{t('waiting')}</Title>
        <Text fw={600}>{t('asked', { who: a.requestedBy.name, desktop: a.requestedBy.desktop, at: f.dateTime(a.requestedAt) })}</Text>
        <Text>
          {t('summary', {
            n: f.number(a.recipients),
            d: f.number(a.deliveries),
            ch: channelList,
            cost: f.number(a.maxCost),
            cur: a.currency,
          })}
        </Text>
        <List>
          {a.reasons.map((r) => (
            <List.Item key={r}>{t(`why_${r}`)}</List.Item>
          ))}
        </List>
        <Title order={4}>{t('review')}</Title>
        {plan ? (
          <ReviewStep plan={plan} />
        ) : (
          !error && (
            <Group>
              <Loader size="sm" />
              <Text role="status">{t('planning')}</Text>
            </Group>
          )
        )}
        <ErrorAlert error={error} />
        <SecondPersonDecision
          mine={mine}
          ownText={t('own')}
          approveFirst
          busy={busy}
          approve={{
            method: 'campaigns.approve',
            label: t('approve'),
            color: 'red',
            onClick: (comment) => act(() => rpc.call('campaigns.approve', { id, comment })),
          }}
          reject={{
            method: 'campaigns.reject',
            label: t('reject'),
            onClick: (comment) => act(() => rpc.call('campaigns.reject', { id, comment })),
          }}
        />
        <Group>
          <RoleGuard method="campaigns.override">
            {(refused) => (
              <Button variant="subtle" color="red" disabled={refused} onClick={() => setOverriding(true)}>
                {t('override')}
              </Button>
            )}
          </RoleGuard>
        </Group>
      </Stack>
      <Modal
        className={pageScope}
        opened={overriding}
        onClose={() => !busy && setOverriding(false)}
        closeButtonProps={{ 'aria-label': t('close') }}
        title={
          <Text fw={800} size="xl">
            {t('overrideTitle')}
          </Text>
        }
        centered
        size="lg"
      >
        <Stack>
          <Alert color="red">{t('overrideBody')}</Alert>
          <Textarea
            label={t('overrideReason')}
            description={t('overrideReasonHelp')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={3}
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOverriding(false)} disabled={busy} data-autofocus>
              {t('keep')}
            </Button>
            <Button
              color="red"
              loading={busy}
              disabled={reason.trim().length < 10}
              onClick={() =>
                act(
                  () => rpc.call('campaigns.override', { id, reason: reason.trim() }),
                  () => setOverriding(false),
                )
              }
            >
              {t('overrideConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
