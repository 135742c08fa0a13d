import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireMessage } from '@gdial/protocol';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function start(): Promise<Engine> {
  engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-crpc-')),
    logger: silentLogger(),
    signedIn: { displayName: 'Operatör', role: 'admin' },
    validateOutputs: true,
  });
  return engine;
}

const count = async (e: Engine) => {
  const r = await e.rpc.call('contacts.search', {});
  return r.ok ? (r.value as { total: number }).total : -1;
};

describe('contacts over RPC', () => {
  it('creates, reads, searches and updates a contact; outputs match their schemas', async () => {
    const e = await start();
    const created = await e.rpc.call('contacts.create', { firstName: 'Åsa', lastName: 'Öberg', phones: [{ number: '070-123 45 67' }] });
    expect(created).toMatchObject({
      ok: true,
      value: { id: 1, displayName: 'Åsa Öberg', phones: [{ e164: '+46701234567', national: '070-123 45 67', canSms: true }] },
    });
    expect(await e.rpc.call('contacts.search', { query: '0701234' })).toMatchObject({
      ok: true,
      value: { total: 1, items: [{ id: 1, phone: '+46701234567' }] },
    });
    expect(await e.rpc.call('contacts.update', { id: 1, changes: { lastName: 'Berg' } })).toMatchObject({
      ok: true,
      value: { displayName: 'Åsa Berg' },
    });
    expect(await e.rpc.call('contacts.checkPhone', { number: '08-123 456 78' })).toEqual({
      ok: true,
      value: { ok: true, e164: '+46812345678', national: '08-123 456 78', kind: 'fixedLine', canSms: false, country: 'SE' },
    });
  });

  it.each([
    [{ phones: [{ number: '0701' }], firstName: 'X' }, 'phones.0.number', '"0701" is too short'],
    [{ emails: [{ address: 'inte en adress' }], firstName: 'X' }, 'emails.0.address', 'Not a valid e-mail address'],
    [{ phones: [{ number: '0701234567', label: 'fax' }] }, 'phones.0.label', null],
    [{ firstName: 'X', groupIds: [42] }, 'groupIds.0', 'Group 42 does not exist'],
    [{ telegramChatId: '@anna', firstName: 'X' }, 'telegramChatId', 'A Telegram chat id is a number, e.g. 123456789'],
    [{ whatsapp: '123', firstName: 'X' }, 'whatsapp', '"123" is too short'],
    [{}, 'displayName', 'A contact needs a name, an organisation, a phone number or an e-mail address'],
    [
      { firstName: 'X', phones: [{ number: '0701234567' }, { number: '070-123 45 67' }] },
      'phones.1.number',
      '"070-123 45 67" is the same number as phone 1',
    ],
  ])('rejects %j with VALIDATION naming %s, writing nothing', async (input, field, message) => {
    const e = await start();
    const res = await e.rpc.call('contacts.create', input);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('VALIDATION');
    expect(res.error.message).toContain(field);
    const issue = (res.error.details as { path: string; message: string }[]).find((i) => i.path === field);
    expect(issue).toBeDefined();
    if (message) expect(issue?.message).toBe(message);
    expect(await count(e)).toBe(0);
  });

  it('a failed update changes nothing, not even part of the contact', async () => {
    const e = await start();
    await e.rpc.call('contacts.create', { firstName: 'Bo', phones: [{ number: '0701234567' }] });
    const res = await e.rpc.call('contacts.update', {
      id: 1,
      changes: { firstName: 'Ändrad', phones: [{ number: '0702223344' }, { number: 'nej' }] },
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'phones.1.number' }] } });
    expect(await e.rpc.call('contacts.get', { id: 1 })).toMatchObject({
      ok: true,
      value: { firstName: 'Bo', phones: [{ e164: '+46701234567' }] },
    });
  });

  it('answers NOT_FOUND and VALIDATION for the other methods', async () => {
    const e = await start();
    expect(await e.rpc.call('contacts.get', { id: 5 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Contact 5 does not exist' },
    });
    expect(await e.rpc.call('contacts.search', { limit: 0 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'limit' }] },
    });
    expect(await e.rpc.call('contacts.delete', { ids: [] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'ids', message: 'Select at least one contact' }] },
    });
    expect(await e.rpc.call('contacts.import.run', { importId: 'nope', onDuplicate: 'skip' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await e.rpc.call('contacts.import.preview', { source: { kind: 'inline', fileName: 'x.csv', dataBase64: '' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('empty') as string },
    });
    expect(await e.rpc.call('contacts.import.inspect', { source: { kind: 'inline', fileName: 'x.csv', dataBase64: '' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('empty') as string },
    });
    expect(await e.rpc.call('contacts.import.inspect', { source: { kind: 'path', path: '/no/such/file.csv' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'source.path', message: expect.stringContaining('ENOENT') as string }] },
    });
    expect(
      await e.rpc.call('contacts.import.preview', { source: { kind: 'inline', fileName: 'x.csv', dataBase64: 'QQ==' }, replaces: '' }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'replaces' }] } });
    expect(await e.rpc.call('groups.create', { name: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'name', message: 'Group name is required' }] },
    });
    expect(await e.rpc.call('contacts.optOuts.add', { channel: 'sms', address: 'abc' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'address' }] },
    });
    expect(await e.rpc.call('contacts.export', { format: 'pdf' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: [{ path: 'format' }] },
    });
  });

  it('imports over a transport with progress events, then exports', async () => {
    const e = await start();
    const sent: WireMessage[] = [];
    let deliver: (m: unknown) => void = () => {};
    e.connect({ send: (m) => sent.push(m), onMessage: (h) => (deliver = h), onClose: () => {} });
    const rows = ['Förnamn;Efternamn;Mobil;Grupp'];
    for (let i = 0; i < 3000; i++) rows.push(`Person;${i};070${String(i).padStart(7, '0')};Jour`);
    deliver({
      type: 'req',
      id: 1,
      method: 'contacts.import.preview',
      params: { source: { kind: 'inline', fileName: 'a.csv', dataBase64: Buffer.from(rows.join('\n')).toString('base64') } },
    });
    await expect.poll(() => sent.find((m) => m.type === 'res' && m.id === 1)).toBeDefined();
    const preview = sent.find((m) => m.type === 'res' && m.id === 1) as Extract<WireMessage, { type: 'res' }>;
    expect(preview.result).toMatchObject({ ok: true, value: { validRows: 3000, groupsToCreate: ['Jour'] } });
    const importId = (preview.result as { value: { importId: string } }).value.importId;
    deliver({ type: 'req', id: 2, method: 'contacts.import.run', params: { importId, onDuplicate: 'skip' } });
    await expect.poll(() => sent.find((m) => m.type === 'res' && m.id === 2), { timeout: 20_000 }).toBeDefined();
    expect((sent.find((m) => m.type === 'res' && m.id === 2) as Extract<WireMessage, { type: 'res' }>).result).toMatchObject({
      ok: true,
      value: { status: 'completed', created: 3000 },
    });
    const progress = sent.filter((m) => m.type === 'event' && m.name === 'contacts.import.progress');
    expect(progress.at(-1)).toMatchObject({ payload: { importId, phase: 'writing', processed: 3000, total: 3000 } });
    expect(sent.some((m) => m.type === 'event' && m.name === 'groups.changed')).toBe(true);
    const exported = await e.rpc.call('contacts.export', { scope: { kind: 'group', groupId: 1 } });
    expect(exported).toMatchObject({ ok: true, value: { count: 3000, mimeType: 'text/csv; charset=utf-8' } });
  });
});
