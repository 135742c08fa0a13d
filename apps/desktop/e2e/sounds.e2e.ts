// A live alert and a test alert sound different when they start (two-person rule issue: test
// and live alerts differ everywhere — colour, the word TEST, sound). The browser's Web Audio is
// replaced by a recorder before the console loads, so the test hears which tones the console
// asked for: three high square beeps for a live alert, a two-note sine chime for a test, and
// nothing once the operator has turned the sounds off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

let c: Console;

// Runs in the page before its scripts: a recording AudioContext.
const recorder = `
  window.__tones = [];
  class RecordingAudioContext {
    constructor() { this.currentTime = 0; this.state = 'running'; this.destination = {}; }
    resume() { return Promise.resolve(); }
    createGain() { return { gain: { setValueAtTime() {}, linearRampToValueAtTime() {} }, connect: (d) => d }; }
    createOscillator() {
      const o = { type: 'sine', frequency: { value: 0 }, connect: (g) => g, stop() {},
        start: (at) => window.__tones.push({ hz: o.frequency.value, wave: o.type, at }) };
      return o;
    }
  }
  window.AudioContext = RecordingAudioContext;
`;

async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

const tones = () => c.page.evaluate(() => (window as unknown as { __tones: { hz: number; wave: string }[] }).__tones);

let group = 0;
let template = 0;
async function startAlert(name: string, test: boolean): Promise<void> {
  const made = await engineCall<{ id: number }>('campaigns.create', {
    name,
    templateId: template,
    audience: { groupIds: [group] },
    steps: [{ channel: 'sms' }],
    ...(test ? { testGroupId: group } : {}),
  });
  await engineCall('campaigns.start', { id: made.id });
}

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', initScript: recorder });
  group = (await engineCall<{ id: number }>('groups.create', { name: 'Testgrupp' })).id;
  for (let i = 0; i < 2; i++)
    await engineCall('contacts.create', { firstName: `Ljud${i}`, phones: [{ number: `0702${String(200000 + i)}` }], groupIds: [group] });
  template = (await engineCall<{ id: number }>('templates.create', { name: 'Ljudprov', variants: { sv: { sms: 'Prov. Svara 1.' } } })).id;
  await engineCall('templates.approve', { id: template });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('the start of an alert is heard, live and test differently', () => {
  it('a live alert: three high beeps; a test alert: a soft two-note chime; none when turned off', async () => {
    await startAlert('Skarpt ljudprov', false);
    await expect.poll(async () => (await tones()).length, { timeout: 15_000 }).toBe(3);
    expect((await tones()).map((t) => [t.hz, t.wave])).toEqual([0, 1, 2].map(() => [1046.5, 'square']));

    await startAlert('TEST – ljudprov', true);
    await expect.poll(async () => (await tones()).length, { timeout: 15_000 }).toBe(5);
    expect((await tones()).slice(3).map((t) => [t.hz, t.wave])).toEqual([
      [659.3, 'sine'],
      [523.3, 'sine'],
    ]);

    // Turned off on this desktop (and said so on the switch): the next start is silent.
    const toggle = c.page.getByRole('button', { name: /Ljud när ett larm startar/ });
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await toggle.textContent()).toBe('Ljud av');
    await startAlert('Tyst ljudprov', false);
    await c.page.waitForTimeout(2_000);
    expect(await tones()).toHaveLength(5);
  }, 60_000);
});
