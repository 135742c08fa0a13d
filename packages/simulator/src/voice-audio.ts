// What a simulated callee hears when a provider plays a URL: whether the bytes are audio
// and how long they last. Shared by the Twilio and 46elks voice engines.

export const AUDIO_TYPES = /^(audio\/|application\/ogg)/i;

export function looksLikeAudio(body: Buffer): boolean {
  const head = body.subarray(0, 4).toString('latin1');
  return (
    head === 'RIFF' ||
    head === 'OggS' ||
    head === 'fLaC' ||
    head.startsWith('ID3') ||
    (body[0] === 0xff && ((body[1] ?? 0) & 0xe0) === 0xe0)
  );
}

/** Seconds of audio: exact for WAV (byte rate in the header), an MP3-like estimate otherwise. */
export function audioSeconds(body: Buffer): number {
  if (body.length >= 44 && body.subarray(0, 4).toString('latin1') === 'RIFF') {
    const byteRate = body.readUInt32LE(28);
    if (byteRate > 0) return Math.max(0.1, (body.length - 44) / byteRate);
  }
  return Math.max(0.1, body.length / 16_000);
}
