// Why a voice cannot be installed, loaded or used, in words for the operator.
export class VoiceError extends Error {
  constructor(
    readonly reason: 'not-found' | 'invalid' | 'conflict' | 'bundled' | 'io',
    message: string,
  ) {
    super(message);
    this.name = 'VoiceError';
  }
}
