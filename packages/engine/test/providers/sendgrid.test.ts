import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { startSimulator, type Simulator } from '@gdial/simulator';
import type { ProviderEvent } from '@gdial/protocol';
import { parseWebhook, SendGridEmailProvider } from '../../src/providers';
import { deadUrl, startHookServer, type HookServer } from './hooks';

let sim: Simulator;
let hooks: HookServer;
let email: SendGridEmailProvider;

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, profile: 'fast' });
  hooks = await startHookServer();
  sim.configure({ sendgridEventWebhookUrl: `${hooks.url}/hooks/sendgrid/events` });
  email = new SendGridEmailProvider({
    apiKey: sim.credentials.sendgridApiKey,
    baseUrl: sim.url,
    from: { email: 'larm@kommun.se', name: 'Kommunens krisledning' },
  });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});

const events = (): ProviderEvent[] => hooks.webhooks().flatMap(parseWebhook);

describe('SendGrid email adapter', () => {
  it('sends with the delivery token in custom_args; signed event batches parse into events carrying it', async () => {
    const sent = await email.send({
      deliveryToken: 'mail-1',
      to: 'open.eva@example.se',
      toName: 'Eva',
      subject: 'Övning',
      text: 'Svara JA',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(sent).toMatchObject({ status: 'queued' });
    await sim.until(() => events().some((e) => e.deliveryToken === 'mail-1' && e.type === 'engagement'));
    const ew = new EventWebhook();
    const key = ew.convertPublicKeyToECDSA(sim.credentials.sendgridPublicKey);
    for (const hit of hooks.hits) {
      expect(
        ew.verifySignature(
          key,
          hit.raw,
          String(hit.headers['x-twilio-email-event-webhook-signature']),
          String(hit.headers['x-twilio-email-event-webhook-timestamp']),
        ),
      ).toBe(true);
    }
    const mine = events().filter((e) => e.deliveryToken === 'mail-1');
    expect(mine.every((e) => e.providerId === sent.providerId && e.channel === 'email' && e.eventKey.startsWith('sendgrid:'))).toBe(true);
    // Batches may arrive in any order; monotone application is the engine's job.
    expect(mine.map((e) => (e.type === 'status' ? e.status : e.type)).sort()).toEqual(['delivered', 'engagement', 'queued', 'read']);
    expect(new Set(mine.map((e) => e.eventKey)).size).toBe(mine.length);
    expect(await email.fetchStatus(sent.providerId)).toMatchObject({ kind: 'status', status: 'delivered' });
    expect(await email.findByDeliveryToken({ deliveryToken: 'mail-1', to: 'open.eva@example.se', attemptedAt: new Date() })).toEqual({
      kind: 'found',
      providerId: sent.providerId,
      status: 'delivered',
    });
    expect(await email.findByDeliveryToken({ deliveryToken: 'never-sent', to: 'x@example.se', attemptedAt: new Date() })).toEqual({
      kind: 'not-found',
    });
  });

  it('turns bounces, drops and unsubscribes into failures and opt-outs', async () => {
    await Promise.all([
      email.send({ deliveryToken: 'b1', to: 'bounce.a@example.se', subject: 's', text: 't' }),
      email.send({ deliveryToken: 'd1', to: 'dropped.a@example.se', subject: 's', text: 't' }),
      email.send({ deliveryToken: 'u1', to: 'unsubscribe.a@example.se', subject: 's', text: 't' }),
    ]);
    await sim.until(() =>
      ['b1', 'd1', 'u1'].every((t) =>
        events().some(
          (e) =>
            e.deliveryToken === t && (e.type === 'opt-out' || (e.type === 'status' && (e.status === 'bounced' || e.status === 'dropped'))),
        ),
      ),
    );
    expect(events().find((e) => e.deliveryToken === 'b1' && e.type === 'status' && e.status === 'bounced')).toMatchObject({
      failure: { class: 'invalid-recipient', code: 'bounce:5.1.1' },
    });
    expect(events().find((e) => e.deliveryToken === 'd1' && e.type === 'status')).toMatchObject({
      status: 'dropped',
      failure: { class: 'invalid-recipient' },
    });
    expect(events().find((e) => e.deliveryToken === 'u1' && e.type === 'opt-out')).toMatchObject({
      address: 'unsubscribe.a@example.se',
      reason: 'unsubscribe',
    });
  });

  it('classifies refusals: invalid recipient, auth, rate limit, unreachable provider', async () => {
    expect(await email.send({ deliveryToken: 'x', to: 'not-an-address', subject: 's', text: 't' })).toMatchObject({
      ok: false,
      error: { class: 'invalid-recipient', code: '400' },
    });
    const wrongKey = new SendGridEmailProvider({ apiKey: 'SG.wrong', baseUrl: sim.url, from: { email: 'larm@kommun.se' } });
    expect(await wrongKey.send({ deliveryToken: 'x', to: 'a@example.se', subject: 's', text: 't' })).toMatchObject({
      ok: false,
      error: { class: 'auth', code: '401' },
    });
    const original = sim.profile();
    sim.setProfile({ ...original, limits: { ...original.limits, sendgridPerSecond: 1 } });
    try {
      const results = await Promise.all(
        [1, 2, 3].map((i) => email.send({ deliveryToken: `rl${i}`, to: `p${i}@example.se`, subject: 's', text: 't' })),
      );
      const limited = results.find((r) => !r.ok);
      expect(limited).toMatchObject({ ok: false, error: { class: 'rate-limited', code: '429' } });
      expect(limited?.ok === false && limited.error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      sim.setProfile(original);
    }
    const offline = new SendGridEmailProvider({ apiKey: 'SG.x', baseUrl: await deadUrl(), from: { email: 'larm@kommun.se' } });
    expect(await offline.send({ deliveryToken: 'x', to: 'a@example.se', subject: 's', text: 't' })).toMatchObject({
      ok: false,
      error: { class: 'transient', code: 'ECONNREFUSED', maybeSent: false },
    });
  });

  it('turns the unsubscribe tag into each recipient unsubscribe link, never sending it literally', async () => {
    // Its own simulator: the earlier tests drain the shared one's rate limit on purpose.
    const own = await startSimulator({ seed: 22, profile: 'fast' });
    const mailer = new SendGridEmailProvider({
      apiKey: own.credentials.sendgridApiKey,
      baseUrl: own.url,
      from: { email: 'info@kommun.se' },
    });
    const sent = await mailer.send({
      deliveryToken: 'mail-unsub',
      to: 'anna.unsub@example.se',
      subject: 'Information',
      text: 'Hej!\n\nAvregistrera dig: {{unsubscribe_url}}',
      html: '<p>Hej!</p><a href="{{unsubscribe_url}}">Avregistrera dig</a>',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const mail = own.emails().find((m) => m.customArgs.d === 'mail-unsub')!;
    await own.close();
    expect(mail.text).not.toContain('{{unsubscribe_url}}');
    expect(mail.html).not.toContain('{{unsubscribe_url}}');
    expect(mail.text).toContain(`Avregistrera dig: ${own.url}/_sim/sendgrid/unsubscribe/`);
    expect(mail.html).toContain(`href="${own.url}/_sim/sendgrid/unsubscribe/`);
  });
});
