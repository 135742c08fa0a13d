// What the sign-in and invitation forms can check before asking the engine: the password policy's
// length and the form of an invitation code or link. Plain data, without the contract's schemas
// (auth.ts builds them from the same numbers), for the sign-in page the console opens with.

export const passwordMinLength = 12;

/** An invitation code's length, trimmed. */
export const invitationCodeLength = { min: 8, max: 128 } as const;

/** The link an admin sends: opens the console's accept form with the relay and code filled in. */
export function invitationLink(publicBaseUrl: string, code: string): string {
  return `gdial://invitation?relay=${encodeURIComponent(publicBaseUrl.replace(/\/+$/, ''))}&code=${encodeURIComponent(code)}`;
}

/** The code from a pasted link or a bare code; null when it is neither. */
export function invitationCodeOf(text: string): string | null {
  const t = text.trim();
  if (t.startsWith('gdial://')) {
    try {
      return new URL(t).searchParams.get('code');
    } catch {
      return null;
    }
  }
  return t.length >= invitationCodeLength.min && t.length <= invitationCodeLength.max ? t : null;
}
