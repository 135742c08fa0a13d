// Burn messages at the relay: a desktop stores a sealed text, the recipient's page opens it
// once (two simultaneous opens: one wins), a second open says when it was read, an expired
// one is refused and cleared, the desktops get a burn-opened event, and neither the
// relay's database nor its log ever holds the text or the key.
import { Writable } from 'node:stream';
import { openBurnText, sealBurnText } from '@gdial/engine/burn';
import { BURN_ID_BYTES, burnUploadResponseSchema } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log';
import { backends, TestDesktop, waitFor } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const SECRET = 'Portkod 4711, samling vid skyddat boende Ekvägen 3';

describe.each(backends)('burn messages on %s', (backend) => {
  let fx: RelayFixture;
  let t: TenantFixture;
  const logged: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(chunk.toString('utf8'));
        done();
      },
    });
    fx = await startTestRelay(backend, { logger: createLogger({ level: 'debug', destination }) });
    t = await addTenant(fx.relay, 'burn-org');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const upload = async (text: string, opts: { expiresAt?: string; deliveryToken?: string | null } = {}) => {
    const sealed = sealBurnText(text);
    const res = await fetch(`${fx.relay.url}/api/v1/burn-messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ciphertext: sealed.ciphertext,
        iv: sealed.iv,
        expiresAt: opts.expiresAt ?? new Date(Date.now() + 3_600_000).toISOString(),
        deliveryToken: opts.deliveryToken ?? null,
      }),
    });
    expect(res.status).toBe(201);
    return { ...burnUploadResponseSchema.parse(await res.json()), sealed };
  };
  const open = (url: string) => fetch(`${url}/open`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  it('shows the text once: the page, one open of two simultaneous ones, then "redan läst" with the time', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
    try {
      const stored = await upload(SECRET, { deliveryToken: 'dtok-burn-1' });
      // 128 random bits: 22 base64url characters that decode to 16 bytes.
      expect(stored.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(stored.id, 'base64url')).toHaveLength(BURN_ID_BYTES);
      expect(stored.url).toBe(`${fx.relay.publicBaseUrl}/b/${stored.id}`);

      // The page (what a link preview fetches too) does not use up the reading.
      for (let i = 0; i < 2; i++) {
        const page = await fetch(stored.url);
        expect(page.status).toBe(200);
        expect(page.headers.get('cache-control')).toBe('no-store');
        expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
        const html = await page.text();
        expect(html).toContain('lang="sv"');
        expect(html).toContain('Visa meddelandet');
        expect(html).not.toMatch(/<(link|img)\b|src=/);
      }

      const [a, b] = await Promise.all([open(stored.url), open(stored.url)]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      expect([a.status, b.status].sort()).toEqual([200, 410]);
      const body = (await winner.json()) as { ciphertext: string; iv: string };
      expect(openBurnText(body, stored.sealed.key)).toBe(SECRET);
      const refused = (await loser.json()) as { state: string; openedAt: string; text: string };
      expect(refused.state).toBe('opened');
      expect(refused.text).toMatch(/^Meddelandet är redan läst \(\d+ [a-z]+ 20\d\d kl\. \d\d:\d\d\)/);

      const again = await fetch(stored.url);
      expect(again.status).toBe(200);
      const html = await again.text();
      expect(html).toContain('redan läst');
      expect(html).not.toContain('id="show"');

      // The desktops hear of the open with the delivery's token, once.
      const entry = await waitFor('burn-opened event', () => desktop.entries.find((e) => e.event.type === 'burn-opened'));
      expect(entry.event).toMatchObject({ type: 'burn-opened', id: stored.id, deliveryToken: 'dtok-burn-1', openedAt: refused.openedAt });
      expect(desktop.entries.filter((e) => e.event.type === 'burn-opened')).toHaveLength(1);
    } finally {
      await desktop.close();
    }
  });

  it('refuses an expired message and clears it at the hourly pass; refuses bad uploads and unknown ids', async () => {
    const stored = await upload('Möte i källaren kl 19', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    await new Promise((r) => setTimeout(r, 1600));
    const page = await (await fetch(stored.url)).text();
    expect(page).toContain('har gått ut');
    const res = await open(stored.url);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { state: string }).state).toBe('expired');

    const kept = await upload('Ännu inte utgånget');
    await fx.relay.prune(new Date(Date.now() + 2 * 3_600_000));
    expect((await open(kept.url)).status).toBe(410);
    const rows = await fx.relay.db.asOwner((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${fx.relay.db.schema}".burn_messages WHERE ciphertext IS NOT NULL`),
    );
    expect(rows[0]!.n).toBe(0);

    const doc = (await (await fetch(`${fx.relay.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/burn-messages', '/b/{id}', '/b/{id}/open']));

    const unknown = await fetch(`${fx.relay.url}/b/${'A'.repeat(22)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Det finns inget meddelande');
    expect((await open(`${fx.relay.url}/b/${'A'.repeat(22)}`)).status).toBe(404);

    const sealed = sealBurnText('x');
    const post = (body: unknown, auth = true) =>
      fetch(`${fx.relay.url}/api/v1/burn-messages`, {
        method: 'POST',
        headers: { ...(auth ? { authorization: `Bearer ${t.deviceToken}` } : {}), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await post({ ...sealed, expiresAt: future, deliveryToken: null }, false)).status).toBe(401);
    expect((await post({ ...sealed, expiresAt: new Date(Date.now() - 1000).toISOString(), deliveryToken: null })).status).toBe(400);
    expect((await post({ ...sealed, expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), deliveryToken: null })).status).toBe(
      400,
    );
    expect((await post({ ...sealed, iv: 'short', expiresAt: future, deliveryToken: null })).status).toBe(400);
  });

  it('never holds the text or the key in its database or its log', async () => {
    const stored = await upload(SECRET);
    const res = await open(stored.url);
    expect(res.status).toBe(200);
    const dump = await fx.relay.db.asOwner(async (q) => {
      const tables = await q.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
        [fx.relay.db.schema],
      );
      const parts: string[] = [];
      for (const { table_name } of tables) {
        const rows = await q.query(`SELECT * FROM "${fx.relay.db.schema}"."${table_name}"`);
        parts.push(
          JSON.stringify(rows, (_k, v: unknown) =>
            v instanceof Uint8Array ? `${Buffer.from(v).toString('utf8')} ${Buffer.from(v).toString('base64url')}` : v,
          ),
        );
      }
      return parts.join('\n');
    });
    expect(dump).toContain(stored.id);
    const log = logged.join('');
    expect(log).toContain('burn message opened');
    for (const haystack of [dump, log]) {
      expect(haystack).not.toContain('Portkod');
      expect(haystack).not.toContain('Ekvägen');
      expect(haystack).not.toContain(stored.sealed.key);
    }
  });
});
