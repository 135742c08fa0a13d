import { mkdtempSync, mkdirSync, readFile, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolveConsoleAsset, serveConsoleRequest } from '../src/main/security/app-protocol';
import { CONSOLE_CSP_DIRECTIVES, consoleCsp } from '../src/main/security/csp';
import { validateExternalUrl } from '../src/main/security/external-links';
import { NavigationGuard, decideNavigation, decideWindowOpen, describeUrl } from '../src/main/security/navigation';
import { decidePermissionCheck, decidePermissionRequest } from '../src/main/security/permissions';
import { secureWebPreferences } from '../src/main/security/web-preferences';
import { quietLogger } from './support/fakes';

describe('Content-Security-Policy', () => {
  const csp = consoleCsp();
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

  it('never allows eval, inline scripts or remote origins', () => {
    expect(csp).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/https?:|wss?:|\*/);
    for (const sources of directives.values()) {
      for (const s of sources) expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:']).toContain(s);
    }
    // 'unsafe-inline' is tolerated for styles only (Mantine's style attributes).
    for (const [name, sources] of directives) if (name !== 'style-src') expect(sources).not.toContain("'unsafe-inline'");
  });

  it('defaults to nothing and closes plugins, framing, base and forms', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    for (const d of ['object-src', 'frame-src', 'frame-ancestors', 'base-uri', 'form-action'])
      expect(directives.get(d)).toEqual(["'none'"]);
    expect(directives.size).toBe(Object.keys(CONSOLE_CSP_DIRECTIVES).length);
  });
});

describe('external links', () => {
  it.each([
    ['https://www.msb.se/sv/', 'https://www.msb.se/sv/'],
    ['http://example.org/a?b=c#d', 'http://example.org/a?b=c#d'],
    ['mailto:kris@kommun.se', 'mailto:kris@kommun.se'],
    ['mailto:kris@kommun.se?subject=Larm', 'mailto:kris@kommun.se?subject=Larm'],
  ])('allows %s', (raw, url) => expect(validateExternalUrl(raw)).toEqual({ ok: true, url }));

  it.each([
    ['file:///etc/passwd', /file scheme/],
    ['javascript:alert(1)', /javascript scheme/],
    ['smb://server/share', /smb scheme/],
    ['ms-msdt:/id PCWDiagnostic', /spaces or control/],
    ['gdial://campaign/1', /gdial scheme/],
    ['app://console/index.html', /app scheme/],
    ['https://user:pw@evil.example/', /user name or password/],
    ['https://exa mple.org', /spaces or control/],
    ['https://example.org/\u0000', /control/],
    ['mailto:', /e-mail/],
    ['mailto:%E0%A4%A', /e-mail/],
    ['not a url', /spaces/],
    ['nourl', /valid URL/],
    ['', /not a link/],
    [42, /not a link/],
    ['https://example.org/' + 'a'.repeat(3000), /longer/],
  ])('refuses %s', (raw, reason) => {
    const v = validateExternalUrl(raw);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
  });
});

describe('navigation guard', () => {
  it('keeps windows on the console and sends outside links to the OS', () => {
    expect(decideNavigation('app://console/index.html')).toEqual({ action: 'allow' });
    expect(decideNavigation('app://console/kampanjer/12')).toEqual({ action: 'allow' });
    expect(decideNavigation('https://www.krisinformation.se/')).toEqual({
      action: 'open-external',
      url: 'https://www.krisinformation.se/',
    });
    expect(decideNavigation('file:///C:/Windows/System32/calc.exe')).toMatchObject({ action: 'deny' });
    expect(decideNavigation('app://other/index.html')).toMatchObject({ action: 'deny' });
    expect(decideNavigation('app://x@console/')).toMatchObject({ action: 'deny' });
    expect(decideNavigation('devtools://devtools/bundled/inspector.html')).toMatchObject({ action: 'deny' });
  });

  it('never opens a window', () => {
    expect(decideWindowOpen('app://console/index.html')).toEqual({ action: 'deny', reason: 'the console does not open new windows' });
    expect(decideWindowOpen('https://example.org/')).toEqual({ action: 'open-external', url: 'https://example.org/' });
    expect(decideWindowOpen('about:blank')).toMatchObject({ action: 'deny' });
  });

  it('prevents the event, opens only validated links, and always denies window.open', () => {
    const opened: string[] = [];
    const guard = new NavigationGuard((u) => opened.push(u), quietLogger());
    const ev = () => ({ preventDefault: vi.fn() });

    const inApp = ev();
    guard.onWillNavigate(inApp, 'app://console/index.html');
    expect(inApp.preventDefault).not.toHaveBeenCalled();

    const outside = ev();
    guard.onWillNavigate(outside, 'https://example.org/x');
    expect(outside.preventDefault).toHaveBeenCalledOnce();

    const hostile = ev();
    guard.onWillNavigate(hostile, 'file:///etc/passwd');
    expect(hostile.preventDefault).toHaveBeenCalledOnce();

    expect(guard.onWindowOpen('https://example.org/y')).toEqual({ action: 'deny' });
    expect(guard.onWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(guard.onWindowOpen('app://console/')).toEqual({ action: 'deny' });

    const webview = ev();
    guard.onWillAttachWebview(webview);
    expect(webview.preventDefault).toHaveBeenCalledOnce();
    expect(opened).toEqual(['https://example.org/x', 'https://example.org/y']);
  });

  it('logs links without their query strings', () => {
    expect(describeUrl('https://example.org/reset?token=abc')).toBe('https://example.org/reset');
    expect(describeUrl('mailto:a@b.se')).toBe('mailto:…');
  });
});

describe('permission handler', () => {
  const app = 'app://console/index.html';
  it('allows the microphone and notifications to the console in its top frame', () => {
    expect(decidePermissionRequest('media', { requestingUrl: app, isMainFrame: true, mediaTypes: ['audio'] })).toBe(true);
    expect(decidePermissionRequest('notifications', { requestingUrl: app, isMainFrame: true })).toBe(true);
    expect(decidePermissionCheck('media', 'app://console', { isMainFrame: true, mediaType: 'audio' })).toBe(true);
    expect(decidePermissionCheck('notifications', 'app://console', { isMainFrame: true })).toBe(true);
  });

  it('refuses the camera, even together with the microphone', () => {
    expect(decidePermissionRequest('media', { requestingUrl: app, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: app, isMainFrame: true, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: app, isMainFrame: true, mediaTypes: [] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: app, isMainFrame: true })).toBe(false);
    expect(decidePermissionCheck('media', 'app://console', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(decidePermissionCheck('media', 'app://console', { isMainFrame: true, mediaType: 'unknown' })).toBe(false);
  });

  it.each([
    'geolocation',
    'display-capture',
    'clipboard-read',
    'openExternal',
    'midiSysex',
    'usb',
    'serial',
    'hid',
    'fullscreen',
    'unknown',
  ])('refuses %s', (perm) => {
    expect(decidePermissionRequest(perm, { requestingUrl: app, isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(decidePermissionCheck(perm, 'app://console', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
  });

  it('refuses other origins and sub-frames', () => {
    expect(decidePermissionRequest('notifications', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(decidePermissionRequest('notifications', { isMainFrame: true })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: app, isMainFrame: false, mediaTypes: ['audio'] })).toBe(false);
    expect(decidePermissionCheck('notifications', 'file://', { isMainFrame: true })).toBe(false);
    expect(decidePermissionCheck('media', 'app://console', { isMainFrame: false, mediaType: 'audio' })).toBe(false);
  });
});

describe('window preferences', () => {
  it('sandboxes and isolates every window', () => {
    const prefs = secureWebPreferences('/app/preload.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });
});

describe('app:// protocol', () => {
  const ui = mkdtempSync(path.join(os.tmpdir(), 'gdial-ui-'));
  mkdirSync(path.join(ui, 'assets'));
  writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>GDial</title>');
  writeFileSync(path.join(ui, 'assets', 'index-abc.js'), 'export {}');
  writeFileSync(path.join(os.tmpdir(), 'gdial-secret.txt'), 'secret');
  afterAll(() => rmSync(ui, { recursive: true, force: true }));
  const read = promisify(readFile);

  it('serves files of the console with their type, and index.html for routes', () => {
    expect(resolveConsoleAsset('app://console/assets/index-abc.js', ui)).toEqual({
      ok: true,
      file: path.join(ui, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveConsoleAsset('app://console/', ui)).toMatchObject({ ok: true, file: path.join(ui, 'index.html') });
    expect(resolveConsoleAsset('app://console/kampanjer/12', ui)).toMatchObject({ ok: true, file: path.join(ui, 'index.html') });
  });

  it('keeps requests inside the console directory', () => {
    // URL parsing already resolves a literal .. against the root.
    expect(resolveConsoleAsset('app://console/../../assets/index-abc.js', ui)).toMatchObject({
      ok: true,
      file: path.join(ui, 'assets', 'index-abc.js'),
    });
    expect(resolveConsoleAsset('app://console/%2e%2e/gdial-secret.txt', ui)).toMatchObject({ ok: false });
    expect(resolveConsoleAsset('app://console/assets/..%2f..%2fgdial-secret.txt', ui)).toMatchObject({ ok: false });
    expect(resolveConsoleAsset('app://console/..%5c..%5cgdial-secret.txt', ui)).toEqual({ ok: false, status: 400 });
    expect(resolveConsoleAsset('app://console/a%00.js', ui)).toEqual({ ok: false, status: 400 });
    expect(resolveConsoleAsset('app://console/%E0%A4%A', ui)).toEqual({ ok: false, status: 400 });
    expect(resolveConsoleAsset('app://elsewhere/index.html', ui)).toEqual({ ok: false, status: 403 });
    expect(resolveConsoleAsset('app://console/tool.exe', ui)).toEqual({ ok: false, status: 404 });
  });

  it('answers with the CSP and nosniff on every response', async () => {
    const ok = await serveConsoleRequest('app://console/index.html', ui, (f) => read(f));
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toBe(consoleCsp());
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    const missing = await serveConsoleRequest('app://console/assets/missing.js', ui, (f) => read(f));
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(consoleCsp());
  });
});
