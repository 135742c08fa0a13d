// Lease take-over under SIGKILL (issue #14): a desktop runs an alert through the provider
// simulator (real Twilio SDK, status callbacks and replies through the relay) and is killed
// with SIGKILL in the middle of it; the other desktop sees the owner stop answering, takes
// the alert over, reconciles what was in flight with the provider and sends the rest. Nobody
// is lost (every person got the SMS and ends reached or confirmed), and a person texted twice
// is one of the in-flight window, flagged as a possible duplicate.
//
// Runs when GDIAL_TAKEOVER_RECIPIENTS is set (300 is the bounded form, 2000 the issue's
// size). It is not in the default run: on the shared two-core machine it takes several
// minutes (starting a relay and two engine processes alone took three). What the owner never
// pushed before it died is rebuilt from the provider at the take-over (rows looked up before
// sending, people without deliveries planned again, callbacks kept until their delivery
// appears): docs/sync.md, "One workstation sends an alert", and its known gaps.
import { expect, it } from 'vitest';
import { startSimulator } from '@gdial/simulator';
import { World } from './world';

const N = Number(process.env.GDIAL_TAKEOVER_RECIPIENTS ?? 300);
const log = (l: string) => process.stderr.write(`[takeover] ${l}\n`);

it.runIf(process.env.GDIAL_TAKEOVER_RECIPIENTS !== undefined)(
  `kills the owner mid-alert (${N} people): the other desktop takes over, nobody is lost, every duplicate flagged`,
  async () => {
    const simulator = await startSimulator({ seed: 'takeover', profile: 'fast' });
    // About thirty seconds of sending at this rate, so the owner dies with most of the alert to go.
    const smsPerSecond = Math.max(10, Math.round(N / 30));
    const world = await World.start({
      engines: 2,
      backend: 'pglite',
      log,
      simulator: {
        url: simulator.url,
        accountSid: simulator.credentials.accountSid,
        authToken: simulator.credentials.authToken,
        smsPerSecond,
      },
    });
    try {
      simulator.configure({ inboundMessageUrl: world.webhookUrls.twilioInbound! });
      // Odd people answer 1 (the simulator's rule for numbers ending in 1), the others only receive.
      const numbers = Array.from({ length: N }, (_, i) => `+4670${String(2_000_000 + i * 10 + (i % 2 === 0 ? 1 : 2)).padStart(7, '0')}`);
      const imported = await world.command(0, {
        op: 'import',
        rows: numbers.map((phone, i) => ({ first: `Person${i}`, last: 'Larmad', phone, tag: 'larm' })),
      });
      expect(imported).toEqual({ ok: true });
      const template = await world.rpc(0, 'templates.create', {
        name: 'Larm',
        variants: { sv: { sms: 'Larm. Svara 1 om du har fått detta.' } },
      });
      await world.rpc(0, 'templates.approve', { id: template.id });
      const alert = await world.rpc(0, 'campaigns.create', {
        name: 'Övertaget under SIGKILL',
        templateId: template.id,
        audience: { tags: ['larm'] },
        steps: [{ channel: 'sms' }],
      });
      await world.rpc(0, 'campaigns.start', { id: alert.id });
      const sent = () => simulator.messages().filter((m) => m.direction === 'outbound-api').length;
      let onB = 0;
      await world.until(
        async () => {
          onB = (await world.rpc(1, 'campaigns.list', { limit: 10 })).campaigns.find((c) => c.name === 'Övertaget under SIGKILL')?.id ?? 0;
          return onB > 0;
        },
        'the alert on the other desktop',
        300_000,
      );
      // The replica holds every person's delivery (what the owner made at the start has reached it).
      const total = (p: { deliveries: Record<string, number> }) => Object.values(p.deliveries).reduce((a, b) => a + b, 0);
      await world.until(
        async () => total(await world.rpc(1, 'campaigns.progress', { id: onB })) === N,
        'the replica to hold every delivery',
        300_000,
      );
      // A third handed over as the replica sees it (what the owner sent and the replica has not
      // heard of yet is the window a take-over cannot see: docs/sync.md, known gaps).
      const handedOver = (p: { deliveries: Record<string, number> }) => total(p) - (p.deliveries.queued ?? 0) - (p.deliveries.waiting ?? 0);
      await world.until(
        async () => handedOver(await world.rpc(1, 'campaigns.progress', { id: onB })) >= N / 3,
        'a third of the SMS handed over, as the replica sees it',
        300_000,
      );

      await world.killDesktop(0, 'stays-down');
      const atKill = sent();
      log(`owner killed after ${atKill} SMS`);
      await world.until(
        async () => !(await world.rpc(1, 'sync.alertOwner', { campaignId: onB })).answering,
        'the owner to stop answering',
        60_000,
      );
      const pre = await world.rpc(1, 'campaigns.progress', { id: onB });
      log(`at take-over: ${JSON.stringify({ outcomes: pre.outcomes, deliveries: pre.deliveries, recipients: pre.recipients })}`);
      // The relay gives the lease once it expired there (its clock, not this desktop's view of it).
      await world.until(
        async () => !(await world.rpc(1, 'sync.takeOver', { campaignId: onB }).catch(() => ({ remote: true }))).remote,
        'the relay to give the lease',
        30_000,
      );
      const tookOverAt = Date.now();
      await world.until(
        async () => (await world.rpc(1, 'campaigns.get', { id: onB })).status === 'completed',
        'the new owner to finish',
        180_000,
      );
      const finishMs = Date.now() - tookOverAt;

      // Nobody lost: every person was texted, and ends reached or confirmed on the new owner.
      const texts = new Map<string, number>();
      for (const m of simulator.messages()) if (m.direction === 'outbound-api') texts.set(m.to, (texts.get(m.to) ?? 0) + 1);
      expect(numbers.filter((n) => !texts.has(n))).toEqual([]);
      const progress = await world.rpc(1, 'campaigns.progress', { id: onB });
      expect(progress.recipients).toBe(N);
      expect(progress.outcomes.reached + progress.outcomes.confirmed).toBe(N);
      // Duplicates: each person texted twice has a delivery flagged as a possible duplicate.
      const twice = [...texts].filter(([, n]) => n > 1).map(([to]) => to);
      const deliveries = await world.desktops[1]!.child!.request<{ address: string; possible_duplicate: number }[]>('deliveries', {
        campaign: onB,
      });
      const flagged = new Set(deliveries.filter((d) => d.possible_duplicate === 1).map((d) => d.address));
      expect(twice.filter((to) => !flagged.has(to))).toEqual([]);
      const figures = {
        recipients: N,
        sms_per_s: smsPerSecond,
        sent_before_kill: atKill,
        duplicates: twice.length,
        flagged: flagged.size,
        finish_after_takeover_ms: finishMs,
      };
      log(JSON.stringify(figures));
      // Duplicates only from the window in flight at the kill: never more than the rate lets out in a second.
      expect(twice.length).toBeLessThanOrEqual(smsPerSecond);
    } finally {
      await world.close();
      await simulator.close();
    }
  },
  600_000,
);
