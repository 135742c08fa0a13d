// `npm run bench -- tts [--repeat 10] [--warmup 30] [--compute-turns 3] [--threads 1] [--layers 192]`: the same 20 Swedish alert sentences through our
// pipeline (espeak-ng WASM phonemes → Piper ids → onnxruntime-node → Piper peak
// normalisation) and through sherpa-onnx-node's native Piper implementation, both on the
// same fixture voice. sherpa runs in a child process (it exits the process on models it
// dislikes); the two alternate sentence by sentence. Per sentence: best-of-N times `ours_ms` and `sherpa_ms` and their `ratio`
// (goal ≤ 1.0), warm `phonemize_ms` (goal ≤ 5) and the espeak fallback's real-time factor
// `espeak_rtf`. A final row summarises.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '@gdial/engine';
import {
  DEFAULT_SETTINGS,
  PiperVoice,
  parsePiperConfig,
  phonemize,
  sharedEspeak,
  speakWithEspeak,
  speakWithPiper,
} from '@gdial/engine/tts';
import { SWEDISH_SENTENCES, buildFixtureConfig, cliIpa, startSherpaServer, writeSherpaVoice } from '@gdial/engine/testing/tts';
import { percentile, round, type BenchContext } from '../context';

export default async function (ctx: BenchContext): Promise<void> {
  const threads = Number(ctx.options.threads ?? 1);
  // 192 dense layers ≈ 50 MB of weights and ~0.1 s per sentence on one core: the range of a
  // real medium Piper voice (RTF 0.05–0.1 on a desktop).
  const layers = Number(ctx.options.layers ?? 192);
  const espeak = await sharedEspeak();
  // Baseline for keeping one espeak instance alive: a fresh espeak-ng program per call.
  ctx.progress('espeak-ng command line, one program per sentence (baseline)');
  const cli: number[] = [];
  const kept: number[] = [];
  for (const text of SWEDISH_SENTENCES.slice(0, 5)) {
    const t0 = performance.now();
    await cliIpa(text);
    cli.push(performance.now() - t0);
  }
  for (const text of SWEDISH_SENTENCES.slice(0, 5)) {
    let best = Infinity;
    for (let r = 0; r < 10; r++) {
      const t0 = performance.now();
      phonemize(text, espeak, 'sv');
      best = Math.min(best, performance.now() - t0);
    }
    kept.push(best);
  }
  ctx.emit({
    baseline: 'espeak-ng CLI program per call vs one kept instance',
    cli_ms_median: round(percentile(cli, 50), 1),
    phonemize_ms_median: round(percentile(kept, 50), 3),
    speedup: round(percentile(cli, 50) / percentile(kept, 50), 0),
  });
  const root = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-tts-'));
  // "tiny": the 2 KB fixture, so the times are the per-sentence overhead of each pipeline
  // (phonemisation, tensor handling). "compute": the same voice with dense layers whose
  // cost is in the range of a real medium voice, so inference dominates as it does in use.
  // Warm-up rounds (every sentence through both pipelines, untimed) before the timed turns.
  // espeak-ng runs as JavaScript, which V8 optimises only after it has run a while: on the
  // tiny model ours takes ~0.66 ms a sentence after 4 rounds, ~0.19 ms after 18 and settles
  // at ~0.15 ms from about 30. Thirty rounds take under a second; sherpa gets the same. On
  // the compute model native inference dominates and one round suffices.
  for (const [model, computeLayers, repeat, warmup] of [
    ['tiny', 0, Number(ctx.options.repeat ?? 10), Number(ctx.options.warmup ?? 30)],
    ['compute', layers, Number(ctx.options['compute-turns'] ?? 3), 1],
  ] as const) {
    ctx.progress(`${model} model: writing the fixture voice and espeak-ng data for sherpa`);
    const voiceDir = await writeSherpaVoice(path.join(root, model), { kind: 'tone', computeLayers });
    const modelPath = path.join(voiceDir, 'model.onnx');
    writeFileSync(`${modelPath}.json`, JSON.stringify(buildFixtureConfig()));

    ctx.progress(`${model} model: starting sherpa-onnx-node in a child process`);
    const sherpa = await startSherpaServer(voiceDir, threads);
    const parsed = parsePiperConfig(JSON.stringify(buildFixtureConfig()));
    if (!parsed.ok) throw new Error(parsed.error);
    const loaded = await PiperVoice.load(modelPath, parsed.config, { threads });
    if (!loaded.ok) throw new Error(loaded.error);
    const voice = loaded.voice;
    const log = silentLogger();
    // Sherpa adds no pause between sentences; neither do we here, so both do the same work.
    const settings = { ...DEFAULT_SETTINGS, sentencePauseMs: 0 };
    ctx.progress(`${model} model: ${warmup} warm-up round(s) through both pipelines`);
    for (let round = 0; round < warmup; round++) {
      for (const text of SWEDISH_SENTENCES) {
        await speakWithPiper(voice, espeak, text, settings, log);
        await sherpa.time(text, 1);
      }
    }
    // The two pipelines alternate in short turns, sentence by sentence, so load from other
    // work on the machine falls on both alike; each keeps its best time per sentence.
    const sherpaBest = SWEDISH_SENTENCES.map(() => Infinity);
    const oursBest = SWEDISH_SENTENCES.map(() => Infinity);
    ctx.progress(`${model} model: ${SWEDISH_SENTENCES.length} sentences, ${repeat} alternating turns each`);
    for (let turn = 0; turn < repeat; turn++) {
      for (const [i, text] of SWEDISH_SENTENCES.entries()) {
        sherpaBest[i] = Math.min(sherpaBest[i]!, await sherpa.time(text, 2));
        for (let r = 0; r < 2; r++) {
          const t0 = performance.now();
          await speakWithPiper(voice, espeak, text, settings, log);
          oursBest[i] = Math.min(oursBest[i]!, performance.now() - t0);
        }
      }
    }
    sherpa.close();

    // Phonemisation is timed for every sentence before the espeak voice speaks any: speaking
    // takes espeak's word translator down paths phonemising never does, V8 deoptimises it,
    // and the next few hundred phonemisations would run on the baseline tier until it is
    // optimised again. Interleaved, the column measured that recovery, not warm phonemisation.
    const phonBest = SWEDISH_SENTENCES.map((text) => {
      let phon = Infinity;
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        phonemize(text, espeak, 'sv');
        phon = Math.min(phon, performance.now() - t0);
      }
      return phon;
    });
    const rows: { ours: number; sherpa: number; ratio: number; phon: number; rtf: number }[] = [];
    for (const [i, text] of SWEDISH_SENTENCES.entries()) {
      const ours = oursBest[i]!;
      const phon = phonBest[i]!;
      let espeakMs = Infinity;
      let espeakSeconds = 0;
      for (let r = 0; r < Math.min(repeat, 3); r++) {
        const t0 = performance.now();
        const spoken = await speakWithEspeak(espeak, text, DEFAULT_SETTINGS);
        espeakMs = Math.min(espeakMs, performance.now() - t0);
        espeakSeconds = spoken.samples.length / spoken.sampleRate;
      }
      const sherpaMs = sherpaBest[i]!;
      const row = { ours, sherpa: sherpaMs, ratio: ours / sherpaMs, phon, rtf: espeakMs / 1000 / espeakSeconds };
      rows.push(row);
      ctx.emit({
        model,
        sentence: i + 1,
        chars: text.length,
        ours_ms: round(row.ours, 3),
        sherpa_ms: round(row.sherpa, 3),
        ratio: round(row.ratio, 2),
        phonemize_ms: round(row.phon, 3),
        espeak_rtf: round(row.rtf, 4),
      });
    }
    await voice.release();
    const median = (xs: number[]) => percentile(xs, 50);
    ctx.emit({
      model,
      summary: true,
      sentences: rows.length,
      repeat,
      warmup,
      threads,
      ours_ms_median: round(median(rows.map((r) => r.ours)), 3),
      sherpa_ms_median: round(median(rows.map((r) => r.sherpa)), 3),
      ratio_median: round(median(rows.map((r) => r.ratio)), 2),
      ratio_max: round(Math.max(...rows.map((r) => r.ratio)), 2),
      phonemize_ms_median: round(median(rows.map((r) => r.phon)), 3),
      phonemize_ms_max: round(Math.max(...rows.map((r) => r.phon)), 3),
      espeak_rtf_median: round(median(rows.map((r) => r.rtf)), 4),
      goal_ratio: 1,
      goal_phonemize_ms: 5,
    });
  }
}
