// The speech service end to end on a temporary data directory and an in-memory store:
// typed text to stored audio with the fixture Piper voice and with the espeak fallback,
// the cache, telephony audio, voice install/remove/default, recordings, and the RPC face.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWav, encodeWavPcm16, floatToInt16 } from '../../src/audio/wav';
import { DomainError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { openStore, type Store } from '../../src/store/db';
import { ESPEAK_VOICE_ID } from '../../src/tts/registry';
import { TtsService } from '../../src/tts/service';
import { startEngine, type Engine } from '../../src/engine';
import { callVoiceSynthesiser } from '../../src/services';
import { HOP, buildFixtureConfig, buildFixtureModel, type FixtureModelOptions } from './fixtures/piper-fixture';

const open: { store: Store; tts: TtsService }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.tts.close();
    o.store.close();
  }
});

function tempDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `gdial-${name}-`));
}

/** Writes a fixture voice (model + config) into `dir` as `id.onnx` / `id.onnx.json`. */
function writeVoice(
  dir: string,
  id: string,
  model: FixtureModelOptions = {},
  config: Record<string, unknown> = buildFixtureConfig(),
): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${id}.onnx`);
  writeFileSync(file, buildFixtureModel(model));
  writeFileSync(`${file}.json`, JSON.stringify(config));
  return file;
}

function service(opts: { bundled?: (dir: string) => void } = {}): { tts: TtsService; dataDir: string; resourcesDir: string } {
  const dataDir = tempDir('data');
  const resourcesDir = tempDir('resources');
  opts.bundled?.(path.join(resourcesDir, 'voices'));
  const store = openStore(':memory:', { logger: silentLogger() });
  const tts = new TtsService({ dataDir, resourcesDir, store, logger: silentLogger() });
  open.push({ store, tts });
  return { tts, dataDir, resourcesDir };
}

const samplesOf = (wav: Uint8Array) => {
  const r = decodeWav(wav);
  if (!r.ok) throw new Error(r.error);
  return r;
};

describe('synthesis with a Piper voice', () => {
  it('turns typed Swedish text into preview and telephony audio', async () => {
    const { tts } = service({ bundled: (d) => writeVoice(d, 'sv_SE-nst-medium') });
    const { voices, defaultVoiceId } = await tts.listVoices();
    expect(defaultVoiceId).toBe('sv_SE-nst-medium');
    expect(voices.map((v) => [v.id, v.engine, v.source, v.status])).toEqual([
      ['sv_SE-nst-medium', 'piper', 'bundled', 'ready'],
      [ESPEAK_VOICE_ID, 'espeak', 'builtin', 'ready'],
    ]);

    const r = await tts.synthesise({ text: 'Viktigt meddelande. Samling kl. 14.30 på Storgatan 12.' });
    expect(r).toMatchObject({ voiceId: 'sv_SE-nst-medium', engine: 'piper', cached: false, fallbackReason: null });
    expect(r.normalisedText).toBe('Viktigt meddelande. Samling klockan fjorton och trettio på Storgatan tolv.');

    const preview = samplesOf(tts.audio(r.audioId, 'preview').bytes);
    expect(preview.format).toEqual({ encoding: 'pcm', bitsPerSample: 16, channels: 1, sampleRate: 22050 });
    // Two sentences: each N ids × 256 samples, then 200 ms of silence.
    const pause = 0.2 * 22050;
    expect((preview.audio.samples.length - 2 * pause) % HOP).toBe(0);
    expect(r.durationMs).toBe(Math.round((preview.audio.samples.length * 1000) / 22050));
    // Piper brings each sentence's peak to full scale.
    expect(Math.max(...Array.from(preview.audio.samples, Math.abs))).toBeGreaterThan(0.999);

    const phone = samplesOf(tts.telephonyAudio(r.audioId).bytes);
    expect(phone.format).toEqual({ encoding: 'mulaw', bitsPerSample: 8, channels: 1, sampleRate: 8000 });
    expect(Math.abs(phone.audio.samples.length / 8000 - preview.audio.samples.length / 22050)).toBeLessThan(0.001);
  });

  it('makes longer text longer and faster speech shorter', async () => {
    const { tts } = service({ bundled: (d) => writeVoice(d, 'sv_SE-nst-medium') });
    const noPause = { sentencePauseMs: 0 };
    const short = await tts.synthesise({ text: 'Gå inomhus.', settings: noPause });
    const long = await tts.synthesise({ text: 'Gå inomhus och stäng alla dörrar och fönster.', settings: noPause });
    const fast = await tts.synthesise({ text: 'Gå inomhus och stäng alla dörrar och fönster.', settings: { ...noPause, rate: 2 } });
    const len = (id: string) => samplesOf(tts.audio(id, 'preview').bytes).audio.samples.length;
    expect(len(long.audioId)).toBeGreaterThan(len(short.audioId) * 2);
    // rate 2 halves length_scale: 128 samples per id instead of 256.
    expect(len(fast.audioId) * 2).toBe(len(long.audioId));
  });

  it('reuses cached audio for the same voice, text and settings', async () => {
    const { tts } = service({ bundled: (d) => writeVoice(d, 'sv_SE-nst-medium') });
    const first = await tts.synthesise({ text: 'Stäng fönstren.' });
    const again = await tts.synthesise({ text: '  Stäng fönstren.  ' });
    expect(again).toMatchObject({ audioId: first.audioId, cached: true });
    const [a, b] = await Promise.all([tts.synthesise({ text: 'Samtidigt.' }), tts.synthesise({ text: 'Samtidigt.' })]);
    expect(a.audioId).toBe(b.audioId);
    const slower = await tts.synthesise({ text: 'Stäng fönstren.', settings: { rate: 0.8 } });
    expect(slower.audioId).not.toBe(first.audioId);
    const viaEspeak = await tts.synthesise({ text: 'Stäng fönstren.', voiceId: ESPEAK_VOICE_ID });
    expect(viaEspeak.audioId).not.toBe(first.audioId);
    expect(tts.list('tts', 100)).toHaveLength(4);
  });

  it('leaves text for a voice in another language as typed', async () => {
    const { tts } = service({ bundled: (d) => writeVoice(d, 'en_GB-fixture-medium', {}, buildFixtureConfig({ espeakVoice: 'en-gb' })) });
    const r = await tts.synthesise({ text: 'Call 112 at 14:30.', voiceId: 'en_GB-fixture-medium' });
    expect(r).toMatchObject({ engine: 'piper', normalisedText: 'Call 112 at 14:30.' });
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('uses the speaker the operator picks on a multi-speaker voice', async () => {
    const { tts } = service({
      bundled: (d) => writeVoice(d, 'sv_SE-multi-medium', { multiSpeaker: true }, buildFixtureConfig({ numSpeakers: 3 })),
    });
    const voices = (await tts.listVoices()).voices;
    expect(voices[0]?.speakers).toEqual(['talare0', 'talare1', 'talare2']);
    const a = await tts.synthesise({ text: 'Hej.', settings: { speaker: 'talare0' } });
    const b = await tts.synthesise({ text: 'Hej.', settings: { speaker: 'talare2' } });
    expect(a.audioId).not.toBe(b.audioId);
    await expect(tts.synthesise({ text: 'Hej.', settings: { speaker: 'okänd' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('no speaker "okänd"') as string,
    });
  });
});

describe('the espeak fallback voice', () => {
  it('speaks when no Piper voice is installed, and says so', async () => {
    const { tts } = service();
    await tts.warmUp();
    expect((await tts.listVoices()).defaultVoiceId).toBe(ESPEAK_VOICE_ID);
    const r = await tts.synthesise({ text: 'Viktigt meddelande till allmänheten. Gå inomhus.' });
    expect(r).toMatchObject({ voiceId: ESPEAK_VOICE_ID, engine: 'espeak', fallbackReason: null });
    expect(r.durationMs).toBeGreaterThan(1500);
    expect(r.durationMs).toBeLessThan(8000);
    const preview = samplesOf(tts.audio(r.audioId, 'preview').bytes);
    expect(preview.audio.sampleRate).toBe(22050);
    const phone = samplesOf(tts.telephonyAudio(r.audioId).bytes);
    expect(phone.format.encoding).toBe('mulaw');
  });

  it('replaces a broken default voice, reporting why; a voice chosen explicitly fails loudly', async () => {
    const { tts } = service({
      bundled: (d) => {
        writeVoice(d, 'sv_SE-nst-medium');
        writeFileSync(path.join(d, 'sv_SE-nst-medium.onnx'), 'garbage, not a model');
      },
    });
    const r = await tts.synthesise({ text: 'Hej.' });
    expect(r.engine).toBe('espeak');
    expect(r.fallbackReason).toMatch(/sv_SE-nst-medium cannot be used: the model file is not an ONNX model/);
    await expect(tts.synthesise({ text: 'Hej då.', voiceId: 'sv_SE-nst-medium' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(tts.synthesise({ text: 'Hej.', voiceId: 'sv_SE-finns-inte' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('voice registry', () => {
  it('installs a voice from local files after checking it, and removes it again', async () => {
    const { tts, dataDir } = service();
    const src = writeVoice(tempDir('download'), 'sv_SE-lisa-medium');
    const voice = await tts.installVoice(src);
    expect(voice).toMatchObject({ id: 'sv_SE-lisa-medium', source: 'user', status: 'ready', sampleRate: 22050 });
    expect(readdirSync(path.join(dataDir, 'voices')).sort()).toEqual(['sv_SE-lisa-medium.onnx', 'sv_SE-lisa-medium.onnx.json']);
    expect((await tts.listVoices()).defaultVoiceId).toBe('sv_SE-lisa-medium');
    await expect(tts.installVoice(src)).rejects.toMatchObject({ code: 'CONFLICT' });
    const r = await tts.synthesise({ text: 'Hej.' });
    expect(r.engine).toBe('piper');
    expect(await tts.removeVoice('sv_SE-lisa-medium')).toBe(ESPEAK_VOICE_ID);
    expect(readdirSync(path.join(dataDir, 'voices'))).toEqual([]);
  });

  it('installs a voice from the bytes of its two files, as a browser sends them, and leaves no copy behind', async () => {
    const { tts, dataDir } = service();
    const file = (name: string, bytes: Uint8Array | string) => ({ fileName: name, dataBase64: Buffer.from(bytes).toString('base64') });
    const config = JSON.stringify(buildFixtureConfig());
    // A browser may give a Windows path ("C:\\fakepath\\…"): only the name counts.
    const voice = await tts.installVoiceFiles(
      file('C:\\fakepath\\sv_SE-uppladdad-medium.onnx', buildFixtureModel()),
      file('sv_SE-uppladdad-medium.onnx.json', config),
    );
    expect(voice).toMatchObject({ id: 'sv_SE-uppladdad-medium', source: 'user', status: 'ready' });
    expect(readdirSync(path.join(dataDir, 'voices')).sort()).toEqual(['sv_SE-uppladdad-medium.onnx', 'sv_SE-uppladdad-medium.onnx.json']);
    const left = readdirSync(os.tmpdir()).filter(
      (d) => d.startsWith('gdial-voice-') && existsSync(path.join(os.tmpdir(), d, 'sv_SE-uppladdad-medium.onnx')),
    );
    expect(left).toEqual([]);
    // The same checks as for files on disk: a config that is not Piper's copies nothing.
    const err = await tts
      .installVoiceFiles(file('sv_SE-annan-medium.onnx', buildFixtureModel()), file('annan.json', '{"hello":"world"}'))
      .catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('VALIDATION');
    expect((err as DomainError).message).toMatch(/not a Piper voice config/);
    expect(readdirSync(path.join(dataDir, 'voices')).sort()).toEqual(['sv_SE-uppladdad-medium.onnx', 'sv_SE-uppladdad-medium.onnx.json']);
  });

  it.each([
    [
      'a model that is not ONNX',
      (dir: string) => {
        const f = writeVoice(dir, 'sv_SE-bad-medium');
        writeFileSync(f, 'not onnx');
        return f;
      },
      /not an ONNX model/,
    ],
    [
      'a model with the wrong inputs',
      (dir: string) => writeVoice(dir, 'sv_SE-bad-medium', { defect: 'int32-input' }),
      /input "input" is int32/,
    ],
    [
      "a config that is not Piper's",
      (dir: string) => writeVoice(dir, 'sv_SE-bad-medium', {}, { hello: 'world' }),
      /not a Piper voice config/,
    ],
    [
      'a voice whose phonemes espeak-ng cannot make',
      (dir: string) => writeVoice(dir, 'xx_XX-bad-medium', {}, buildFixtureConfig({ espeakVoice: 'xx-yy' })),
      /espeak-ng's "xx-yy" phonemes/,
    ],
  ])('refuses %s with a clear error and copies nothing', async (_name, make, reason) => {
    const { tts, dataDir } = service();
    const src = make(tempDir('download'));
    const err = await tts.installVoice(src).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('VALIDATION');
    expect((err as DomainError).message).toMatch(reason);
    expect(existsSync(path.join(dataDir, 'voices')) ? readdirSync(path.join(dataDir, 'voices')) : []).toEqual([]);
    expect((await tts.listVoices()).voices.map((v) => v.id)).toEqual([ESPEAK_VOICE_ID]);
  });

  it('lists a broken bundled voice with its problem, keeps it from being default, and refuses to remove it', async () => {
    const { tts } = service({
      bundled: (d) => {
        writeVoice(d, 'sv_SE-nst-medium');
        writeFileSync(path.join(d, 'sv_SE-alma-medium.onnx'), buildFixtureModel());
      },
    });
    const { voices } = await tts.listVoices();
    expect(voices.find((v) => v.id === 'sv_SE-alma-medium')).toMatchObject({
      status: 'broken',
      problem: 'the config file sv_SE-alma-medium.onnx.json is missing',
    });
    await expect(tts.setDefaultVoice('sv_SE-alma-medium')).rejects.toMatchObject({ code: 'PRECONDITION' });
    await expect(tts.removeVoice('sv_SE-nst-medium')).rejects.toMatchObject({ code: 'PRECONDITION' });
    expect(await tts.setDefaultVoice(ESPEAK_VOICE_ID)).toBe(ESPEAK_VOICE_ID);
    expect((await tts.synthesise({ text: 'Hej.' })).engine).toBe('espeak');
  });
});

describe('recorded messages', () => {
  const rate = 48000;
  function recording(seconds: number, silenceSeconds = 0.5, amplitude = 0.05): Float32Array {
    const total = Math.round(rate * (seconds + 2 * silenceSeconds));
    const out = new Float32Array(total);
    const start = Math.round(rate * silenceSeconds);
    for (let i = 0; i < rate * seconds; i++)
      out[start + i] = amplitude * Math.sin((2 * Math.PI * 220 * i) / rate) * (1 + 0.3 * Math.sin(i / 2000));
    return out;
  }

  it('trims silence, normalises loudness and stores a recording usable like synthesised audio', () => {
    const { tts } = service();
    const wav = encodeWavPcm16(floatToInt16(recording(2)), rate);
    const r = tts.saveRecording({ format: 'wav', data: wav }, 'Utrymning hus B');
    expect(r.trimmedStartMs).toBeGreaterThan(300);
    expect(r.trimmedEndMs).toBeGreaterThan(300);
    expect(r.durationMs).toBeGreaterThan(2000);
    expect(r.durationMs).toBeLessThan(2400);
    expect(r.gainDb).toBeGreaterThan(10);
    expect(tts.describe(r.audioId)).toMatchObject({ kind: 'recording', label: 'Utrymning hus B', sampleRate: 24000, voiceId: null });
    const phone = samplesOf(tts.telephonyAudio(r.audioId).bytes);
    expect(phone.format).toEqual({ encoding: 'mulaw', bitsPerSample: 8, channels: 1, sampleRate: 8000 });
    expect(tts.list('recording', 10).map((a) => a.id)).toEqual([r.audioId]);
  });

  it('accepts raw PCM from Web Audio', () => {
    const { tts } = service();
    const f32 = recording(1);
    const s16 = floatToInt16(f32);
    const a = tts.saveRecording({ format: 'pcm-f32le', sampleRate: rate, data: new Uint8Array(f32.buffer) });
    const b = tts.saveRecording({ format: 'pcm-s16le', sampleRate: rate, data: new Uint8Array(s16.buffer) });
    expect(Math.abs(a.durationMs - b.durationMs)).toBeLessThanOrEqual(10);
  });

  it.each([
    ['silent', () => new Float32Array(rate * 2), /silent/],
    ['longer than three minutes', () => recording(181, 0.1, 0.2), /3 min 1 s long .* at most 3 min 0 s/],
  ])('refuses a recording that is %s', (_name, make, reason) => {
    const { tts } = service();
    const data = make();
    expect(() => tts.saveRecording({ format: 'pcm-f32le', sampleRate: rate, data: new Uint8Array(data.buffer) })).toThrow(reason);
  });

  it('refuses audio it cannot read, saying why', () => {
    const { tts } = service();
    expect(() => tts.saveRecording({ format: 'wav', data: new TextEncoder().encode('not a wav') })).toThrow(
      /cannot be read: not a WAV file/,
    );
    expect(() => tts.saveRecording({ format: 'pcm-s16le', sampleRate: 16000, data: new Uint8Array(3) })).toThrow(
      /whole number of 2-byte samples/,
    );
  });
});

describe('RPC', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    if (engine) await engine.close();
    engine = undefined;
  });

  it('synthesises, describes and returns audio over the RPC contract', async () => {
    const resourcesDir = tempDir('resources');
    writeVoice(path.join(resourcesDir, 'voices'), 'sv_SE-nst-medium');
    engine = await startEngine({
      dataDir: tempDir('engine'),
      databasePath: ':memory:',
      resourcesDir,
      logger: silentLogger(),
      validateOutputs: true,
      signedIn: { displayName: 'Test', role: 'admin' },
    });
    const events: unknown[] = [];
    engine.connect({ send: (m) => events.push(m), onMessage: () => {}, onClose: () => {} });

    const list = await engine.rpc.call('tts.voices.list', {});
    expect(list.ok && (list.value as { defaultVoiceId: string }).defaultVoiceId).toBe('sv_SE-nst-medium');

    const synth = await engine.rpc.call('tts.synthesise', { text: 'Ring 112 vid fara.', requestId: 'r1' });
    expect(synth.ok).toBe(true);
    if (!synth.ok) return;
    const { audioId, normalisedText } = synth.value as { audioId: string; normalisedText: string };
    expect(normalisedText).toBe('Ring ett ett två vid fara.');
    expect(events).toContainEqual({
      type: 'event',
      name: 'tts.progress',
      payload: { operation: 'synthesise', requestId: 'r1', stage: 'sentences', done: 1, total: 1 },
    });

    const got = await engine.rpc.call('audio.get', { audioId, form: 'telephony' });
    expect(got.ok).toBe(true);
    if (got.ok) {
      const v = got.value as { data: string; bytes: number; contentType: string };
      expect(v.contentType).toBe('audio/wav');
      expect(samplesOf(new Uint8Array(Buffer.from(v.data, 'base64'))).format.sampleRate).toBe(8000);
      expect(Buffer.from(v.data, 'base64').length).toBe(v.bytes);
    }
    expect(engine.services.tts.telephonyAudio(audioId).bytes.length).toBeGreaterThan(58);

    const empty = await engine.rpc.call('tts.synthesise', { text: '   ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const missing = await engine.rpc.call('audio.get', { audioId: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const rec = await engine.rpc.call('audio.saveRecording', {
      recording: { format: 'pcm-s16le', sampleRate: 16000, data: Buffer.from(new Uint8Array(32000)).toString('base64') },
    });
    expect(rec).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('silent') as string } });
    const audit = await engine.rpc.call('audit.list', {});
    expect(audit.ok).toBe(true);
  });
});

describe('voice for calls', () => {
  it("speaks a call's message with the template's voice, and with the default voice once that voice is gone", async () => {
    const resourcesDir = tempDir('resources');
    writeVoice(path.join(resourcesDir, 'voices'), 'sv_SE-nst-medium');
    writeVoice(path.join(resourcesDir, 'voices'), 'sv_SE-lisa-medium');
    const store = openStore(':memory:', { logger: silentLogger() });
    const ctx = {
      store,
      logger: silentLogger(),
      events: { emit: () => undefined },
      dataDir: tempDir('data'),
      resourcesDir,
      demo: false,
      startedAt: new Date(),
      operator: () => 'Test',
    };
    const tts = new TtsService({ dataDir: ctx.dataDir, resourcesDir, store, logger: ctx.logger });
    const synthesise = callVoiceSynthesiser(ctx, tts);
    try {
      // Lisa is not the default, so speaking with her is the template's choice at work.
      expect((await tts.listVoices()).defaultVoiceId).toBe('sv_SE-nst-medium');
      const withLisa = await synthesise('Brand i hus B.', 'sv', 'sv_SE-lisa-medium');
      expect(tts.describe(withLisa)).toMatchObject({ voiceId: 'sv_SE-lisa-medium' });
      const { defaultVoiceId } = await tts.listVoices();
      const gone = await synthesise('Brand i hus B.', 'sv', 'sv_SE-borttagen-medium');
      expect(tts.describe(gone)).toMatchObject({ voiceId: defaultVoiceId });
      expect(tts.describe(await synthesise('Brand i hus B.', 'sv', null))).toMatchObject({ voiceId: defaultVoiceId });
      await expect(synthesise('Fire in house B.', 'en', null)).rejects.toThrow(/English/);
    } finally {
      await tts.close();
      store.close();
    }
  });
});
