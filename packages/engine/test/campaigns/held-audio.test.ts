// A voice step whose audio another desktop of the organisation made and that cannot be
// fetched from the relay now (docs/sync.md, audio): no call is placed, the provider is not
// blamed (its circuit stays closed, so no failover and no "provider unavailable"), the voice
// channel is held (Väntar på nät, naming the relay) and nobody is written off or moved on;
// once the audio can be had, the calls go out and the hold is released.
import { afterEach, describe, expect, it } from 'vitest';
import { AudioUnavailableError } from '../../src/campaigns/call-flows';
import { CampaignService } from '../../src/campaigns/service';
import {
  addContact,
  addGroup,
  addTemplate,
  advance,
  deliveriesOf,
  fakeSenders,
  FakeSender,
  makeEnv,
  testClock,
  until,
  type TestEnv,
} from './helpers';

let env: TestEnv | undefined;
let svc: CampaignService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  env?.close();
  env = undefined;
});

describe('a voice step waiting for its audio', () => {
  it('is held without a call or a blamed provider, and goes out once the audio can be fetched', async () => {
    env = makeEnv();
    const clock = testClock();
    const voice = new FakeSender('twilio');
    let audioHere = false;
    const asked: string[] = [];
    svc = new CampaignService(env.ctx, {
      senders: fakeSenders({ voice }),
      flows: {
        register: async (spec) => {
          asked.push(spec.audioId ?? '');
          if (!audioHere)
            throw new AudioUnavailableError('Audio "Brand" is not on this desktop and could not be fetched from the relay: HTTP 404');
          return { urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` };
        },
      },
      dispatcher: { clock: () => clock.now, rateLimits: { voice: { perSecond: 100_000, burst: 100 } } },
    });
    await svc.open();
    const g = addGroup(env.store, 'Stab');
    for (let i = 0; i < 5; i++) addContact(env.store, { name: `P${i}`, phones: [`+4670100002${i}`], groups: [g] });
    const template = addTemplate(env.store, { name: 'Brand', variants: { sv: { voice: { kind: 'audio', audioId: 'a-from-elsewhere' } } } });
    const c = svc.create({ name: 'Brand', templateId: template, audience: { groupIds: [g] }, steps: [{ channel: 'voice' }] });
    svc.start(c.id);

    await until(() => svc!.progressOf(c.id).held.some((h) => h.channel === 'voice'), 10_000, 'the voice step held');
    await advance(clock, 60_000, 1_000);
    const held = svc.progressOf(c.id).held[0]!;
    expect(held).toMatchObject({ channel: 'voice', provider: 'relay', waiting: 5 });
    expect(held.message).toMatch(/could not be fetched from the relay/);
    expect(asked.length).toBeGreaterThan(1); // tried again, not given up
    expect(new Set(asked)).toEqual(new Set(['a-from-elsewhere']));
    expect(voice.sent).toEqual([]);
    expect(svc.dispatcher.unavailableProviders()).toEqual([]);
    const rows = deliveriesOf(env.store, c.id);
    expect(rows.map((d) => d.state)).toEqual(Array(5).fill('queued'));
    expect(rows.every((d) => d.error?.includes('could not be fetched from the relay'))).toBe(true);

    audioHere = true;
    await advance(clock, 10_000, 500);
    await until(() => voice.sent.length === 5, 10_000, 'the calls once the audio is here');
    await until(() => svc!.progressOf(c.id).held.length === 0, 10_000, 'the hold released');
    expect(new Set(voice.sent.map((s) => s.to)).size).toBe(5);
  }, 60_000);
});
