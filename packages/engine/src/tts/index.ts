// The speech module's public face, for the hosts and the benchmark: the service, and
// the pipeline pieces it is built from.
export {
  TtsService,
  TTS_PIPELINE_VERSION,
  DEFAULT_SETTINGS,
  type TtsServiceOptions,
  type SynthesiseRequest,
  type RecordingInput,
  type RecordingResult,
  type AudioBytes,
} from './service';
export { VoiceRegistry, ESPEAK_VOICE_ID } from './registry';
export { Espeak, sharedEspeak } from './espeak';
export { phonemize, phonemesToIds } from './phonemes';
export { splitClauses } from './clauses';
export { PiperVoice } from './piper-voice';
export { peakNormalise, peakNormaliseInto } from './peak-normalise';
export { parsePiperConfig, type PiperConfig } from './voice-config';
export { speakWithPiper, speakWithEspeak, type SpokenAudio } from './synthesise';
export { normaliseSwedish } from './normalise/swedish';
