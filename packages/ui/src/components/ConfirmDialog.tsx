// A confirmation for something that cannot be undone (deleting, erasing). It names what
// will happen and how many it affects, the safe choice has the focus, and while the call
// runs the dialog stays open and shows its outcome.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useT } from '../i18n';
import { ErrorAlert } from './ErrorAlert';
import contrast from './contrast.module.css';

const dict = {
  sv: { cancel: 'Avbryt' },
  en: { cancel: 'Cancel' },
};

export interface ConfirmDialogProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The safe choice; "Cancel" unless given. */
  cancelLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}

export function ConfirmDialog({
  opened,
  title,
  children,
  confirmLabel,
  cancelLabel,
  danger = true,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const t = useT(dict);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('cancel') }}
      className={contrast.scope}
      opened={opened}
      onClose={close}
      title={
        <Text fw={700} size="lg">
          {title}
        </Text>
      }
      centered
      size="lg"
    >
      <Stack>
        {children}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy} data-autofocus>
            {cancelLabel ?? t('cancel')}
          </Button>
          <Button
            color={danger ? 'red' : undefined}
            loading={busy}
            onClick={() => {
              setBusy(true);
              setError(null);
              onConfirm().then(
                () => {
                  setBusy(false);
                  onClose();
                },
                (e: unknown) => {
                  setBusy(false);
                  setError(e);
                },
              );
            }}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
