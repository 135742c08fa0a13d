// Step "session": once the app is ready, the console's session allows only the permissions
// it needs (the microphone for recordings, notifications), refuses devices and screen
// capture, puts the console's CSP on anything loaded over http(s) or file: as a second
// line of defence, and serves the built console on app://console.
import { readFile } from 'node:fs/promises';
import { protocol, session } from 'electron';
import { serveConsoleRequest } from '../security/app-protocol';
import { consoleCsp } from '../security/csp';
import { APP_SCHEME } from '../security/origin';
import { decidePermissionCheck, decidePermissionRequest } from '../security/permissions';

/** Before 'ready': app:// gets a real, secure origin for CSP and permissions. */
export function registerConsoleScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // corsEnabled: the console's <script type="module" crossorigin> requests are CORS-mode.
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
    },
  ]);
}

export function secureSession(uiDir: string): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(
      decidePermissionRequest(permission, {
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined,
      }),
    ),
  );
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    decidePermissionCheck(permission, requestingOrigin, { isMainFrame: details.isMainFrame, mediaType: details.mediaType }),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_req, callback) => callback(null));
  // Defence in depth: should anything ever load over http(s) or file:, it gets the same
  // policy as the console (app:// responses carry it from the protocol handler).
  ses.webRequest.onHeadersReceived({ urls: ['http://*/*', 'https://*/*', 'file://*/*'] }, (details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [consoleCsp()] } }),
  );
  protocol.handle(APP_SCHEME, async (request) => {
    const res = await serveConsoleRequest(request.url, uiDir, (file) => readFile(file));
    return new Response(res.body as BodyInit, { status: res.status, headers: res.headers });
  });
}
