// The one espeak-ng instance of the engine process. espeak-ng (GPL-3.0, compiled to
// JavaScript by the Echogarden project) does two jobs for us: it turns text into IPA
// phonemes for Piper voices, and it is the fallback voice when no Piper voice is
// installed. Loading it costs ~150 ms, so it is loaded once, on first use, and kept.
// Calls are synchronous and short (about 0.1 ms per sentence once warm).
// The package ships no types; the reference carries ours to every program that imports this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./espeak-module.d.ts" />
import { setFlagsFromString } from 'node:v8';
import createEspeakModule, { type EspeakModule, type EspeakWorker } from '@echogarden/espeak-ng-emscripten';
import { VoiceError } from './voice-error';

export interface EspeakAudio {
  sampleRate: number;
  samples: Int16Array;
}

export class Espeak {
  private voice: string | null = null;
  private readonly decoder = new TextDecoder();

  private constructor(
    private readonly module: EspeakModule,
    private readonly worker: EspeakWorker,
  ) {}

  static async load(): Promise<Espeak> {
    letTurbofanCompileEspeak();
    // espeak prints warnings about missing dictionaries on stderr; none concern us.
    const module = await createEspeakModule({ print: () => {}, printErr: () => {} });
    return new Espeak(module, new module.eSpeakNGWorker());
  }

  /** Selects a voice by file name ("sv"), else by language ("en-gb"), as Piper configs name them. */
  private useVoice(voice: string): void {
    if (this.voice === voice) return;
    if (this.worker.set_voice(voice) !== 0 && this.worker.set_voice('', voice, 0, 0, 0) !== 0) {
      this.voice = null;
      throw new VoiceError('invalid', `espeak-ng has no voice or language "${voice}" to phonemise with`);
    }
    this.voice = voice;
  }

  hasVoice(voice: string): boolean {
    try {
      this.useVoice(voice);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * IPA phonemes of one clause, words separated by spaces, nothing between phonemes.
   * The build only offers a call that puts `_` between phonemes, which no IPA phoneme
   * contains, so removing it gives what espeak's plain `--ipa` prints.
   */
  clausePhonemes(text: string, voice: string): string {
    this.useVoice(voice);
    const wrapped = this.worker.text_to_phonemes(text, 1);
    const ptr = this.module.getPointer(wrapped);
    try {
      const heap = this.module.HEAPU8;
      let end = ptr;
      while (heap[end] !== 0) end++;
      const raw = this.decoder.decode(heap.subarray(ptr, end));
      // Should espeak still see more than one clause here, keep all of it in order.
      return raw
        .split(' | ')
        .map((p) => p.replaceAll('_', '').trim())
        .filter(Boolean)
        .join(' ');
    } finally {
      this.module._free(ptr);
    }
  }

  /** espeak's own voice: the fallback when no Piper voice is installed. */
  synthesize(text: string, voice: string, opts: { wordsPerMinute?: number } = {}): EspeakAudio {
    this.useVoice(voice);
    this.worker.rate = Math.round(opts.wordsPerMinute ?? 160);
    const chunks: Int16Array[] = [];
    // The build parses SSML, so markup characters in the operator's text must be escaped.
    const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    this.worker.synthesize(escaped, (samples) => {
      chunks.push(samples.slice());
      return false;
    });
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const samples = new Int16Array(total);
    let at = 0;
    for (const c of chunks) {
      samples.set(c, at);
      at += c.length;
    }
    return { sampleRate: this.worker.samplerate, samples };
  }
}

/**
 * The build is espeak-ng's C translated to plain JavaScript, and one of its functions (the
 * word translator, ~43 KB of minified source) is larger than V8's default limit for its
 * optimising compiler (60 KB of bytecode). Left at the baseline tier it makes every
 * sentence 2–3× slower (0.24 → 0.10 ms per alert sentence, measured with the tts
 * benchmark). The limit is a process-wide heuristic read whenever V8 decides what to
 * optimise; raising it changes no behaviour, only which hot functions get compiled. Node
 * keeps V8's flags writable after start-up for `v8.setFlagsFromString`; Electron runs
 * Node's initialisation and is expected to as well (unchecked here: docs/voices.md).
 * A limit given on the command line (a profiling run, say) is left as it is.
 */
export const ESPEAK_TURBOFAN_FLAG = '--max-optimized-bytecode-size=262144';
let turbofanLimitRaised = false;
function letTurbofanCompileEspeak(): void {
  if (turbofanLimitRaised) return;
  turbofanLimitRaised = true;
  if (process.execArgv.some((a) => a.replaceAll('_', '-').startsWith('--max-optimized-bytecode-size'))) return;
  setFlagsFromString(ESPEAK_TURBOFAN_FLAG);
}

let shared: Promise<Espeak> | null = null;

/** The process-wide instance; loaded on first call. */
export function sharedEspeak(): Promise<Espeak> {
  shared ??= Espeak.load().catch((err: unknown) => {
    shared = null; // let a later call try again
    throw err;
  });
  return shared;
}
