// gdial:// links (from a mail, a chat or another program) that open the console on a
// page. They arrive from outside the app, so they are parsed strictly: a known target,
// a well-formed id, nothing else. Anything else is refused and logged, never guessed at.
export const DEEP_LINK_SCHEME = 'gdial';

export type DeepLinkRoute =
  | { kind: 'open' }
  | { kind: 'campaign'; campaignId: number }
  | { kind: 'page'; page: 'dashboard' | 'campaigns' | 'contacts' | 'inbox' | 'templates' | 'settings' };

export type DeepLinkResult = { ok: true; route: DeepLinkRoute } | { ok: false; reason: string };

const PAGES = ['dashboard', 'campaigns', 'contacts', 'inbox', 'templates', 'settings'] as const;
const MAX_LENGTH = 256;

export function parseDeepLink(raw: unknown): DeepLinkResult {
  if (typeof raw !== 'string') return { ok: false, reason: 'not a link' };
  if (raw.length > MAX_LENGTH) return { ok: false, reason: `longer than ${MAX_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return { ok: false, reason: `not a ${DEEP_LINK_SCHEME}:// link` };
  if (url.username || url.password || url.port) return { ok: false, reason: 'carries credentials or a port' };
  if (url.search || url.hash) return { ok: false, reason: 'carries a query or fragment' };
  const target = url.host.toLowerCase();
  const rest = url.pathname.replace(/\/+$/, '');
  const segments = rest === '' ? [] : rest.slice(1).split('/');

  if (target === '' || target === 'open') return segments.length === 0 ? { ok: true, route: { kind: 'open' } } : extra(target);
  if (target === 'campaign') {
    if (segments.length !== 1) return { ok: false, reason: 'expected gdial://campaign/<number>' };
    const id = segments[0]!;
    if (!/^[1-9]\d{0,14}$/.test(id)) return { ok: false, reason: `"${id.slice(0, 20)}" is not a campaign number` };
    return { ok: true, route: { kind: 'campaign', campaignId: Number(id) } };
  }
  const page = PAGES.find((p) => p === target);
  if (page) return segments.length === 0 ? { ok: true, route: { kind: 'page', page } } : extra(target);
  return { ok: false, reason: `unknown target "${target.slice(0, 40)}"` };
}

const extra = (target: string): DeepLinkResult => ({ ok: false, reason: `gdial://${target} takes no further path` });

/** The deep link among a (second) instance's command line, if any (Windows and Linux). */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  // Electron may add its own switches; a link is a whole argument with our scheme.
  return argv.find((a) => a.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`)) ?? null;
}
