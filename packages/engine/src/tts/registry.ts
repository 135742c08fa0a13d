// Which voices exist: Piper voices shipped in the app's resources, Piper voices the
// operator installed into the data directory, and espeak-ng's Swedish voice, which is
// always there. A voice is a `NAME.onnx` with its `NAME.onnx.json`. Installing copies
// both into the user's voice directory only after the config parses and the model loads,
// matches Piper's signature and runs; a broken file is refused with the reason and never
// takes the engine down. Voices found broken on disk are listed with their problem.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { VoiceInfo } from '@gdial/protocol';
import type { Logger } from '../log';
import { PiperVoice } from './piper-voice';
import { VoiceError } from './voice-error';
import { parsePiperConfig, type PiperConfig } from './voice-config';

export { VoiceError };

export const ESPEAK_VOICE_ID = 'espeak-sv';
export const ESPEAK_SAMPLE_RATE = 22050;

/** The order in which Swedish voices are preferred when the operator has chosen none. */
const PREFERRED = ['sv_SE-nst-medium', 'sv_SE-lisa-medium', 'sv_SE-alma-medium'];

export interface PiperVoiceEntry {
  id: string;
  source: 'bundled' | 'user';
  modelPath: string;
  configPath: string;
  config: PiperConfig | null;
  /** Changes when either file changes; part of the TTS cache key. */
  fingerprint: string;
  problem: string | null;
}

export type InstallStage = 'reading-config' | 'loading-model' | 'copying' | 'done';

const VOICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export class VoiceRegistry {
  private entries: PiperVoiceEntry[] = [];
  private readonly loaded = new Map<string, Promise<PiperVoice>>();
  private readonly log: Logger;

  constructor(
    private readonly bundledDir: string | null,
    readonly userDir: string,
    logger: Logger,
    /** Whether espeak-ng can phonemise for a voice's `espeak.voice`. */
    private readonly espeakKnows: (voice: string) => Promise<boolean> = () => Promise.resolve(true),
  ) {
    this.log = logger.child({ module: 'tts.voices' });
  }

  /** Reads both voice directories again. */
  async scan(): Promise<void> {
    const found: PiperVoiceEntry[] = [];
    for (const [dir, source] of [
      [this.bundledDir, 'bundled'],
      [this.userDir, 'user'],
    ] as const) {
      if (!dir) continue;
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue; // a missing directory simply has no voices
      }
      for (const name of names.filter((n) => n.endsWith('.onnx')).sort()) {
        const id = name.slice(0, -'.onnx'.length);
        // A user voice with a bundled voice's name replaces it.
        const existing = found.findIndex((e) => e.id === id);
        const entry = await this.describe(id, source, path.join(dir, name));
        if (existing >= 0) found[existing] = entry;
        else found.push(entry);
      }
    }
    this.entries = found;
  }

  private async describe(id: string, source: 'bundled' | 'user', modelPath: string): Promise<PiperVoiceEntry> {
    const configPath = `${modelPath}.json`;
    const base = { id, source, modelPath, configPath };
    let configText: string;
    let modelStat;
    try {
      modelStat = await stat(modelPath);
      configText = await readFile(configPath, 'utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      return {
        ...base,
        config: null,
        fingerprint: '',
        problem: missing
          ? `the config file ${path.basename(configPath)} is missing`
          : `the voice files cannot be read (${(err as Error).message})`,
      };
    }
    const parsed = parsePiperConfig(configText);
    const fingerprint = createHash('sha256')
      .update(`${modelStat.size}:${modelStat.mtimeMs}:`)
      .update(configText)
      .digest('hex')
      .slice(0, 16);
    if (!parsed.ok) return { ...base, config: null, fingerprint, problem: parsed.error };
    return { ...base, config: parsed.config, fingerprint, problem: null };
  }

  piperEntries(): readonly PiperVoiceEntry[] {
    return this.entries;
  }

  entry(id: string): PiperVoiceEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  list(): VoiceInfo[] {
    return [...this.entries.map((e) => piperInfo(e)), espeakInfo()];
  }

  /** The voice to use when the operator chose none: the first ready Swedish Piper voice. */
  automaticDefault(): string {
    const ready = this.entries.filter((e) => e.problem === null && e.config?.espeak.voice.startsWith('sv'));
    for (const id of PREFERRED) if (ready.some((e) => e.id === id)) return id;
    return ready[0]?.id ?? ESPEAK_VOICE_ID;
  }

  /** The loaded model of a Piper voice; loading is shared and remembered. */
  async load(id: string): Promise<PiperVoice> {
    const entry = this.entry(id);
    if (!entry) throw new VoiceError('not-found', `voice ${id} is not installed`);
    if (!entry.config) throw new VoiceError('invalid', `voice ${id} cannot be used: ${entry.problem ?? 'its config is invalid'}`);
    const config = entry.config;
    let pending = this.loaded.get(id);
    if (!pending) {
      pending = PiperVoice.load(entry.modelPath, config).then((r) => {
        if (r.ok) return r.voice;
        entry.problem = r.error;
        throw new VoiceError('invalid', `voice ${id} cannot be used: ${r.error}`);
      });
      // A failed load is not remembered, so a repaired file is picked up on the next try.
      pending.catch(() => this.loaded.delete(id));
      this.loaded.set(id, pending);
    }
    return pending;
  }

  async install(modelPath: string, configPath: string | undefined, onStage: (stage: InstallStage) => void): Promise<VoiceInfo> {
    const cfgPath = configPath ?? `${modelPath}.json`;
    if (!modelPath.endsWith('.onnx')) throw new VoiceError('invalid', 'a Piper voice model is a file ending in .onnx');
    const id = path.basename(modelPath).slice(0, -'.onnx'.length);
    if (!VOICE_ID.test(id)) throw new VoiceError('invalid', `"${id}" is not a usable voice name (letters, digits, - _ . only)`);
    const existing = this.entry(id);
    if (existing?.source === 'user') throw new VoiceError('conflict', `a voice named ${id} is already installed; remove it first`);

    onStage('reading-config');
    let configText: string;
    try {
      configText = await readFile(cfgPath, 'utf8');
    } catch (err) {
      throw new VoiceError(
        'io',
        `the voice config ${cfgPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    const parsed = parsePiperConfig(configText);
    if (!parsed.ok) throw new VoiceError('invalid', parsed.error);
    const espeakVoice = parsed.config.espeak.voice;
    if (!(await this.espeakKnows(espeakVoice)))
      throw new VoiceError('invalid', `the voice needs espeak-ng's "${espeakVoice}" phonemes, which this espeak-ng does not have`);

    onStage('loading-model');
    const loaded = await PiperVoice.load(modelPath, parsed.config);
    if (!loaded.ok) throw new VoiceError('invalid', loaded.error);
    await loaded.voice.release();

    onStage('copying');
    await mkdir(this.userDir, { recursive: true });
    const target = path.join(this.userDir, `${id}.onnx`);
    const partial = `${target}.partial`;
    try {
      // Config first, model last: a voice is only visible once its .onnx is in place.
      await copyFile(cfgPath, `${partial}.json`);
      await rename(`${partial}.json`, `${target}.json`);
      await copyFile(modelPath, partial);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      await rm(`${partial}.json`, { force: true });
      throw new VoiceError('io', `copying the voice into ${this.userDir} failed (${(err as Error).message})`);
    }
    this.loaded.delete(id);
    await this.scan();
    onStage('done');
    this.log.info({ voiceId: id }, 'voice installed');
    const info = this.list().find((v) => v.id === id);
    if (!info) throw new VoiceError('io', `voice ${id} was copied but cannot be found again`);
    return info;
  }

  async remove(id: string): Promise<void> {
    if (id === ESPEAK_VOICE_ID) throw new VoiceError('bundled', 'the built-in espeak voice cannot be removed');
    const entry = this.entry(id);
    if (!entry) throw new VoiceError('not-found', `voice ${id} is not installed`);
    if (entry.source === 'bundled') throw new VoiceError('bundled', `voice ${id} ships with GDial and cannot be removed`);
    const pending = this.loaded.get(id);
    this.loaded.delete(id);
    if (pending) await pending.then((v) => v.release()).catch(() => undefined);
    await rm(entry.modelPath, { force: true });
    await rm(entry.configPath, { force: true });
    await this.scan();
    this.log.info({ voiceId: id }, 'voice removed');
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map((p) => p.then((v) => v.release()).catch(() => undefined)));
  }
}

function piperInfo(e: PiperVoiceEntry): VoiceInfo {
  const parts = e.id.split('-'); // sv_SE-nst-medium
  const speaker = parts.length >= 3 ? parts.slice(1, -1).join('-') : e.id;
  const speakerName = speaker.length <= 4 ? speaker.toUpperCase() : speaker.charAt(0).toUpperCase() + speaker.slice(1);
  const language = e.config?.language?.code ?? parts[0] ?? 'sv_SE';
  return {
    id: e.id,
    name: `${speakerName} (Piper, ${language})`,
    engine: 'piper',
    source: e.source,
    language,
    quality: e.config?.audio.quality ?? null,
    sampleRate: e.config?.audio.sample_rate ?? 0,
    speakers: e.config && e.config.num_speakers > 1 ? Object.keys(e.config.speaker_id_map) : [],
    status: e.problem ? 'broken' : 'ready',
    problem: e.problem,
  };
}

export function espeakInfo(): VoiceInfo {
  return {
    id: ESPEAK_VOICE_ID,
    name: 'eSpeak NG (reservröst, sv)',
    engine: 'espeak',
    source: 'builtin',
    language: 'sv_SE',
    quality: 'low',
    sampleRate: ESPEAK_SAMPLE_RATE,
    speakers: [],
    status: 'ready',
    problem: null,
  };
}
