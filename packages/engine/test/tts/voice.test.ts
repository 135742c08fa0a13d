// Loading and running Piper voices: the fixture models with Piper's exact signature
// (single and multi-speaker, 3-D and 4-D output) and broken ones that must be refused
// with a reason instead of crashing the engine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PiperVoice, peakNormalise } from '../../src/tts/piper-voice';
import { parsePiperConfig, type PiperConfig } from '../../src/tts/voice-config';
import { HOP, buildFixtureConfig, buildFixtureModel, type FixtureModelOptions } from './fixtures/piper-fixture';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-voice-'));
let n = 0;
function modelFile(bytes: Uint8Array): string {
  const file = path.join(dir, `m${n++}.onnx`);
  writeFileSync(file, bytes);
  return file;
}
function config(speakers = 1): PiperConfig {
  const r = parsePiperConfig(JSON.stringify(buildFixtureConfig({ numSpeakers: speakers })));
  if (!r.ok) throw new Error(r.error);
  return r.config;
}
async function load(opts: FixtureModelOptions, speakers = 1) {
  return PiperVoice.load(modelFile(buildFixtureModel(opts)), config(speakers));
}

describe('Piper voice runner', () => {
  it.each([
    ['4-D output', { outputRank: 4 as const }],
    ['3-D output', { outputRank: 3 as const }],
  ])('runs a voice with %s and reads samples by element count', async (_name, opts) => {
    const r = await load(opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ids = [1, 0, 20, 0, 61, 0, 2];
    const out = await r.voice.infer(ids, { noiseScale: 0.667, lengthScale: 1, noiseW: 0.8 });
    expect(out.length).toBe(ids.length * HOP);
    // Id 0 (padding) is silence in the fixture; other ids are tones.
    expect(Math.max(...Array.from(out.subarray(HOP, 2 * HOP), Math.abs))).toBe(0);
    expect(Math.max(...Array.from(out.subarray(2 * HOP, 3 * HOP), Math.abs))).toBeGreaterThan(0.4);
    await r.voice.release();
  });

  it('scales the output length with length_scale', async () => {
    const r = await load({});
    if (!r.ok) throw new Error(r.error);
    const ids = [1, 0, 20, 0, 2];
    const slow = await r.voice.infer(ids, { noiseScale: 0.667, lengthScale: 2, noiseW: 0.8 });
    const fast = await r.voice.infer(ids, { noiseScale: 0.667, lengthScale: 0.5, noiseW: 0.8 });
    expect(slow.length).toBe(ids.length * 2 * HOP);
    expect(fast.length).toBe(ids.length * 0.5 * HOP);
    await r.voice.release();
  });

  it('feeds sid to multi-speaker voices, which changes the voice', async () => {
    const r = await load({ multiSpeaker: true }, 3);
    if (!r.ok) throw new Error(r.error);
    expect(r.voice.multiSpeaker).toBe(true);
    const ids = [1, 0, 20, 0, 2];
    const a = await r.voice.infer(ids, { noiseScale: 0.667, lengthScale: 1, noiseW: 0.8, speakerId: 0 });
    const b = await r.voice.infer(ids, { noiseScale: 0.667, lengthScale: 1, noiseW: 0.8, speakerId: 2 });
    expect(a.length).toBe(b.length);
    expect(a).not.toEqual(b);
    await r.voice.release();
  });

  it.each([
    ['a file that is not ONNX', () => new TextEncoder().encode('this is not a model at all, just text'), /not an ONNX model/],
    ['a truncated model', () => buildFixtureModel().subarray(0, 900), /onnxruntime cannot load the model/],
    ['a model without scales', () => buildFixtureModel({ defect: 'no-scales' }), /no input "scales"/],
    ['a model taking int32 ids', () => buildFixtureModel({ defect: 'int32-input' }), /input "input" is int32, Piper voices take int64/],
    ['a model taking int64 scales', () => buildFixtureModel({ defect: 'scales-int64' }), /input "scales" is int64/],
    ['a model whose output is not called output', () => buildFixtureModel({ defect: 'wrong-output-name' }), /no output "output"/],
    [
      'a multi-speaker model with a one-speaker config',
      () => buildFixtureModel({ multiSpeaker: true }),
      /speaker id but its config says it has one speaker/,
    ],
  ])('refuses %s with a reason', async (_name, bytes, reason) => {
    const r = await PiperVoice.load(modelFile(bytes()), config(1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(reason);
  });

  it('refuses a one-speaker model whose config claims several speakers', async () => {
    const r = await load({}, 4);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/no input "sid"/) as string });
  });

  it('refuses a missing model file', async () => {
    const r = await PiperVoice.load(path.join(dir, 'nope.onnx'), config());
    expect(r).toEqual({ ok: false, error: 'the model file cannot be read (ENOENT)' });
  });
});

describe('voice config', () => {
  it('accepts the config Piper writes', () => {
    const r = parsePiperConfig(JSON.stringify(buildFixtureConfig()));
    expect(r.ok && r.config.audio.sample_rate).toBe(22050);
    expect(r.ok && r.config.inference).toEqual({ noise_scale: 0.667, length_scale: 1, noise_w: 0.8 });
  });

  it.each([
    ['not JSON', '{"audio": ', /not valid JSON/],
    ['no phoneme_id_map', JSON.stringify({ ...buildFixtureConfig(), phoneme_id_map: undefined }), /phoneme_id_map/],
    ['no pad symbol', JSON.stringify({ ...buildFixtureConfig(), phoneme_id_map: { a: [1] } }), /must contain "_", "\^" and "\$"/],
    ['text phonemes', JSON.stringify({ ...buildFixtureConfig(), phoneme_type: 'text' }), /phoneme_type "espeak"/],
    ['no sample rate', JSON.stringify({ ...buildFixtureConfig(), audio: {} }), /audio\.sample_rate/],
    ['no speaker count', JSON.stringify({ ...buildFixtureConfig(), num_speakers: undefined }), /num_speakers/],
  ])('refuses a config with %s', (_name, text, reason) => {
    const r = parsePiperConfig(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(reason);
  });
});

describe('peak normalisation as Piper does it', () => {
  it('scales the loudest sample to full scale and truncates toward zero', () => {
    expect(Array.from(peakNormalise(Float32Array.from([0.5, -0.25, 0.1])))).toEqual([32767, -16383, 6553]);
  });
  it('never amplifies near-silence by more than 100×', () => {
    expect(Array.from(peakNormalise(Float32Array.from([0.001, -0.001])))).toEqual([3276, -3276]);
  });
});
