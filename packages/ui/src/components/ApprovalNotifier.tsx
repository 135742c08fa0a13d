// Tells an operator on any page that an alert waits for their approval (the two-person rule):
// a notification when a request another user submitted arrives, from this desktop or through
// sync from another one. Only for those who may approve (Larmoperatör, Administratör); the
// starter is not told about their own request.
import { notifications } from '@mantine/notifications';
import { useRef } from 'react';
import { useT } from '../i18n';
import { navigate } from '../router';
import { useEvent, useRpc } from '../rpc/react';
import { useAllowed, useSession } from '../session';

const dict = {
  sv: {
    title: 'Larm väntar på ditt godkännande',
    body: '”{name}” ({n} mottagare) skickades av {who} på {desktop}. Klicka för att granska.',
    close: 'Stäng meddelandet',
  },
  en: {
    title: 'An alert awaits your approval',
    body: '“{name}” ({n} recipients) was submitted by {who} at {desktop}. Click to review.',
    close: 'Close the message',
  },
};

export function ApprovalNotifier() {
  const t = useT(dict);
  const rpc = useRpc();
  const me = useSession().state?.user?.id ?? null;
  const { allowed } = useAllowed('campaigns.approve');
  const told = useRef(new Set<number>());
  useEvent('campaigns.approvals', () => {
    if (!allowed || me === null) return;
    rpc.call('campaigns.approvals', {}).then(
      ({ approvals }) => {
        for (const a of approvals) {
          if (a.requestedBy.id === me || told.current.has(a.campaignId)) continue;
          told.current.add(a.campaignId);
          notifications.show({
            id: `approval-${a.campaignId}`,
            color: 'orange',
            autoClose: false,
            title: t('title'),
            message: t('body', { name: a.campaignName, n: a.recipients, who: a.requestedBy.name, desktop: a.requestedBy.desktop }),
            onClick: () => {
              notifications.hide(`approval-${a.campaignId}`);
              navigate('campaigns', a.campaignId);
            },
            style: { cursor: 'pointer' },
            closeButtonProps: { 'aria-label': t('close') },
          });
        }
      },
      () => {},
    );
  });
  return null;
}
