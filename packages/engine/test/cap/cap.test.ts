// CAP import, CAP export and the VMA underlag through the engine's RPC server (output
// validation on): a CAP message becomes a draft alert with its text, language, area and
// severity; any alert exports as CAP 1.2 that reads back and validates (status Test for a
// test alert); the VMA form is refused while incomplete and otherwise gives a one-page PDF
// (read back with pdftotext), the text for the phone and a CAP message, audited by name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkCapAlert, type Campaign, type Template, type VmaForm, type VmaUnderlag } from '@gdial/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCapAlert, readCapDocument } from '../../src/cap/parse';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { capDocument, englishInfo } from './documents';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

type Res<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string; refusal?: { code: string; params: Record<string, unknown> } } };
const raw = <T>(method: string, params: unknown) => engine!.rpc.call(method, params) as Promise<Res<T>>;
async function call<T = unknown>(method: string, params: unknown): Promise<T> {
  const res = await raw<T>(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value;
}

async function start(role: 'admin' | 'operator' | 'editor' | 'reader' = 'admin') {
  engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-cap-')),
    logger: silentLogger(),
    signedIn: { displayName: 'Karin Ek', role },
    validateOutputs: true,
  });
}

describe('CAP import', () => {
  it('makes a draft alert with the text, language, area and severity of the Swedish info block', async () => {
    await start();
    const { campaignId } = await call<{ campaignId: number }>('cap.import', {
      xml: capDocument({ extraInfo: englishInfo }),
      fileName: 'brand.xml',
    });
    const c = await call<Campaign>('campaigns.get', { id: campaignId });
    expect(c.status).toBe('draft');
    expect(c.name).toBe('Brand med kraftig rök på Öxnered');
    expect(c.settings.cap).toEqual({
      event: 'Brand i industribyggnad',
      category: 'Fire',
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      areaDesc: 'Öxnered, Vänersborgs kommun',
      source: { sender: 'raddning@vanersborg.se', identifier: 'SE-VBG-2026-0042', sent: '2026-05-24T16:49:00+02:00' },
    });
    const t = await call<Template>('templates.get', { id: c.templateId });
    expect(Object.keys(t.variants)).toEqual(['sv']);
    expect(t.variants.sv!.sms).toBe(
      'Brand med kraftig rök på Öxnered\n\nEn brand i en lagerbyggnad ger kraftig rök över området.\n\nGå inomhus och stäng dörrar, fönster och ventilation.',
    );
    expect(t.channels).toEqual(expect.arrayContaining(['sms', 'voice', 'email', 'telegram']));
    const audit = await call<{ entries: { action: string; actor: string }[] }>('audit.list', { limit: 10 });
    expect(audit.entries.find((e) => e.action === 'cap.imported')?.actor).toBe('Karin Ek');
  });

  it('takes the English block when there is no Swedish one', async () => {
    await start();
    const xml = capDocument({ info: { language: 'fr-FR' }, extraInfo: englishInfo });
    const { campaignId } = await call<{ campaignId: number }>('cap.import', { xml });
    const c = await call<Campaign>('campaigns.get', { id: campaignId });
    const t = await call<Template>('templates.get', { id: c.templateId });
    expect(Object.keys(t.variants)).toEqual(['en']);
    expect(c.name).toBe('Fire with heavy smoke at Öxnered');
  });

  it('refuses a message without severity by naming the element, and writes nothing', async () => {
    await start();
    const res = await raw('cap.import', { xml: capDocument({ info: { severity: null } }) });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('VALIDATION');
    expect(res.error.refusal).toEqual({
      code: 'cap.invalid',
      params: { rule: 'info.severity.missing', path: 'info[1]/severity', value: '' },
    });
    expect((await call<{ campaigns: unknown[] }>('campaigns.list', {})).campaigns).toEqual([]);
    expect((await call<{ templates: unknown[] }>('templates.list', {})).templates).toEqual([]);
  });

  it('is refused to a Läsare', async () => {
    await start('reader');
    const res = await raw('cap.import', { xml: capDocument() });
    expect(res.ok || res.error.code).toBe('FORBIDDEN');
  });
});

describe('CAP export', () => {
  it('round-trips an imported alert: export, read back, every standard rule holds, the facts are kept', async () => {
    await start();
    const { campaignId } = await call<{ campaignId: number }>('cap.import', { xml: capDocument() });
    const out = await call<{ xml: string; fileName: string }>('cap.export', { id: campaignId });
    expect(out.fileName).toBe(`cap-brand-med-kraftig-rok-pa-oxnered-${campaignId}`);
    const doc = parseCapAlert(out.xml);
    expect(doc.status).toBe('Actual');
    expect(doc.msgType).toBe('Alert');
    expect(doc.scope).toBe('Public');
    expect(doc.info[0]).toMatchObject({
      language: 'sv-SE',
      category: ['Fire'],
      event: 'Brand i industribyggnad',
      severity: 'Severe',
      urgency: 'Immediate',
      certainty: 'Observed',
      headline: 'Brand med kraftig rök på Öxnered',
    });
    expect(doc.info[0]!.area[0]!.areaDesc).toBe('Öxnered, Vänersborgs kommun');
    // The identifier is the alert's: the same on every export.
    const again = parseCapAlert((await call<{ xml: string }>('cap.export', { id: campaignId })).xml);
    expect(again.identifier).toBe(doc.identifier);
    // Importing the export gives a draft with the same text.
    const back = await call<{ campaignId: number }>('cap.import', { xml: out.xml });
    const c = await call<Campaign>('campaigns.get', { id: back.campaignId });
    expect(c.settings.cap?.severity).toBe('Severe');
    expect(c.settings.cap?.source?.identifier).toBe(doc.identifier);
  });

  it('exports an alert made in the wizard (no CAP facts) as valid CAP, with status Test in test mode, escaping its text', async () => {
    await start();
    const group = await call<{ id: number }>('groups.create', { name: 'Provgrupp' });
    const t = await call<{ id: number }>('templates.create', {
      name: 'Vatten',
      variants: { sv: { sms: 'Koka vattnet <minst> 1 minut & svara 1.' }, en: { sms: 'Boil the water.' } },
    });
    const live = await call<Campaign>('campaigns.create', { name: 'Kokning', templateId: t.id, steps: [{ channel: 'sms' }] });
    const test = await call<Campaign>('campaigns.create', {
      name: 'Kokning, prov',
      templateId: t.id,
      steps: [{ channel: 'sms' }],
      testGroupId: group.id,
    });
    expect(test.testMode).toBe(true);
    const liveDoc = readCapDocument((await call<{ xml: string }>('cap.export', { id: live.id })).xml);
    expect(checkCapAlert(liveDoc, ['standard'])).toEqual([]);
    expect(liveDoc.status).toBe('Actual');
    expect(liveDoc.info.map((i) => [i.language, i.description])).toEqual([
      ['sv-SE', 'Koka vattnet <minst> 1 minut & svara 1.'],
      ['en-US', 'Boil the water.'],
    ]);
    expect(liveDoc.info[0]).toMatchObject({ category: ['Safety'], event: 'Kokning', severity: 'Unknown' });
    const testDoc = readCapDocument((await call<{ xml: string }>('cap.export', { id: test.id })).xml);
    expect(checkCapAlert(testDoc, ['standard'])).toEqual([]);
    expect(testDoc.status).toBe('Test');
    expect(testDoc.identifier).not.toBe(liveDoc.identifier);
  });
});

const form: VmaForm = {
  level: 'warning',
  area: 'Öxnered och Vänersborgs centrum, inom 3 km från Lagervägen',
  happened: 'Brand i en lagerbyggnad med kemikalier på Lagervägen.',
  threat: 'Giftig rök driver mot bostadsområden söderut.',
  publicAction: 'Gå inomhus, stäng dörrar, fönster och ventilation. Lyssna på Sveriges Radio P4.',
  publicHelp: 'Undvik området och ring inte 112 för frågor; ring 113 13.',
  requester: 'Räddningsledare Åsa Öberg, Räddningstjänsten Väst',
  callbackPhone: '0521-72 10 00',
  alertId: null,
};

describe('VMA underlag', () => {
  it('is refused while a point is missing, naming each one', async () => {
    await start('operator');
    const res = await raw('vma.underlag', { ...form, threat: ' ', publicHelp: '', callbackPhone: '12' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.refusal).toEqual({ code: 'vma.incomplete', params: { missing: 'threat,publicHelp,callbackPhone' } });
  });

  it('makes a one-page PDF with the five points in Swedish, the phone text and a valid CAP message; audited by name', async () => {
    await start('operator');
    const u = await call<VmaUnderlag>('vma.underlag', form);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-vma-'));
    const pdf = path.join(dir, 'u.pdf');
    writeFileSync(pdf, Buffer.from(u.pdfBase64, 'base64'));
    expect(execFileSync('pdfinfo', [pdf]).toString()).toMatch(/Pages:\s+1\n/);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString().replace(/\s+/g, ' ');
    for (const s of [
      'Underlag för VMA – begäran till SOS Alarm',
      'Varningsmeddelande',
      '1. Område som berörs',
      'Öxnered och Vänersborgs centrum',
      '2. Vad har hänt eller kan hända',
      '3. Vad är det akuta hotet',
      'Giftig rök driver mot bostadsområden söderut.',
      '4. Vad ska allmänheten göra',
      '5. Hur kan allmänheten hjälpa till',
      'Räddningsledare Åsa Öberg',
      '0521-72 10 00',
      'Gjort av Karin Ek',
      'GDial skickar inget VMA',
    ])
      expect(text).toContain(s);
    expect(u.phoneText.split('\n')).toEqual([
      'Begäran om VMA, varningsmeddelande.',
      expect.stringMatching(
        /^Begärt av Räddningsledare Åsa Öberg, Räddningstjänsten Väst, nås på 0521-72 10 00\. Underlaget gjort av Karin Ek /,
      ),
      `1. Område som berörs: ${form.area}`,
      `2. Vad har hänt eller kan hända: ${form.happened}`,
      `3. Vad är det akuta hotet: ${form.threat}`,
      `4. Vad ska allmänheten göra: ${form.publicAction}`,
      `5. Hur kan allmänheten hjälpa till: ${form.publicHelp}`,
    ]);
    const cap = readCapDocument(u.capXml);
    expect(checkCapAlert(cap, ['standard'])).toEqual([]);
    expect(cap.info[0]).toMatchObject({
      language: 'sv-SE',
      urgency: 'Immediate',
      severity: 'Severe',
      headline: 'Viktigt meddelande till allmänheten',
    });
    expect(cap.info[0]!.area[0]!.areaDesc).toBe(form.area);
    expect(u.madeBy).toBe('Karin Ek');
    const audit = await call<{ entries: { action: string; actor: string; params: Record<string, unknown> | null }[] }>('audit.list', {
      limit: 5,
    });
    const entry = audit.entries.find((e) => e.action === 'vma.underlag');
    expect(entry?.actor).toBe('Karin Ek');
    expect(entry?.params).toMatchObject({ requester: form.requester, level: 'warning' });
  });

  it('stays on one page when every point is as long as the form allows', async () => {
    await start('operator');
    const long = 'Ååå äää ööö lång mening om läget. '.repeat(29).slice(0, 1000);
    const u = await call<VmaUnderlag>('vma.underlag', {
      ...form,
      area: long,
      happened: long,
      threat: long,
      publicAction: long,
      publicHelp: long,
    });
    const pdf = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-vma-')), 'u.pdf');
    writeFileSync(pdf, Buffer.from(u.pdfBase64, 'base64'));
    expect(execFileSync('pdfinfo', [pdf]).toString()).toMatch(/Pages:\s+1\n/);
    expect(execFileSync('pdftotext', [pdf, '-']).toString()).toContain('GDial skickar inget VMA');
  });

  it('is an operator’s act: a Redaktör is refused', async () => {
    await start('editor');
    const res = await raw('vma.underlag', form);
    expect(res.ok || res.error.code).toBe('FORBIDDEN');
  });
});
