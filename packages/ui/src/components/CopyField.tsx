// A value shown once to be copied (an invitation's code and link, an API key's secret): a
// read-only field that selects itself on focus, with a copy button beside it.
import { Button, CopyButton, Group, TextInput } from '@mantine/core';

export function CopyField({ label, value, copy, copied }: { label: string; value: string; copy: string; copied: string }) {
  return (
    <Group align="flex-end">
      <TextInput label={label} value={value} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
      <CopyButton value={value}>
        {({ copied: done, copy: run }) => (
          <Button variant="light" onClick={run} aria-label={`${copy}: ${label}`}>
            {done ? copied : copy}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
