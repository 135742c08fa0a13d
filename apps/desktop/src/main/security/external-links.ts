// Which links may leave the app for the operator's browser or mail program. Only http(s)
// and mailto, well-formed, without embedded credentials or control characters: a link in
// a reply or a template must never become a way to launch a local program (file:,
// smb:, custom protocol handlers) through the OS.
export type ExternalLinkVerdict = { ok: true; url: string } | { ok: false; reason: string };

const MAX_LENGTH = 2048;
// Control characters and whitespace are never part of a link a person meant.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;

export function validateExternalUrl(raw: unknown): ExternalLinkVerdict {
  if (typeof raw !== 'string' || raw === '') return { ok: false, reason: 'not a link' };
  if (raw.length > MAX_LENGTH) return { ok: false, reason: `longer than ${MAX_LENGTH} characters` };
  if (UNSAFE_CHARS.test(raw)) return { ok: false, reason: 'contains spaces or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      if (url.username !== '' || url.password !== '') return { ok: false, reason: 'contains a user name or password' };
      if (url.hostname === '') return { ok: false, reason: 'has no host' };
      return { ok: true, url: url.href };
    case 'mailto:': {
      const address = decodeSafely(url.pathname);
      if (address === null || !/^[^@\s]+@[^@\s]+$/.test(address.split(',')[0] ?? '')) return { ok: false, reason: 'not an e-mail address' };
      return { ok: true, url: url.href };
    }
    default:
      return { ok: false, reason: `the ${url.protocol.replace(/:$/, '')} scheme is not allowed` };
  }
}

function decodeSafely(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
