// On-call schedules through the engine's RPC server with output validation on: saved and
// audited, their final schedule and gaps over a range, who is on duty now, and an alert to a
// segment of those on duty that reaches whoever is on duty when the alert starts — not when
// it was drafted. A schedule a segment uses cannot be deleted; unknown people are refused.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { swedishInstant, swedishLocal } from '@gdial/protocol';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function call<T = unknown>(method: string, params: unknown): Promise<T> {
  const res = await engine!.rpc.call(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

const HOUR = 3_600_000;

async function world() {
  engine = await startEngine({
    approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-schedules-')),
    logger: silentLogger(),
    signedIn: { displayName: 'Karin', role: 'admin' },
    validateOutputs: true,
  });
  const person = (firstName: string, n: number) =>
    call<{ id: number }>('contacts.create', { firstName, phones: [{ number: `070-100000${n}` }] });
  const anna = await person('Anna', 1);
  const bo = await person('Bo', 2);
  const cilla = await person('Cilla', 3);
  const template = await call<{ id: number }>('templates.create', { name: 'Brand', variants: { sv: { sms: 'Brand. Svara 1.' } } });
  await call('templates.approve', { id: template.id });
  return { anna, bo, cilla, template };
}

interface Resolution {
  shifts: { from: string; to: string; person: { id: number; displayName: string } | null; source: { kind: string } }[];
  gaps: { from: string; to: string }[];
}

/** A wall-clock time `hours` from now, to the minute. */
const local = (hours: number) => swedishLocal(Date.now() + hours * HOUR);

describe('on-call schedules', () => {
  it('are saved and audited; the final schedule shows overrides and gaps (an override naming nobody)', async () => {
    const { anna, bo } = await world();
    const s = await call<{ id: string; createdBy: string }>('schedules.save', {
      name: 'Räddningsledare',
      layers: [
        {
          name: 'Dagtid',
          people: [anna.id, bo.id],
          start: '2026-12-07T08:00',
          turnLength: 1,
          turnUnit: 'days',
          restriction: { kind: 'daily', from: '08:00', to: '17:00' },
        },
      ],
      overrides: [{ contactId: null, from: '2026-12-08T12:00', to: '2026-12-08T13:00' }],
    });
    expect(s.createdBy).toBe('Karin');
    const res = await call<Resolution>('schedules.resolve', {
      id: s.id,
      from: new Date(swedishInstant('2026-12-08T06:00')).toISOString(),
      to: new Date(swedishInstant('2026-12-08T18:00')).toISOString(),
    });
    expect(res.shifts.map((x) => [swedishLocal(Date.parse(x.from)), x.person?.displayName ?? null, x.source.kind])).toEqual([
      ['2026-12-08T06:00', null, 'none'],
      ['2026-12-08T08:00', 'Bo', 'layer'],
      ['2026-12-08T12:00', null, 'override'],
      ['2026-12-08T13:00', 'Bo', 'layer'],
      ['2026-12-08T17:00', null, 'none'],
    ]);
    expect(res.gaps.map((g) => [swedishLocal(Date.parse(g.from)), swedishLocal(Date.parse(g.to))])).toEqual([
      ['2026-12-08T06:00', '2026-12-08T08:00'],
      ['2026-12-08T12:00', '2026-12-08T13:00'],
      ['2026-12-08T17:00', '2026-12-08T18:00'],
    ]);
    const audit = await call<{ entries: { action: string; subjectId: string }[] }>('audit.list', { subjectType: 'schedule' });
    expect(audit.entries.map((e) => [e.action, e.subjectId])).toEqual([['schedule.saved', s.id]]);
    // A schedule being edited is resolved without saving it.
    const draft = await call<Resolution>('schedules.resolve', {
      schedule: { name: 'Utkast', layers: [{ name: 'A', people: [anna.id], start: local(-1), turnLength: 1, turnUnit: 'weeks' }] },
    });
    expect(draft.gaps).toEqual([]);
    expect(draft.shifts).toMatchObject([{ person: { id: anna.id } }]);
  });

  it('an alert to those on duty reaches whoever is on duty when it starts', async () => {
    const { anna, bo, cilla, template } = await world();
    const layers = [{ name: 'Vecka', people: [anna.id, cilla.id], start: local(-1), turnLength: 1, turnUnit: 'weeks' }];
    const s = await call<{ id: string; name: string }>('schedules.save', { name: 'Jour', layers });
    expect(await call('schedules.onDuty', {})).toMatchObject({
      onDuty: [{ scheduleId: s.id, person: { id: anna.id, displayName: 'Anna' } }],
    });
    const seg = await call<{ id: string }>('segments.save', { name: 'I tjänst nu', rules: [{ kind: 'onDuty', scheduleId: s.id }] });
    expect(await call('segments.preview', { rules: [{ kind: 'onDuty', scheduleId: s.id }], limit: 5 })).toEqual({
      count: 1,
      members: [{ id: anna.id, displayName: 'Anna' }],
    });
    const alert = await call<{ id: number }>('campaigns.create', {
      name: 'Larm till jouren',
      templateId: template.id,
      audience: { segmentIds: [seg.id] },
      steps: [{ channel: 'sms' }],
    });
    expect(await call('campaigns.plan', { id: alert.id })).toMatchObject({ recipients: 1, segments: [{ id: seg.id, members: 1 }] });
    // After the draft, Bo takes over for the afternoon: the start alerts Bo.
    await call('schedules.save', { id: s.id, name: 'Jour', layers, overrides: [{ contactId: bo.id, from: local(-0.5), to: local(3) }] });
    await call('campaigns.start', { id: alert.id });
    const report = await call<{ recipients: { contactId: number }[] }>('campaigns.report', { id: alert.id });
    expect(report.recipients.map((r) => r.contactId)).toEqual([bo.id]);

    // The segment's schedule cannot be deleted; once the segment is gone it can.
    expect(await engine!.rpc.call('schedules.delete', { id: s.id })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await call('segments.delete', { id: seg.id });
    await call('schedules.delete', { id: s.id });
    expect(await call('schedules.list', {})).toEqual({ schedules: [] });
  });

  it('refuse people who do not exist, a segment naming no schedule, and a range that ends before it starts', async () => {
    const { anna } = await world();
    const layer = { name: 'A', people: [anna.id, 999], start: '2026-12-07T08:00', turnLength: 1, turnUnit: 'days' };
    expect(await engine!.rpc.call('schedules.save', { name: 'X', layers: [layer] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'layers.0.people.1' }] },
    });
    expect(
      await engine!.rpc.call('schedules.save', { name: 'X', layers: [{ ...layer, people: [anna.id], start: '2026-02-30T08:00' }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await engine!.rpc.call('segments.save', { name: 'Jour', rules: [{ kind: 'onDuty', scheduleId: 'saknas' }] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'rules.0.scheduleId' }] },
    });
    const s = await call<{ id: string }>('schedules.save', { name: 'X', layers: [{ ...layer, people: [anna.id] }] });
    expect(
      await engine!.rpc.call('schedules.resolve', { id: s.id, from: '2026-12-09T00:00:00Z', to: '2026-12-08T00:00:00Z' }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
