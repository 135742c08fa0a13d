// A control the signed-in role may not use: shown, disabled, with the reason in a tooltip
// (and kept reachable by keyboard so the reason can be read). Hiding would leave the
// operator guessing; the engine refuses the call anyway (the role table in permissions.ts).
import { Tooltip } from '@mantine/core';
import type { ReactElement } from 'react';
import type { MethodName } from '@gdial/protocol';
import { useAllowed } from '../session';

export function RoleGuard({ method, children }: { method: MethodName; children: (disabled: boolean) => ReactElement }) {
  const { allowed, reason } = useAllowed(method);
  if (allowed) return children(false);
  return (
    <Tooltip label={reason} withArrow multiline w={320}>
      <span tabIndex={0} style={{ display: 'inline-block' }} data-role-refusal={reason}>
        {children(true)}
      </span>
    </Tooltip>
  );
}
