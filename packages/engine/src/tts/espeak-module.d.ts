// Types for the parts of @echogarden/espeak-ng-emscripten we use (the package ships none).
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakWorker {
    set_voice(name: string, language?: string, gender?: number, age?: number, variant?: number): number;
    text_to_phonemes(text: string, useIpa: number): unknown;
    synthesize(text: string, callback: (samples: Int16Array, events: unknown[]) => boolean | undefined): void;
    samplerate: number;
    rate: number;
    pitch: number;
  }
  export interface EspeakModule {
    eSpeakNGWorker: new () => EspeakWorker;
    getPointer(wrapped: unknown): number;
    _free(ptr: number): void;
    HEAPU8: Uint8Array;
  }
  const createModule: (options?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<EspeakModule>;
  export default createModule;
}

// The command-line build of espeak-ng (npm "espeak-ng"): used by tests and the benchmark
// as the reference for what `espeak-ng --ipa` prints.
declare module 'espeak-ng' {
  interface CliModule {
    FS: { writeFile(path: string, data: string): void };
  }
  const createCli: (options: {
    arguments: string[];
    preRun?: ((module: CliModule) => void)[];
    print?: (line: string) => void;
    printErr?: (line: string) => void;
  }) => Promise<CliModule>;
  export default createCli;
}
