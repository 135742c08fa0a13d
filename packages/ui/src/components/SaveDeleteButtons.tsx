// The save and delete buttons under an editor of named organisation data (a saved segment, an
// on-call schedule), each behind its role; delete only for one already saved, and it asks first
// (the page's own confirmation dialog, opened by `onDelete`).
import { Button, Group } from '@mantine/core';
import type { MethodName } from '@gdial/protocol';
import { RoleGuard } from './RoleGuard';

export interface SaveDeleteButtonsProps {
  save: { method: MethodName; label: string; onClick: () => void };
  /** Left out for one not saved yet. */
  remove?: { method: MethodName; label: string; onClick: () => void };
}

export function SaveDeleteButtons({ save, remove }: SaveDeleteButtonsProps) {
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
        <RoleGuard method={remove.method}>
          {(disabled) => (
            <Button variant="subtle" color="red" disabled={disabled} onClick={remove.onClick}>
              {remove.label}
            </Button>
          )}
        </RoleGuard>
      )}
    </Group>
  );
}
