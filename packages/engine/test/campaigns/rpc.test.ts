// The campaign methods through the engine's RPC server with output validation on: what the
// UI gets back must match the contract in @gdial/protocol.
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

describe('campaign RPC', () => {
  it('templates, planning, start, progress, report, CSV, inbox and prices answer within their schemas', async () => {
    engine = await startEngine({
      approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-campaign-rpc-')),
      logger: silentLogger(),
      signedIn: { displayName: 'Op', role: 'admin' },
      validateOutputs: true,
    });
    const group = await call<{ id: number }>('groups.create', { name: 'Stab' });
    const anna = await call<{ id: number }>('contacts.create', {
      firstName: 'Anna',
      lastName: 'Ek',
      phones: [{ number: '070-123 45 67' }],
      groupIds: [group.id],
      customFields: { enhet: 'R3' },
    });
    await call('contacts.create', { firstName: 'Bo', phones: [{ number: '070-765 43 21' }], language: 'en', groupIds: [group.id] });

    const bad = await engine.rpc.call('templates.create', { name: 'x', variants: { sv: { sms: 'Hej {{fornamn}}' } } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'variants.sv.sms' }] } });

    const t = await call<{ id: number; status: string; variables: string[] }>('templates.create', {
      name: 'Larm',
      variants: { sv: { sms: 'Hej {{first_name}}, enhet {{custom.enhet}}. Svara 1.' }, en: { sms: 'Hi {{first_name}}. Reply 1.' } },
      fallbacks: { 'custom.enhet': 'okänd' },
    });
    expect(t).toMatchObject({ status: 'draft', variables: ['first_name', 'custom.enhet'] });
    expect(await call('templates.preview', { templateId: t.id, contactId: anna.id, channel: 'sms' })).toMatchObject({
      text: 'Hej Anna, enhet R3. Svara 1.',
      sms: { segments: 1 },
    });

    const c = await call<{ id: number; status: string }>('campaigns.create', {
      name: 'Övning',
      templateId: t.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });
    const plan = await call<{ recipients: number; templateApproved: boolean; warnings: string[] }>('campaigns.plan', { id: c.id });
    expect(plan).toMatchObject({ recipients: 2, templateApproved: false });
    const refused = await engine.rpc.call('campaigns.start', { id: c.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'PRECONDITION' } });
    await call('templates.approve', { id: t.id });
    const started = await call<{ campaign: { status: string } }>('campaigns.start', { id: c.id });
    expect(started.campaign.status).toBe('running');
    const progress = await call<{ recipients: number; deliveries: Record<string, number> }>('campaigns.progress', { id: c.id });
    expect(progress.recipients).toBe(2);
    const report = await call<{ recipients: { deliveries: unknown[] }[] }>('campaigns.report', { id: c.id });
    expect(report.recipients).toHaveLength(2);
    const csv = await call<{ rows: number; fileName: string }>('campaigns.exportCsv', { id: c.id });
    expect(csv).toMatchObject({ rows: 2, fileName: expect.stringMatching(/\.csv$/) as string });
    await call('campaigns.reportExported', { id: c.id, format: 'pdf' });
    // Each export of the report is audited (the CSV by the engine, the PDF when the console has the file).
    const exports = (
      await call<{ entries: { action: string; params: { format?: string } }[] }>('audit.list', { limit: 50 })
    ).entries.filter((e) => e.action === 'campaign.reportExported');
    expect(exports.map((e) => e.params.format).sort()).toEqual(['csv', 'pdf']);
    expect((await call<{ campaigns: unknown[] }>('campaigns.list', {})).campaigns).toHaveLength(1);
    expect(await call('inbox.list', {})).toEqual({ messages: [] });
    const prices = await call<{ currency: string }>('campaigns.priceTable.get', {});
    expect(prices.currency).toBe('SEK');
    await call('campaigns.priceTable.set', { ...prices, smsPerSegment: { SE: 0.5 } });
    expect(await call('campaigns.pause', { id: c.id })).toMatchObject({ status: 'paused' });
    expect(await call('campaigns.cancel', { id: c.id, reason: 'test' })).toMatchObject({ status: 'cancelled' });
    const audit = await call<{ entries: { action: string }[] }>('audit.list', { subjectType: 'campaign' });
    expect(audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['campaign.create', 'campaign.start', 'campaign.pause', 'campaign.cancel']),
    );
  });
});
