// The second person's part of a two-person decision (an alert waiting for approval, a prepared
// alert's pre-approval): to the one who asked, that someone else must decide; to anyone else, a
// comment and the approve and reject buttons, each behind its role. A rejection needs a comment
// of at least three characters; both are kept in the audit log with the comment.
import { Alert, Button, Group, Textarea } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { MethodName } from '@gdial/protocol';
import { useT } from '../i18n';
import { RoleGuard } from './RoleGuard';

const dict = {
  sv: { comment: 'Kommentar', commentHelp: 'Krävs när du avslår. Sparas i händelseloggen.' },
  en: { comment: 'Comment', commentHelp: 'Required when you reject. Kept in the audit log.' },
};

export interface DecisionButton {
  method: MethodName;
  label: string;
  /** Called with the trimmed comment. */
  onClick: (comment: string) => void;
}

export interface SecondPersonDecisionProps {
  /** Whether the signed-in user is the one who asked (they may not decide). */
  mine: boolean;
  /** What the one who asked is told instead. */
  ownText: string;
  approve: DecisionButton & { color: string };
  reject: DecisionButton & { color?: string };
  busy: boolean;
  /** Buttons placed before reject and approve (a dialog's Avbryt). */
  before?: ReactNode;
  justify?: 'flex-start' | 'flex-end';
  /** Put the keyboard focus in the comment when a dialog opens. */
  autofocus?: boolean;
  /** Order of the two buttons: the alert view puts approve first, a dialog last. */
  approveFirst?: boolean;
}

export function SecondPersonDecision(props: SecondPersonDecisionProps) {
  const t = useT(dict);
  const [comment, setComment] = useState('');
  const { mine, ownText, approve, reject, busy } = props;
  if (mine) return <Alert color="orange">{ownText}</Alert>;
  const text = comment.trim();
  const approveButton = (
    <RoleGuard key="approve" method={approve.method}>
      {(refused) => (
        <Button
          color={approve.color}
          size={props.approveFirst ? 'md' : undefined}
          disabled={refused}
          loading={busy}
          onClick={() => approve.onClick(text)}
        >
          {approve.label}
        </Button>
      )}
    </RoleGuard>
  );
  const rejectButton = (
    <RoleGuard key="reject" method={reject.method}>
      {(refused) => (
        <Button
          variant="outline"
          color={reject.color}
          size={props.approveFirst ? 'md' : undefined}
          disabled={refused || text.length < 3}
          loading={busy}
          onClick={() => reject.onClick(text)}
        >
          {reject.label}
        </Button>
      )}
    </RoleGuard>
  );
  return (
    <>
      <Textarea
        label={t('comment')}
        description={t('commentHelp')}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
        autosize
        minRows={2}
        data-autofocus={props.autofocus || undefined}
      />
      <Group justify={props.justify}>
        {props.before}
        {props.approveFirst ? [approveButton, rejectButton] : [rejectButton, approveButton]}
      </Group>
    </>
  );
}
