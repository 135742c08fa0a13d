// Keeps every window on the console. Navigating away (a link, a redirect, a drag-and-drop,
// an injected script) is refused; window.open is refused. Links meant for the outside
// world (http(s), mailto) are handed to the OS after validation instead.
import type { Logger } from 'pino';
import { validateExternalUrl } from './external-links';
import { isAppUrl } from './origin';

export type NavigationDecision = { action: 'allow' } | { action: 'open-external'; url: string } | { action: 'deny'; reason: string };

/** For will-navigate / will-redirect / will-frame-navigate: only the console's own pages. */
export function decideNavigation(target: string): NavigationDecision {
  if (isAppUrl(target)) return { action: 'allow' };
  const link = validateExternalUrl(target);
  return link.ok ? { action: 'open-external', url: link.url } : { action: 'deny', reason: link.reason };
}

/** For setWindowOpenHandler: never a new window; an outside link goes to the OS. */
export function decideWindowOpen(target: string): NavigationDecision {
  const link = validateExternalUrl(target);
  if (link.ok) return { action: 'open-external', url: link.url };
  return { action: 'deny', reason: isAppUrl(target) ? 'the console does not open new windows' : link.reason };
}

interface Preventable {
  preventDefault(): void;
}

/** Event handlers the glue attaches to every webContents. */
export class NavigationGuard {
  private readonly log: Logger;

  constructor(
    private readonly openExternal: (url: string) => void,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'navigation-guard' });
  }

  onWillNavigate(event: Preventable, url: string): void {
    this.apply(event, decideNavigation(url), url, 'navigation');
  }

  onWindowOpen(url: string): { action: 'deny' } {
    this.apply(null, decideWindowOpen(url), url, 'window.open');
    return { action: 'deny' };
  }

  /** <webview> is never used by the console. */
  onWillAttachWebview(event: Preventable): void {
    event.preventDefault();
    this.log.warn('refused to attach a <webview>');
  }

  private apply(event: Preventable | null, d: NavigationDecision, url: string, what: string): void {
    switch (d.action) {
      case 'allow':
        return;
      case 'open-external':
        event?.preventDefault();
        this.openExternal(d.url);
        return;
      case 'deny':
        event?.preventDefault();
        this.log.warn({ what, target: describeUrl(url), reason: d.reason }, 'refused to leave the console');
        return;
      default: {
        const never: never = d;
        return never;
      }
    }
  }
}

/** Scheme, host and path only: query strings may carry tokens and must not reach the log. */
export function describeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return u.protocol === 'mailto:' ? 'mailto:…' : `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
