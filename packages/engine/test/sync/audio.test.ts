// Audio as organisation data: an asset made on one desktop becomes an operation carrying its
// metadata and the SHA-256 of both WAVs; another desktop stores the metadata without the bytes
// (listed as not local) and fetches them on first use from the relay's media store, checked
// against the hashes; bytes that do not match are refused and not stored. The desktop that
// made the asset uploads its bytes, queued and retried while the relay cannot be reached. A
// relay media store here is a fake fetch speaking the relay's routes (the real relay's are
// tested in apps/relay and end to end in apps/desktop/test/audio-sync.test.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { SyncOp } from '@gdial/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayApi } from '../../src/relay-client';
import { AudioMedia } from '../../src/services/audio-media';
import { audioBytes, getAudioAsset, insertAudioAsset, listAudioAssets } from '../../src/store/audio';
import { pendingOps } from '../../src/store/sync';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';
import { DomainError } from '../../src/errors';
import { makeEnv, until, type TestEnv } from '../campaigns/helpers';

const envs: TestEnv[] = [];
const media: AudioMedia[] = [];
afterEach(() => {
  for (const m of media.splice(0)) m.close();
  for (const e of envs.splice(0)) e.close();
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The relay's media routes over a map of hash → bytes; `down` makes it unreachable, `tamper` alters what GET returns. */
function fakeRelay() {
  const stored = new Map<string, Buffer>();
  const state = { down: false, tamper: false, gets: 0, posts: 0 };
  const fetchImpl = (async (input: string | URL, init?: RequestInit) => {
    if (state.down) throw new Error('connect ECONNREFUSED');
    const url = input.toString();
    const method = init?.method ?? 'GET';
    if (method === 'POST' && url.endsWith('/api/v1/media')) {
      state.posts++;
      const bytes = Buffer.from(init!.body as Uint8Array);
      const h = sha(bytes);
      stored.set(h, bytes);
      return Response.json(
        {
          mediaId: h.slice(0, 8),
          url: `http://relay.test/media/org/${h.slice(0, 8)}`,
          contentType: 'audio/wav',
          size: bytes.length,
          sha256: h,
        },
        { status: 201 },
      );
    }
    const m = /\/api\/v1\/media\/sha256\/([0-9a-f]{64})$/.exec(url);
    if (!m) return new Response('not found', { status: 404 });
    const bytes = stored.get(m[1]!);
    if (!bytes)
      return Response.json({ error: { code: 'not-found', message: 'The organisation has no audio with this hash' } }, { status: 404 });
    if (method === 'HEAD') return new Response(null, { status: 200 });
    state.gets++;
    const body = Buffer.from(bytes);
    if (state.tamper) body.writeUInt8(body.readUInt8(body.length - 1) ^ 0xff, body.length - 1);
    return new Response(body, { status: 200, headers: { 'content-type': 'audio/wav' } });
  }) as typeof fetch;
  return { stored, state, api: new RelayApi('http://relay.test', 'device-token', fetchImpl) };
}

function desktop(device: string): { env: TestEnv; replica: Replica } {
  const env = makeEnv();
  envs.push(env);
  const replica = new Replica(env.store, sharedCodecs());
  replica.enable(device);
  return { env, replica };
}

function wav(seed: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

function record(env: TestEnv, label: string, seed: number): { id: string; preview: Uint8Array; telephony: Uint8Array } {
  const preview = wav(seed, 4000);
  const telephony = wav(seed + 1, 1000);
  const row = env.store.transaction((tx) =>
    insertAudioAsset(
      tx,
      {
        id: randomUUID(),
        kind: 'recording',
        label,
        voiceId: null,
        voiceEngine: null,
        text: null,
        cacheKey: null,
        settings: null,
        sampleRate: 16000,
        durationMs: 2500,
        previewBytes: preview.length,
        telephonyBytes: telephony.length,
        trimmedStartMs: 120,
        trimmedEndMs: 80,
        gainDb: 3.5,
      },
      { previewWav: preview, telephonyWav: telephony },
    ),
  );
  return { id: row.id, preview, telephony };
}

const audioOps = (env: TestEnv): SyncOp[] => pendingOps(env.store.read, 1000).filter((o) => o.entity === 'audio');
const apply = (to: { env: TestEnv; replica: Replica }, ops: readonly SyncOp[]) =>
  to.env.store.transaction((tx) => ops.forEach((op) => to.replica.applyOp(tx, op)), { origin: 'relay' });

describe('audio shared across the organisation', () => {
  it('travels as metadata with its hashes; another desktop fetches the bytes on first use, checked, and captures nothing for it', async () => {
    const relay = fakeRelay();
    const a = desktop('dev-a');
    const b = desktop('dev-b');
    const rec = record(a.env, 'Utrymning plan 3', 1);

    const [op] = audioOps(a.env);
    expect(op).toMatchObject({ entity: 'audio', id: rec.id, kind: 'put' });
    expect(op!.fields!.audio).toMatchObject({
      kind: 'recording',
      label: 'Utrymning plan 3',
      durationMs: 2500,
      previewSha256: sha(rec.preview),
      telephonySha256: sha(rec.telephony),
    });
    // The bytes never travel in an operation.
    expect(JSON.stringify(op).length).toBeLessThan(1500);

    apply(b, [op!]);
    expect(listAudioAssets(b.env.store.read, 'recording', 10).map((x) => [x.id, x.label, x.local])).toEqual([
      [rec.id, 'Utrymning plan 3', false],
    ]);
    expect(audioBytes(b.env.store.read, rec.id)).toBeUndefined();
    expect(getAudioAsset(a.env.store.read, rec.id)!.local).toBe(true);

    // A uploads (both WAVs, each once); B fetches them on first use.
    const upA = new AudioMedia(a.env.ctx, () => relay.api);
    media.push(upA);
    upA.upload();
    await until(() => relay.stored.size === 2, 5000, 'the upload');
    expect([...relay.stored.keys()].sort()).toEqual([sha(rec.preview), sha(rec.telephony)].sort());

    const onB = new AudioMedia(b.env.ctx, () => relay.api);
    media.push(onB);
    const before = pendingOps(b.env.store.read, 1000).length;
    await Promise.all([onB.ensureLocal(rec.id), onB.ensureLocal(rec.id)]);
    expect(relay.state.gets).toBe(2); // one fetch for both callers
    const local = audioBytes(b.env.store.read, rec.id)!;
    expect(Buffer.compare(local.preview, Buffer.from(rec.preview))).toBe(0);
    expect(Buffer.compare(local.telephony, Buffer.from(rec.telephony))).toBe(0);
    expect(getAudioAsset(b.env.store.read, rec.id)!.local).toBe(true);
    expect(pendingOps(b.env.store.read, 1000).length).toBe(before);
    // Fetched from the relay: B has nothing to upload.
    const posts = relay.state.posts;
    onB.upload();
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.state.posts).toBe(posts);
    await onB.ensureLocal(rec.id);
    expect(relay.state.gets).toBe(2);
  });

  it('refuses bytes that do not match the hash and stores nothing; an unreachable relay is a clear refusal', async () => {
    const relay = fakeRelay();
    const a = desktop('dev-a');
    const b = desktop('dev-b');
    const rec = record(a.env, 'Brand', 2);
    apply(b, audioOps(a.env));
    const upA = new AudioMedia(a.env.ctx, () => relay.api);
    media.push(upA);
    upA.upload();
    await until(() => relay.stored.size === 2, 5000, 'the upload');
    const onB = new AudioMedia(b.env.ctx, () => relay.api);
    media.push(onB);

    relay.state.tamper = true;
    const corrupt = await onB.ensureLocal(rec.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(corrupt).toBeInstanceOf(DomainError);
    expect((corrupt as DomainError).refusal).toEqual({ code: 'audio.corrupt', params: { name: 'Brand' } });
    expect(audioBytes(b.env.store.read, rec.id)).toBeUndefined();

    relay.state.tamper = false;
    relay.state.down = true;
    const offline = await onB.ensureLocal(rec.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect((offline as DomainError).refusal?.code).toBe('audio.unavailable');
    expect(audioBytes(b.env.store.read, rec.id)).toBeUndefined();
    // Not enrolled at all: the same refusal, saying so.
    const alone = new AudioMedia(b.env.ctx, () => null);
    media.push(alone);
    await expect(alone.ensureLocal(rec.id)).rejects.toMatchObject({ refusal: { code: 'audio.unavailable' } });

    relay.state.down = false;
    await onB.ensureLocal(rec.id);
    expect(audioBytes(b.env.store.read, rec.id)).toBeDefined();
  });

  it('an offline desktop keeps its audio and uploads it when the relay answers again', async () => {
    const relay = fakeRelay();
    relay.state.down = true;
    const a = desktop('dev-a');
    const upA = new AudioMedia(a.env.ctx, () => relay.api);
    media.push(upA);
    const rec = record(a.env, 'Offline', 3); // the commit queues the upload, which fails
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.stored.size).toBe(0);
    expect(audioBytes(a.env.store.read, rec.id)).toBeDefined();
    relay.state.down = false;
    upA.connected();
    await until(() => relay.stored.size === 2, 5000, 'the upload after reconnecting');
  });

  it('a delete from elsewhere removes the asset, and a later edit does not bring it back', () => {
    const a = desktop('dev-a');
    const b = desktop('dev-b');
    const rec = record(a.env, 'Gammal', 4);
    apply(b, audioOps(a.env));
    const del: SyncOp = { device: 'dev-a', counter: 99, hlc: '999999999999999.000000', entity: 'audio', id: rec.id, kind: 'delete' };
    apply(b, [del]);
    expect(getAudioAsset(b.env.store.read, rec.id)).toBeUndefined();
    // An edit after the delete does not bring it back.
    apply(b, [{ ...audioOps(a.env)[0]!, counter: 100, hlc: '999999999999999.000001' }]);
    expect(getAudioAsset(b.env.store.read, rec.id)).toBeUndefined();
  });
});
