// On-call schedules as organisation data: a schedule saved on one desktop reaches another with
// its people as that desktop's own contacts (shared by uid, stored by local id), so both have
// the same person on duty; a deletion travels too.
import type { SyncOp } from '@gdial/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createContactsModule } from '../../src/contacts';
import { contactNames, listSchedules, onDutyContactId } from '../../src/store/schedules';
import { pendingOps } from '../../src/store/sync';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';
import { makeEnv, type TestEnv } from '../campaigns/helpers';

const envs: TestEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
});

function desktop(device: string) {
  const env = makeEnv();
  envs.push(env);
  const replica = new Replica(env.store, sharedCodecs());
  replica.enable(device);
  return { env, replica, services: createContactsModule(env.ctx) };
}

const apply = (to: ReturnType<typeof desktop>, ops: readonly SyncOp[]) =>
  to.env.store.transaction((tx) => ops.forEach((op) => to.replica.applyOp(tx, op)), { origin: 'relay' });

describe('on-call schedules across desktops', () => {
  it('arrive naming the other desktop’s own contacts, with the same person on duty; deletions follow', () => {
    const a = desktop('a');
    const b = desktop('b');
    // Desktop b has a contact of its own first, so the row ids of the shared contacts differ.
    b.services.contacts.create({ firstName: 'Lokal', phones: [{ number: '0709999999' }] });
    const anna = a.services.contacts.create({ firstName: 'Anna', phones: [{ number: '0701000001' }] });
    const bo = a.services.contacts.create({ firstName: 'Bo', phones: [{ number: '0701000002' }] });
    const s = a.services.schedules.save({
      name: 'Jour',
      layers: [{ name: 'Vecka', people: [anna.id, bo.id], start: '2026-01-05T08:00', turnLength: 1, turnUnit: 'weeks' }],
      overrides: [{ contactId: bo.id, from: '2026-12-08T08:00', to: '2026-12-08T17:00' }],
    });
    apply(b, pendingOps(a.env.store.read, 1000));

    const [there] = listSchedules(b.env.store.read);
    expect(there).toMatchObject({ id: s.id, name: 'Jour' });
    const names = contactNames(b.env.store.read, [...there!.layers[0]!.people, there!.overrides[0]!.contactId!]);
    expect([...there!.layers[0]!.people, there!.overrides[0]!.contactId].map((id) => names.get(id!))).toEqual(['Anna', 'Bo', 'Bo']);
    expect(there!.layers[0]!.people).not.toEqual([anna.id, bo.id]);
    for (const at of ['2026-12-08T10:00:00Z', '2026-12-09T10:00:00Z', '2026-12-16T10:00:00Z']) {
      const here = onDutyContactId(a.env.store.read, s.id, Date.parse(at));
      const onB = onDutyContactId(b.env.store.read, s.id, Date.parse(at));
      expect(contactNames(b.env.store.read, [onB!]).get(onB!)).toBe(contactNames(a.env.store.read, [here!]).get(here!));
    }

    a.services.schedules.delete(s.id);
    apply(
      b,
      pendingOps(a.env.store.read, 1000).filter((o) => o.entity === 'schedule'),
    );
    expect(listSchedules(b.env.store.read)).toEqual([]);
  });
});
