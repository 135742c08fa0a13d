// Saved segments in alerts, through the engine's RPC server with output validation on: a
// segment is saved (audited), previewed, and an alert to it reaches whoever fits its rules
// when the alert starts — not when it was drafted; a segment as an exclusion; a deleted
// segment stops the start instead of alerting fewer people; hand-picked contacts.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

interface PlanReport {
  recipients: number;
  blockers: string[];
  blockerRefusals: { code: string; params: Record<string, unknown> }[];
  segments: { id: string; name: string; members: number; excluded: boolean }[];
}

async function world() {
  engine = await startEngine({
    approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-segments-')),
    logger: silentLogger(),
    signedIn: { displayName: 'Karin', role: 'admin' },
    validateOutputs: true,
  });
  const rescue = await call<{ id: number }>('groups.create', { name: 'Räddning' });
  const smoke = await call<{ id: number }>('groups.create', { name: 'Rökdykare', parentId: rescue.id });
  const person = (firstName: string, extra: Record<string, unknown>) =>
    call<{ id: number }>('contacts.create', { firstName, phones: [{ number: `070-${1000000 + firstName.length * 7919}` }], ...extra });
  const anna = await person('Anna', { groupIds: [smoke.id], customFields: { ort: 'Göteborg', ålder: '34' } });
  const bo = await person('Bo', { groupIds: [rescue.id], customFields: { ort: 'Malmö', ålder: 61 } });
  const cilla = await person('Cilla', { groupIds: [smoke.id], customFields: { ort: 'GÖTEBORG' }, tags: ['ledig'] });
  const template = await call<{ id: number }>('templates.create', { name: 'Brand', variants: { sv: { sms: 'Brand. Svara 1.' } } });
  await call('templates.approve', { id: template.id });
  return { rescue, smoke, anna, bo, cilla, template, person };
}

const fields = (templateId: number, audience: Record<string, unknown>) => ({
  name: 'Brand i Göteborg',
  templateId,
  audience,
  steps: [{ channel: 'sms' }],
});

describe('saved segments', () => {
  it('are saved and audited, previewed live, and re-evaluated when the alert starts', async () => {
    const { rescue, anna, cilla, template, person } = await world();
    const rules = [
      { kind: 'group', groupIds: [rescue.id] },
      { kind: 'field', key: 'ort', op: 'eq', value: 'göteborg' },
      { kind: 'tags', tags: ['ledig'], match: 'none' },
      { kind: 'reachable', channel: 'sms' },
    ];
    expect(await call('segments.preview', { rules, limit: 10 })).toEqual({
      count: 1,
      members: [{ id: anna.id, displayName: 'Anna' }],
    });
    const seg = await call<{ id: string; name: string; createdBy: string }>('segments.save', { name: 'Göteborgsstyrkan', rules });
    expect(seg).toMatchObject({ name: 'Göteborgsstyrkan', createdBy: 'Karin' });
    // A second segment of the same name is refused, naming the field.
    expect(await engine!.rpc.call('segments.save', { name: 'göteborgsstyrkan', rules })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'name' }] },
    });

    const draft = await call<{ id: number }>('campaigns.create', fields(template.id, { segmentIds: [seg.id] }));
    expect(await call<PlanReport>('campaigns.plan', { id: draft.id })).toMatchObject({
      recipients: 1,
      segments: [{ id: seg.id, name: 'Göteborgsstyrkan', members: 1, excluded: false }],
    });
    // After the draft: Cilla is no longer off duty and Dan moves to Göteborg. The start sees both.
    await call('contacts.removeTags', { ids: [cilla.id], tags: ['ledig'] });
    const dan = await person('Dan', { groupIds: [rescue.id], customFields: { ort: 'Göteborg' } });
    const { plan: report } = await call<{ plan: PlanReport }>('campaigns.start', { id: draft.id });
    expect(report).toMatchObject({ recipients: 3, segments: [{ id: seg.id, members: 3 }] });
    const recipients = await call<{ recipients: { contactId: number }[] }>('campaigns.report', { id: draft.id });
    expect(recipients.recipients.map((r) => r.contactId).sort((a, b) => a - b)).toEqual([anna.id, cilla.id, dan.id]);

    const audit = await call<{ entries: { action: string; subjectId: string }[] }>('audit.list', { subjectType: 'segment' });
    expect(audit.entries.map((e) => [e.action, e.subjectId])).toEqual([['segment.saved', seg.id]]);
  });

  it('exclude their members where a segment is an excluded audience', async () => {
    const { rescue, bo, template } = await world();
    const older = await call<{ id: string }>('segments.save', {
      name: 'Över 60',
      rules: [{ kind: 'field', key: 'ålder', op: 'gt', value: '60' }],
    });
    const draft = await call<{ id: number }>(
      'campaigns.create',
      fields(template.id, { groupIds: [rescue.id], excludeSegmentIds: [older.id] }),
    );
    const plan = await call<PlanReport & { exclusionSamples: { contactId: number }[] }>('campaigns.plan', { id: draft.id });
    expect(plan).toMatchObject({ recipients: 2, segments: [{ id: older.id, members: 1, excluded: true }] });
    expect(plan.exclusionSamples.map((s) => s.contactId)).toEqual([bo.id]);
  });

  it('deleted, stop the start of an alert that names it (never a quieter alert)', async () => {
    const { rescue, template } = await world();
    const seg = await call<{ id: string }>('segments.save', { name: 'Alla', rules: [{ kind: 'group', groupIds: [rescue.id] }] });
    const draft = await call<{ id: number }>('campaigns.create', fields(template.id, { groupIds: [rescue.id], segmentIds: [seg.id] }));
    await call('segments.delete', { id: seg.id });
    const plan = await call<PlanReport>('campaigns.plan', { id: draft.id });
    expect(plan.blockerRefusals).toContainEqual({ code: 'plan.segment-missing', params: { segment: seg.id } });
    expect(await engine!.rpc.call('campaigns.start', { id: draft.id })).toMatchObject({ ok: false });
    const audit = await call<{ entries: { action: string }[] }>('audit.list', { subjectType: 'segment' });
    expect(audit.entries.map((e) => e.action).sort()).toEqual(['segment.deleted', 'segment.saved']);
  });

  it('refuse rules naming a group that does not exist, and a numeric comparison without a number', async () => {
    await world();
    expect(await engine!.rpc.call('segments.save', { name: 'X', rules: [{ kind: 'group', groupIds: [999] }] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'rules.0.groupIds' }] },
    });
    expect(
      await engine!.rpc.call('segments.save', { name: 'X', rules: [{ kind: 'field', key: 'ålder', op: 'lt', value: 'tio' }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('hand-picked contacts are alerted with a segment, each once', async () => {
    const { bo, anna, template } = await world();
    const seg = await call<{ id: string }>('segments.save', {
      name: 'Göteborg',
      rules: [{ kind: 'field', key: 'ort', op: 'contains', value: 'göte' }],
    });
    const draft = await call<{ id: number }>(
      'campaigns.create',
      fields(template.id, { segmentIds: [seg.id], contactIds: [bo.id, anna.id] }),
    );
    expect(await call<PlanReport>('campaigns.plan', { id: draft.id })).toMatchObject({ recipients: 3 });
  });
});
