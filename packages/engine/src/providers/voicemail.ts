// Voicemails left by people who call the alert number back (issue #21): both providers'
// recordings arrive as a 'reply' on the voice channel with the recording's URL.

/** What the inbox says for a voicemail: "Röstmeddelande (12 s)". */
export const voicemailText = (durationSec: string | undefined): string =>
  durationSec && /^\d+$/.test(durationSec) ? `Röstmeddelande (${durationSec} s)` : 'Röstmeddelande';
