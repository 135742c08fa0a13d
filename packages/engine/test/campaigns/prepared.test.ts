// Prepared alerts and repeated alerts through the engine's RPC server with output
// validation on: a plan saved under a name, changed, used for a new draft that plans like
// the original, deleted; a past alert repeated to everyone and to those who did not confirm.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { setRecipientConfirmed } from '../../src/store/recipients';

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

interface Draft {
  id: number;
  name: string;
  status: string;
  settings: { audience: { groupIds: number[]; contactIds: number[] }; steps: { channel: string }[]; schedule: { kind: string } };
}

async function world() {
  engine = await startEngine({
    approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-prepared-')),
    logger: silentLogger(),
    signedIn: { displayName: 'Karin', role: 'admin' },
    validateOutputs: true,
  });
  const group = await call<{ id: number }>('groups.create', { name: 'Räddning' });
  const anna = await call<{ id: number }>('contacts.create', {
    firstName: 'Anna',
    phones: [{ number: '070-123 45 67' }],
    groupIds: [group.id],
  });
  const bo = await call<{ id: number }>('contacts.create', {
    firstName: 'Bo',
    phones: [{ number: '070-765 43 21' }],
    groupIds: [group.id],
  });
  const template = await call<{ id: number }>('templates.create', { name: 'Brand', variants: { sv: { sms: 'Brand. Svara 1.' } } });
  await call('templates.approve', { id: template.id });
  const fields = {
    name: 'Brand – samling',
    templateId: template.id,
    audience: { groupIds: [group.id] },
    steps: [{ channel: 'sms' }],
  };
  return { group, anna, bo, template, fields };
}

describe('prepared alerts', () => {
  it('are saved, listed by name, changed, used for a draft that plans like the original, and deleted — each in the audit log', async () => {
    const { group, fields } = await world();
    const p = await call<{ id: string; name: string; createdBy: string; fields: { steps: unknown[] } }>('preparedAlerts.save', {
      description: 'Utlarmning av räddningsstyrkan',
      fields,
    });
    expect(p).toMatchObject({ name: 'Brand – samling', createdBy: 'Karin' });
    expect(p.fields.steps).toHaveLength(1);
    await call('preparedAlerts.save', { fields: { ...fields, name: 'Annat larm' } });
    const listed = await call<{ preparedAlerts: { name: string }[] }>('preparedAlerts.list', {});
    expect(listed.preparedAlerts.map((x) => x.name)).toEqual(['Annat larm', 'Brand – samling']);

    const changed = await call<{ id: string; name: string; createdAt: string; updatedAt: string }>('preparedAlerts.save', {
      id: p.id,
      fields: { ...fields, name: 'Brand – samling stab' },
    });
    expect(changed.id).toBe(p.id);
    expect((await call<{ preparedAlerts: unknown[] }>('preparedAlerts.list', {})).preparedAlerts).toHaveLength(2);

    const draft = await call<Draft>('preparedAlerts.use', { id: p.id });
    expect(draft).toMatchObject({ name: 'Brand – samling stab', status: 'draft' });
    expect(draft.settings.audience.groupIds).toEqual([group.id]);
    expect(await call('campaigns.plan', { id: draft.id })).toMatchObject({ recipients: 2, blockers: [] });

    await call('preparedAlerts.delete', { id: p.id });
    expect((await call<{ preparedAlerts: unknown[] }>('preparedAlerts.list', {})).preparedAlerts).toHaveLength(1);
    expect(await engine!.rpc.call('preparedAlerts.use', { id: p.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const audit = await call<{ entries: { action: string }[] }>('audit.list', { subjectType: 'preparedAlert' });
    expect(audit.entries.map((e) => e.action).sort()).toEqual([
      'preparedAlert.deleted',
      'preparedAlert.saved',
      'preparedAlert.saved',
      'preparedAlert.saved',
    ]);
  });

  it('refuse a plan whose template does not exist, naming the field', async () => {
    const { fields } = await world();
    const r = await engine!.rpc.call('preparedAlerts.save', { fields: { ...fields, templateId: 999 } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'templateId' }] } });
  });
});

describe('repeating a past alert', () => {
  it('to everyone makes a draft with the same plan; to those who did not confirm, a draft addressed to exactly them', async () => {
    const { anna, bo, fields } = await world();
    const past = await call<Draft>('campaigns.create', { ...fields, schedule: { kind: 'now' } });
    await call('campaigns.start', { id: past.id });
    // Anna confirms.
    const report = await call<{ recipients: { id: number; contactId: number }[] }>('campaigns.report', { id: past.id });
    const annaRecipient = report.recipients.find((r) => r.contactId === anna.id)!;
    engine!.context.store.transaction((tx) =>
      setRecipientConfirmed(tx, annaRecipient.id, new Date().toISOString(), 'key:1:sms:+46701234567'),
    );
    await call('campaigns.cancel', { id: past.id });

    const again = await call<Draft>('campaigns.repeat', { id: past.id, audience: 'all', name: 'Brand – samling (igen)' });
    expect(again).toMatchObject({ name: 'Brand – samling (igen)', status: 'draft' });
    expect(again.settings.audience).toEqual(past.settings.audience);
    expect(again.settings.steps).toEqual(past.settings.steps);

    const rest = await call<Draft>('campaigns.repeat', { id: past.id, audience: 'unconfirmed' });
    expect(rest.name).toBe('Brand – samling');
    expect(rest.settings.audience.contactIds).toEqual([bo.id]);
    expect(rest.settings.audience.groupIds).toEqual([]);
    expect(await call('campaigns.plan', { id: rest.id })).toMatchObject({ recipients: 1 });
  });

  it('to those who did not confirm is refused when everyone confirmed', async () => {
    const { fields } = await world();
    const past = await call<Draft>('campaigns.create', fields);
    await call('campaigns.start', { id: past.id });
    const report = await call<{ recipients: { id: number }[] }>('campaigns.report', { id: past.id });
    engine!.context.store.transaction((tx) => {
      for (const r of report.recipients) setRecipientConfirmed(tx, r.id, new Date().toISOString(), 'key:1:sms:+46700000000');
    });
    const r = await engine!.rpc.call('campaigns.repeat', { id: past.id, audience: 'unconfirmed' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'audience' }] } });
  });
});
