// Pre-approval of a prepared alert in the console: the badge that says where it stands
// ("Godkänd av X (datum)", "Väntar på godkännande", rejected, or void after an edit), the
// author's request, and the decision dialog where a different operator reads the plan and
// approves it or rejects it with a reason. An approved prepared alert starts above the
// two-person rule's threshold with only the head-count confirmation; an edit voids it.
import { Badge, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { PreparedAlert } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';
import { SecondPersonDecision } from '../../components/SecondPersonDecision';
import { useFormat, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useSession } from '../../session';

const dict = {
  sv: {
    approved: 'Godkänd av {who} ({date})',
    pending: 'Väntar på godkännande',
    rejected: 'Avslagen av {who} ({date})',
    void: 'Godkännandet gäller inte längre – larmmallen har ändrats',
    request: 'Begär godkännande',
    requestLabel: 'Begär godkännande av larmmallen {name}',
    requestTitle: 'Begär förhandsgodkännande av {name}?',
    requestBody:
      'En annan larmoperatör granskar larmmallen en gång nu. När den är godkänd startar larm från den med bara bekräftelsen av antalet mottagare, även över gränsen för tvåpersonsregeln. Ändrar någon larmmallen efteråt slutar godkännandet att gälla.',
    requestConfirm: 'Begär godkännande',
    decide: 'Granska',
    decideLabel: 'Granska larmmallen {name}',
    decideTitle: 'Förhandsgodkänn larmmallen {name}?',
    asked: '{who} på {desktop} begärde godkännandet {at}.',
    people: '{n} {n|person|personer} i mottagarlistan när det begärdes.',
    plan: 'Det här godkänner du',
    audience: 'Mottagare: {groups}',
    nobodyNamed: 'inga grupper (enskilda personer eller taggar)',
    people2: '{n} {n|enskild person|enskilda personer}',
    channels: 'Kanaler i ordning: {ch}',
    template: 'Meddelande: mallen {name}',
    covers:
      'Godkännandet gäller planen ovan. Vid start visas hur många som får larmet då, och den som startar skriver in antalet. Via API startar larmet utan nytt godkännande bara så länge mottagarna inte är fler än nu.',
    own: 'Du begärde godkännandet själv. En annan larmoperatör måste godkänna eller avslå det – också om du loggar in på en annan dator.',
    approve: 'Godkänn larmmallen',
    reject: 'Avslå',
    cancel: 'Avbryt',
    reason: 'Skäl: {c}',
  },
  en: {
    approved: 'Approved by {who} ({date})',
    pending: 'Awaiting approval',
    rejected: 'Rejected by {who} ({date})',
    void: 'The approval no longer holds – the prepared alert was changed',
    request: 'Ask for approval',
    requestLabel: 'Ask for approval of the prepared alert {name}',
    requestTitle: 'Ask for pre-approval of {name}?',
    requestBody:
      'Another alert operator reviews the prepared alert once, now. Once approved, alerts from it start with only the confirmation of the number of recipients, also above the two-person rule’s limit. If anyone changes the prepared alert afterwards, the approval no longer holds.',
    requestConfirm: 'Ask for approval',
    decide: 'Review',
    decideLabel: 'Review the prepared alert {name}',
    decideTitle: 'Pre-approve the prepared alert {name}?',
    asked: '{who} at {desktop} asked for the approval {at}.',
    people: '{n} {n|person|people} in the audience when it was asked.',
    plan: 'What you approve',
    audience: 'Recipients: {groups}',
    nobodyNamed: 'no groups (single people or tags)',
    people2: '{n} {n|single person|single people}',
    channels: 'Channels in order: {ch}',
    template: 'Message: the template {name}',
    covers:
      'The approval covers the plan above. At start, the number who get the alert then is shown and the one who starts it types that number. Through the API the alert starts without a new approval only while the recipients are no more than now.',
    own: 'You asked for the approval yourself. Another alert operator must approve or reject it – also if you sign in on another computer.',
    approve: 'Approve the prepared alert',
    reject: 'Reject',
    cancel: 'Cancel',
    reason: 'Reason: {c}',
  },
};

/** Where the prepared alert's pre-approval stands; nothing when it was never asked. */
export function PreparedApprovalBadge({ p }: { p: PreparedAlert }) {
  const t = useT(dict);
  const f = useFormat();
  const d = p.approval?.decision;
  const date = (iso: string) => new Date(iso).toLocaleDateString(f.locale);
  switch (p.approvalState) {
    case 'approved':
      return (
        <Badge color="green" variant="filled" size="lg" tt="none">
          {t('approved', { who: d!.by.name, date: date(d!.at) })}
        </Badge>
      );
    case 'pending':
      return (
        <Badge color="orange" variant="filled" size="lg" tt="none">
          {t('pending')}
        </Badge>
      );
    case 'rejected':
      return (
        <Badge color="red" variant="filled" size="lg" tt="none" title={t('reason', { c: d!.comment })}>
          {t('rejected', { who: d!.by.name, date: date(d!.at) })}
        </Badge>
      );
    case 'void':
      return (
        <Badge color="gray" variant="outline" size="lg" tt="none">
          {t('void')}
        </Badge>
      );
    case 'none':
      return null;
  }
}

/** The author's "Begär godkännande" (also after a rejection or an edit), or "Granska" for a request waiting. */
export function PreparedApprovalButton({ p, onDecide }: { p: PreparedAlert; onDecide: (p: PreparedAlert) => void }) {
  const t = useT(dict);
  const rpc = useRpc();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (p.approvalState === 'approved') return null;
  if (p.approvalState === 'pending')
    return (
      <RoleGuard method="preparedAlerts.approve">
        {(refused) => (
          <Button
            size="compact-sm"
            color="orange"
            disabled={refused}
            onClick={() => onDecide(p)}
            aria-label={t('decideLabel', { name: p.name })}
          >
            {t('decide')}
          </Button>
        )}
      </RoleGuard>
    );
  return (
    <>
      <RoleGuard method="preparedAlerts.requestApproval">
        {(refused) => (
          <Button
            size="compact-sm"
            variant="default"
            disabled={refused}
            onClick={() => setAsking(true)}
            aria-label={t('requestLabel', { name: p.name })}
          >
            {t('request')}
          </Button>
        )}
      </RoleGuard>
      <Modal
        className={pageScope}
        opened={asking}
        onClose={() => !busy && setAsking(false)}
        closeButtonProps={{ 'aria-label': t('cancel') }}
        title={
          <Text fw={700} size="lg">
            {t('requestTitle', { name: p.name })}
          </Text>
        }
        centered
        size="lg"
      >
        <Stack>
          <Text>{t('requestBody')}</Text>
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)} disabled={busy} data-autofocus>
              {t('cancel')}
            </Button>
            <Button
              loading={busy}
              onClick={() => {
                setBusy(true);
                setError(null);
                rpc
                  .call('preparedAlerts.requestApproval', { id: p.id })
                  .then(() => setAsking(false), setError)
                  .finally(() => setBusy(false));
              }}
            >
              {t('requestConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** A different operator reads the plan and approves it, or rejects it with a reason. */
export function PreparedDecisionDialog({ p, onClose }: { p: PreparedAlert | null; onClose: () => void }) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const words = useWords();
  const me = useSession().state?.user?.id ?? null;
  const groups = useQuery('groups.list', {});
  const templates = useQuery('templates.list', {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const a = p?.approval;
  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };
  const act = (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    call()
      .then(onClose, setError)
      .finally(() => setBusy(false));
  };
  const groupName = new Map((groups.data?.groups ?? []).map((g) => [g.id, g.name]));
  const template = (templates.data?.templates ?? []).find((x) => x.id === p?.fields.templateId);
  const audience = p?.fields.audience;
  return (
    <Modal
      className={pageScope}
      opened={p !== null && a !== null && a !== undefined}
      onClose={close}
      closeButtonProps={{ 'aria-label': t('cancel') }}
      title={
        <Text fw={700} size="lg">
          {p ? t('decideTitle', { name: p.name }) : ''}
        </Text>
      }
      centered
      size="lg"
    >
      {p && a && audience && (
        <Stack>
          <Text fw={600}>{t('asked', { who: a.requestedBy.name, desktop: a.requestedBy.desktop, at: f.dateTime(a.requestedAt) })}</Text>
          <Text>{t('people', { n: f.number(a.people) })}</Text>
          <Text fw={700}>{t('plan')}</Text>
          <List>
            <List.Item>
              {t('audience', {
                groups:
                  audience.groupIds.length > 0 ? audience.groupIds.map((id) => groupName.get(id) ?? `#${id}`).join(', ') : t('nobodyNamed'),
              })}
              {audience.contactIds.length > 0 && ` + ${t('people2', { n: f.number(audience.contactIds.length) })}`}
            </List.Item>
            <List.Item>{t('channels', { ch: p.fields.steps.map((s) => words.channel[s.channel]).join(' → ') })}</List.Item>
            {template && <List.Item>{t('template', { name: template.name })}</List.Item>}
          </List>
          <Text size="sm">{t('covers')}</Text>
          <ErrorAlert error={error} />
          <SecondPersonDecision
            mine={a.requestedBy.id === me}
            ownText={t('own')}
            justify="flex-end"
            autofocus
            busy={busy}
            before={
              <Button variant="default" onClick={close} disabled={busy}>
                {t('cancel')}
              </Button>
            }
            reject={{
              method: 'preparedAlerts.reject',
              label: t('reject'),
              color: 'red',
              onClick: (comment) => act(() => rpc.call('preparedAlerts.reject', { id: p.id, comment })),
            }}
            approve={{
              method: 'preparedAlerts.approve',
              label: t('approve'),
              color: 'green',
              onClick: (comment) => act(() => rpc.call('preparedAlerts.approve', { id: p.id, comment })),
            }}
          />
        </Stack>
      )}
    </Modal>
  );
}
