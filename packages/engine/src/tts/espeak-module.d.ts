// Types for the parts of @echogarden/espeak-ng-emscripten we use (the package ships none).
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakWorker {
    set_voice(name: string): number;
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
