// Step "links": every web contents, including any not created on purpose, stays on the
// console (navigation, redirects, frames, webviews and window.open are policed by the
// NavigationGuard), and the only way out is a validated http(s)/mailto link opened by the OS.
import { app, shell } from 'electron';
import type { Logger } from 'pino';
import { validateExternalUrl } from '../security/external-links';
import { NavigationGuard, describeUrl } from '../security/navigation';

export type OpenExternal = (url: string) => Promise<boolean>;

export function linkOpener(log: Logger): OpenExternal {
  return async (url) => {
    const v = validateExternalUrl(url);
    if (!v.ok) {
      log.warn({ target: describeUrl(url), reason: v.reason }, 'refused to open a link');
      return false;
    }
    try {
      await shell.openExternal(v.url, { activate: true });
      return true;
    } catch (err) {
      log.warn({ err, target: describeUrl(v.url) }, 'the OS could not open a link');
      return false;
    }
  };
}

export function hardenWebContents(log: Logger, openExternal: OpenExternal): void {
  const guard = new NavigationGuard((url) => void openExternal(url), log);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => guard.onWillNavigate(event, event.url));
    contents.on('will-redirect', (event) => guard.onWillNavigate(event, event.url));
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame) guard.onWillNavigate(event, event.url);
    });
    contents.on('will-attach-webview', (event) => guard.onWillAttachWebview(event));
    contents.setWindowOpenHandler(({ url }) => guard.onWindowOpen(url));
  });
}
