// Failure behaviour: the relay process is SIGKILLed again and again during a burst of signed
// webhooks that the sender retries until it gets a 2xx; every acknowledged event must reach
// the desktop exactly once and in order. Also: a desktop offline for the whole burst replays
// it all, and two relay instances share one Postgres (webhooks into one, desktop on the other).
import { webhookOf } from '@gdial/protocol';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRelay } from '../src/index';
import { pgSandbox, postUntilAcked, ReconnectingDesktop, twilioSigned, waitFor, type Backend } from './helpers';
import { freePort, RelayProcess, relayEnv, runAdmin } from './process';
import { addTenant } from './setup';

async function provision(env: Record<string, string>, slug: string) {
  const authToken = `tok-${randomBytes(8).toString('hex')}`;
  const created = runAdmin(env, ['create-tenant', slug, '--name', 'Kommun']);
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  expect(runAdmin({ ...env, TWILIO_AUTH_TOKEN: authToken }, ['set-credentials', slug, '--from-env']).status).toBe(0);
  const enrol = runAdmin(env, ['create-enrolment', slug]);
  expect(enrol.status).toBe(0);
  const token = enrol.stdout.trim().split('\n').at(-1)!;
  expect(token).toMatch(/^gde_/);
  return { authToken, enrolmentToken: token };
}

describe.each<Backend>(['postgres', 'pglite'])('SIGKILL during a webhook burst (%s)', (backend) => {
  const sandbox = backend === 'postgres' ? pgSandbox() : null;
  const dataDir = backend === 'pglite' ? mkdtempSync(path.join(tmpdir(), 'gdial-relay-kill-')) : null;
  let relay: RelayProcess | null = null;
  afterAll(async () => {
    await relay?.kill();
    await sandbox?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('delivers every acknowledged event exactly once, in order, across repeated kills', async () => {
    const port = await freePort();
    const env = relayEnv(port, {
      RELAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...(sandbox
        ? { DATABASE_URL: sandbox.databaseUrl, RELAY_DB_SCHEMA: sandbox.schema, RELAY_DB_APP_ROLE: sandbox.appRole }
        : { RELAY_DATA_DIR: dataDir! }),
    });
    const { authToken, enrolmentToken } = await provision(env, 'kill-org');
    relay = new RelayProcess(port, env);
    await relay.start();
    const r = relay;
    const enrolled = (await (
      await fetch(`${r.url}/api/v1/devices/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrolmentToken, deviceName: 'desk' }),
      })
    ).json()) as { deviceToken: string };

    const desktop = new ReconnectingDesktop(() => r.url, enrolled.deviceToken);
    await desktop.start();

    // Embedded PGlite restarts slower (it loads Postgres compiled to WebAssembly): a smaller burst.
    const total = backend === 'postgres' ? 400 : 200;
    const url = `${r.url}/hooks/kill-org/twilio/message-status?d=burst`;
    const acked = new Set<string>();
    // Senders may send events below the gate; each kill opens the next stretch, so the kills
    // land mid-burst however fast this machine happens to be.
    const kills = 3;
    const stretch = Math.floor(total / (kills + 1));
    let gate = stretch;
    let next = 0;
    const sender = async () => {
      while (next < total) {
        const i = next++;
        await waitFor('the burst gate to open', () => i < gate, 120_000);
        const params = { MessageSid: `SM${i}`, MessageStatus: 'delivered', AccountSid: 'AC1' };
        const s = twilioSigned(authToken, url, params);
        await postUntilAcked(() => url, s.headers, s.body);
        acked.add(`msg:SM${i}:delivered`);
      }
    };
    const senders = Array.from({ length: 8 }, () => sender());

    for (let k = 1; k <= kills; k++) {
      // Killed while the last few sends below the gate are still in flight.
      await waitFor('webhooks acknowledged up to the kill point', () => acked.size >= gate - 10, 60_000);
      await r.kill('SIGKILL');
      await r.start();
      gate = k === kills ? total : (k + 1) * stretch;
    }
    await Promise.all(senders);
    await waitFor('the desktop to catch up', () => desktop.cursor >= total, 30_000);
    await desktop.stop();

    const seqs = desktop.received.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1)); // nothing twice, nothing missing, in order
    const keys = desktop.received.map((e) => webhookOf(e.event).eventKey);
    expect(new Set(keys).size).toBe(total);
    expect(new Set(keys)).toEqual(acked);
    expect(desktop.connects).toBeGreaterThan(kills);
  }, 240_000);
});

describe('two relay instances on one Postgres', () => {
  const sandbox = pgSandbox();
  afterAll(async () => sandbox.drop(), 60_000);

  it('webhooks into one instance reach a desktop connected to the other, live and on replay', async () => {
    const key = randomBytes(32);
    const common = {
      encryptionKey: key,
      databaseUrl: sandbox.databaseUrl,
      dbSchema: sandbox.schema,
      dbAppRole: sandbox.appRole,
      pollIntervalMs: 60_000,
    };
    const ingest = await startRelay(common);
    const push = await startRelay(common);
    try {
      const t = await addTenant(ingest, 'two-org');
      const desktop = new ReconnectingDesktop(() => push.url, t.deviceToken);
      await desktop.start();
      const url = `${ingest.publicBaseUrl}/hooks/two-org/twilio/message-status`;
      for (let i = 0; i < 50; i++) {
        const s = twilioSigned(t.twilioAuthToken, url, { MessageSid: `SM${i}`, MessageStatus: 'sent' });
        await postUntilAcked(() => url, s.headers, s.body);
      }
      // Polling is set to a minute: only NOTIFY can make this quick.
      await waitFor('events via the other instance', () => desktop.cursor >= 50, 10_000);
      expect(desktop.received.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await desktop.stop();
    } finally {
      await Promise.all([ingest.close(), push.close()]);
    }
  });

  it('falls back to polling when notifications are not heard', async () => {
    const key = randomBytes(32);
    const ingest = await startRelay({
      encryptionKey: key,
      databaseUrl: sandbox.databaseUrl,
      dbSchema: sandbox.schema,
      dbAppRole: sandbox.appRole,
    });
    // The pusher does not LISTEN at all (as behind a transaction-pooling proxy): only its poll can wake it.
    const push = await startRelay({
      encryptionKey: key,
      databaseUrl: sandbox.databaseUrl,
      dbSchema: sandbox.schema,
      dbAppRole: sandbox.appRole,
      pollIntervalMs: 100,
      listen: false,
    });
    try {
      const t = await addTenant(ingest, 'poll-org');
      const desktop = new ReconnectingDesktop(() => push.url, t.deviceToken);
      await desktop.start();
      const url = `${ingest.publicBaseUrl}/hooks/poll-org/twilio/message-status`;
      const s = twilioSigned(t.twilioAuthToken, url, { MessageSid: 'SMp', MessageStatus: 'sent' });
      await postUntilAcked(() => url, s.headers, s.body);
      await waitFor('the polled event', () => desktop.cursor >= 1, 10_000);
      await desktop.stop();
    } finally {
      await Promise.all([ingest.close(), push.close()]);
    }
  });
});
