import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireMessage } from '@gdial/protocol';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { RpcServer, type Handlers, type Transport } from '../../src/rpc/server';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function start(): Promise<Engine> {
  engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-rpc-')),
    logger: silentLogger(),
    signedIn: { displayName: 'Test Operatör', role: 'admin' },
    validateOutputs: true,
  });
  return engine;
}

/** An in-memory transport pair: what the client sends arrives at the server and back. */
function pair() {
  const toClient: WireMessage[] = [];
  let serverHandler: (m: unknown) => void = () => {};
  let closeHandler = () => {};
  const transport: Transport = {
    send: (m) => toClient.push(m),
    onMessage: (h) => (serverHandler = h),
    onClose: (h) => (closeHandler = h),
  };
  return { transport, toClient, send: (m: unknown) => serverHandler(m), close: () => closeHandler() };
}

describe('RPC server', () => {
  it('answers a valid call with ok and the value', async () => {
    const e = await start();
    const res = await e.rpc.call('system.info', {});
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.value).toMatchObject({ operator: 'Test Operatör', demo: false });
  });

  it('rejects invalid input with VALIDATION naming the field, and changes nothing', async () => {
    const e = await start();
    const res = await e.rpc.call('system.setOperator', { name: '   ' });
    expect(res).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: expect.stringContaining('name: Operator name is required') as string,
        details: [{ path: 'name', message: 'Operator name is required', code: 'text.empty' }],
      },
    });
    const info = await e.rpc.call('system.info', {});
    expect(info.ok && (info.value as { operator: string }).operator).toBe('Test Operatör');
  });

  it('rejects unknown methods', async () => {
    const e = await start();
    expect(await e.rpc.call('contacts.nuke', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('serves requests over a transport and pushes events', async () => {
    const e = await start();
    const p = pair();
    e.connect(p.transport);
    p.send({ type: 'req', id: 7, method: 'system.setOperator', params: { name: 'Anna' } });
    await expect.poll(() => p.toClient.length).toBe(1);
    expect(p.toClient[0]).toEqual({ type: 'res', id: 7, result: { ok: true, value: { operator: 'Anna' } } });
    const audit = await e.rpc.call('audit.list', { limit: 5 });
    expect(audit.ok && (audit.value as { entries: { actor: string; action: string }[] }).entries[0]).toMatchObject({
      actor: 'Anna',
      action: 'operator.set',
    });
    e.rpc.emit('system.shutdown', { reason: 'test' });
    expect(p.toClient[1]).toEqual({ type: 'event', name: 'system.shutdown', payload: { reason: 'test' } });
  });

  it('answers a quick call before running a slow one that arrived with it', async () => {
    // A WebSocket hands over the messages of one read together; the slow call (synchronous,
    // as SQLite work is) must not hold back the answer already computed for the first.
    const answeredBeforeSlowRan: number[] = [];
    const handlers = {
      'session.current': () => ({ user: null }),
      'groups.list': () => {
        answeredBeforeSlowRan.push(p.toClient.length);
        return { groups: [] };
      },
    } as unknown as Handlers;
    const server = new RpcServer(handlers, { logger: silentLogger(), authorise: () => null });
    const p = pair();
    server.attach(p.transport);
    p.send({ type: 'req', id: 1, method: 'session.current', params: {} });
    p.send({ type: 'req', id: 2, method: 'groups.list', params: {} });
    await expect.poll(() => p.toClient.length).toBe(2);
    expect(answeredBeforeSlowRan).toEqual([1]);
    expect(p.toClient.map((m) => (m as { id: number }).id)).toEqual([1, 2]);
  });

  it('refuses calls once draining', async () => {
    const e = await start();
    await e.rpc.drain();
    expect(await e.rpc.call('system.info', {})).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
  });
});
