// A button in the console's header that shows how many things wait (filled while any do) and
// opens a drawer on the right listing them: the notification bell and the health centre.
import { Button, Drawer, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

export interface HeaderDrawerProps {
  /** The button's word, and its accessible name with and without things waiting. */
  label: string;
  ariaLabel: string;
  count: number;
  /** The filled button's colour while things wait (white text on it must reach 4.5:1). */
  color: string | undefined;
  title: string;
  explain: string;
  error: unknown;
  onOpen?: () => void;
  /** The drawer's list; given close, for links that leave the drawer. */
  children: (close: () => void) => ReactNode;
}

export function HeaderDrawer({ label, ariaLabel, count, color, title, explain, error, onOpen, children }: HeaderDrawerProps) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button
        color={color}
        variant={count > 0 ? 'filled' : 'default'}
        size="compact-sm"
        onClick={() => {
          onOpen?.();
          open();
        }}
        aria-label={ariaLabel}
        aria-haspopup="dialog"
      >
        {count > 0 ? `${label} (${count})` : label}
      </Button>
      <Drawer
        opened={opened}
        onClose={close}
        position="right"
        size="md"
        title={
          <Title order={2} size="h3">
            {title}
          </Title>
        }
      >
        <Stack>
          <Text size="sm">{explain}</Text>
          <ErrorAlert error={error} />
          {children(close)}
        </Stack>
      </Drawer>
    </>
  );
}
