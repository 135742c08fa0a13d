// Audio across an organisation's desktops (docs/sync.md, audio): a message recorded on one
// desktop is listed on another as fetched on first use; playing it there fetches the bytes
// from the relay's media store and checks them against their SHA-256 (bytes the relay
// altered are refused and not stored); a voice alert from the other desktop fetches its
// audio before any call is placed, and while the audio cannot be had its voice step is held
// (no call, the provider's circuit untouched) until it can. Real parts: two consoles in demo
// mode (relay on PGlite, provider simulator with the real SDKs), joined as the README says.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '@gdial/engine';
import type { ConsoleHost } from '../src/web/host';
import { call, until } from './support/engine-calls';
import { closeConsoles, demoConsoles } from './support/demo-consoles';
import { toneWav } from './support/tone-wav';

const consoles: ConsoleHost[] = [];
afterEach(() => closeConsoles(consoles));

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function recordOn(e: Engine, label: string, hz: number): Promise<string> {
  const r = await call(e, 'audio.saveRecording', { recording: { format: 'wav', data: toneWav(hz, 1.5).toString('base64') }, label });
  return r.audioId;
}

/** Both WAVs of an asset as the desktop that made it holds them. */
async function bytesOf(e: Engine, audioId: string): Promise<{ preview: Buffer; telephony: Buffer }> {
  const get = async (form: 'preview' | 'telephony') => Buffer.from((await call(e, 'audio.get', { audioId, form })).data, 'base64');
  return { preview: await get('preview'), telephony: await get('telephony') };
}

const listed = async (e: Engine, id: string) =>
  (await call(e, 'audio.list', { kind: 'recording', limit: 50 })).assets.find((a) => a.id === id);

describe('audio across the organisation', () => {
  it('is fetched on first use on another desktop, checked against its hash, and a voice alert there waits for it', async () => {
    const [a, b] = (await demoConsoles(consoles, 2, 'audio-sync')) as [Engine, Engine];
    const relay = consoles[0]!.demo!.relay;
    const media = async (hashes: string[]) =>
      (await relay.db.asOwner((q) => q.query<{ sha256: string }>('SELECT sha256 FROM media WHERE sha256 = ANY($1)', [hashes]))).length;
    const setBytes = (hash: string, bytes: Buffer) =>
      relay.db.asOwner((q) => q.query('UPDATE media SET bytes = $2 WHERE sha256 = $1', [hash, bytes]));

    // Desktop A records; its bytes go to the relay's media store, the metadata to B.
    const id = await recordOn(a, 'Utrymning plan 3', 440);
    const original = await bytesOf(a, id);
    expect((await listed(a, id))?.local).toBe(true);
    await until(async () => (await media([sha(original.preview), sha(original.telephony)])) === 2, 'the upload to the relay');
    await until(async () => (await listed(b, id)) !== undefined, 'the recording listed on B');
    expect(await listed(b, id)).toMatchObject({ label: 'Utrymning plan 3', local: false, durationMs: (await listed(a, id))!.durationMs });

    // Bytes the relay altered are refused and not stored.
    const altered = Buffer.from(original.preview);
    altered.writeUInt8(altered.readUInt8(altered.length - 1) ^ 0xff, altered.length - 1);
    await setBytes(sha(original.preview), altered);
    const refused = await b.rpc.call('audio.get', { audioId: id, form: 'preview' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.refusal).toEqual({ code: 'audio.corrupt', params: { name: 'Utrymning plan 3' } });
    expect((await listed(b, id))?.local).toBe(false);

    // Playing it once the relay holds the right bytes: fetched, checked, stored.
    await setBytes(sha(original.preview), original.preview);
    const played = await call(b, 'audio.get', { audioId: id, form: 'preview' });
    expect(sha(Buffer.from(played.data, 'base64'))).toBe(sha(original.preview));
    expect((await listed(b, id))?.local).toBe(true);
    expect(sha(Buffer.from((await call(b, 'audio.get', { audioId: id, form: 'telephony' })).data, 'base64'))).toBe(sha(original.telephony));

    // A second recording B has not played: a voice alert from B fetches it before its calls.
    // While the relay's copy is bad, no call is placed and the voice step is held.
    const second = await recordOn(a, 'Brand i stadshuset', 660);
    const secondBytes = await bytesOf(a, second);
    await until(async () => (await media([sha(secondBytes.preview), sha(secondBytes.telephony)])) === 2, 'the second upload');
    await until(async () => (await listed(b, second)) !== undefined, 'the second recording listed on B');
    const badTelephony = Buffer.from(secondBytes.telephony);
    badTelephony.writeUInt8(badTelephony.readUInt8(100) ^ 0xff, 100);
    await setBytes(sha(secondBytes.telephony), badTelephony);

    const group = await call(b, 'groups.create', { name: 'Stab' });
    await call(b, 'contacts.create', { firstName: 'Svarar', lastName: 'Ett', phones: [{ number: '070-111 00 01' }], groupIds: [group.id] });
    const template = await call(b, 'templates.create', {
      name: 'Brand (inspelad)',
      variants: { sv: { voice: { kind: 'audio', audioId: second } } },
    });
    await call(b, 'templates.approve', { id: template.id });
    const alert = await call(b, 'campaigns.create', {
      name: 'Brand',
      templateId: template.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'voice' }],
    });
    await call(b, 'campaigns.start', { id: alert.id });
    await until(
      async () => (await call(b, 'campaigns.progress', { id: alert.id })).held.some((h) => h.channel === 'voice'),
      'the voice step held',
    );
    const held = (await call(b, 'campaigns.progress', { id: alert.id })).held.find((h) => h.channel === 'voice')!;
    expect(held).toMatchObject({ provider: 'relay', waiting: 1 });
    expect(held.message).toMatch(/SHA-256/);
    const world = consoles[0]!.demo!.simulator;
    expect(world.calls()).toEqual([]);
    expect((await listed(b, second))?.local).toBe(false);

    // The relay's copy is right again: the call is placed, playing A's recording.
    await setBytes(sha(secondBytes.telephony), secondBytes.telephony);
    await until(
      () => world.calls().some((c) => c.log.some((l) => l.verb === 'play' && l.detail.ok === true)),
      'the call playing the recording',
      60_000,
    );
    const [placed] = world.calls();
    expect(placed!.to).toBe('+46701110001');
    expect(placed!.log.find((l) => l.verb === 'play')!.detail.bytes).toBe(secondBytes.telephony.length);
    expect(world.calls()).toHaveLength(1);
    expect((await listed(b, second))?.local).toBe(true);
    await until(async () => (await call(b, 'campaigns.progress', { id: alert.id })).held.length === 0, 'the hold released');
  }, 180_000);
});
