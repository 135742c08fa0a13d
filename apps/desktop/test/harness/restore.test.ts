// A relay restored from a backup (issue #14): the operations logged after the backup are gone
// from it, and the tenant gets a new sync epoch (`admin new-epoch`). Each desktop sees the
// new epoch in the stream's answer, re-pushes its merged states (what the relay no longer
// has is logged again for the others), takes the snapshot again and resumes where the
// restored log ended, instead of diverging silently (docs/sync.md).
import { expect, it } from 'vitest';
import { World } from './world';

it('after the relay is restored from a backup, every desktop and Postgres converge to the model again', async () => {
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
}, 180_000);
