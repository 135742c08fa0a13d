// A relay restored from a backup (issue #14): the operations logged after the backup are gone
// from it, and the tenant gets a new sync epoch. Each desktop must then re-push what the
// relay no longer has and take the snapshot again instead of diverging silently. Not built
// yet (docs/sync.md, "After restoring the relay's database from a backup"): today a desktop
// whose cursor is ahead of the restored log is refused (`cursor-ahead`) and the
// organisation stays split, so this test is marked as failing; make it `it` once the epoch
// re-push exists.
import { expect, it } from 'vitest';
import { World } from './world';

it.fails(
  'after the relay is restored from a backup, every desktop and Postgres converge to the model again',
  async () => {
    const world = await World.start({ engines: 2, backend: 'postgres', log: (l) => process.stderr.write(`[restore] ${l}\n`) });
    try {
      const before = await world.command(0, { op: 'createContact', name: 'Hxfore1y', phone: '0701000001' });
      await world.quiesce(30_000);
      await world.backup();
      // Logged after the backup: lost by the restore, acknowledged to the desktops.
      await world.command(0, { op: 'editContact', contact: before.uid!, field: 'role', value: 'efter' });
      await world.command(1, { op: 'createContact', name: 'Hxefter2y', phone: '0701000002' });
      await world.quiesce(30_000);
      await world.restore();
      await world.command(1, { op: 'createContact', name: 'Hxefter3y', phone: '0701000003' });
      await world.quiesce(20_000);
      expect(await world.check(new Map())).toEqual([]);
    } finally {
      await world.close();
    }
  },
  180_000,
);
