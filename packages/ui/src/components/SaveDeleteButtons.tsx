// The save and delete buttons under an editor of named organisation data (a saved segment, an
// on-call schedule), each behind its role; delete only for one already saved, and only after a
// confirmation that names what goes (the dialog shows the refusal if the engine says no).
import { Button, Group } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { MethodName } from '@gdial/protocol';
import { ConfirmDialog } from './ConfirmDialog';
import { RoleGuard } from './RoleGuard';

export interface SaveDeleteButtonsProps {
  save: { method: MethodName; label: string; onClick: () => void };
  /** Left out for one not saved yet. */
  remove?: {
    method: MethodName;
    label: string;
    confirm: { title: string; confirmLabel: string; body: ReactNode };
    /** Deletes; the dialog stays open with the error when it rejects. */
    run: () => Promise<unknown>;
  };
}

export function SaveDeleteButtons({ save, remove }: SaveDeleteButtonsProps) {
  const [deleting, setDeleting] = useState(false);
  return (
    <Group>
      <RoleGuard method={save.method}>
        {(disabled) => (
          <Button onClick={save.onClick} disabled={disabled}>
            {save.label}
          </Button>
        )}
      </RoleGuard>
      {remove && (
        <>
          <RoleGuard method={remove.method}>
            {(disabled) => (
              <Button variant="subtle" color="red" disabled={disabled} onClick={() => setDeleting(true)}>
                {remove.label}
              </Button>
            )}
          </RoleGuard>
          {deleting && (
            <ConfirmDialog
              opened
              title={remove.confirm.title}
              confirmLabel={remove.confirm.confirmLabel}
              onClose={() => setDeleting(false)}
              onConfirm={remove.run}
            >
              {remove.confirm.body}
            </ConfirmDialog>
          )}
        </>
      )}
    </Group>
  );
}
