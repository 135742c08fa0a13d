// Tray, notifications, menu, updates, preferences and layout: the main process's logic
// around Electron, with Electron's parts replaced by fakes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { deliveryStates, recipientOutcomes } from '@gdial/protocol';
import { AlertActivity, maskAddress, type NotificationRequest } from '../src/main/activity';
import { strings, type Language } from '../src/main/i18n';
import { menuTemplate, type MenuActions } from '../src/main/menu';
import { resolveLayout } from '../src/main/paths';
import { loadPreferences, savePreferences } from '../src/main/preferences';
import { engineStatusMessage, trayView } from '../src/main/tray-state';
import { UpdateScheduler, resolveUpdateFeed, type Updater } from '../src/main/updates';
import { ManualTimers, quietLogger } from './support/fakes';

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const outcomes = (o: Record<string, number>) => ({ ...zeros(recipientOutcomes), ...o });
const progress = (over: Record<string, unknown> = {}) => ({
  campaignId: 12,
  status: 'running',
  recipients: 50,
  confirmed: 10,
  outcomes: outcomes({ confirmed: 10, 'in-progress': 40 }),
  deliveries: zeros(deliveryStates),
  throughputPerSecond: 3,
  etaSeconds: 20,
  possibleDuplicates: 0,
  carriers: [],
  unavailableProviders: [],
  at: '2026-11-23T12:00:00.000Z',
  ...over,
});

function activity(lang: Language = 'sv') {
  const shown: NotificationRequest[] = [];
  const timers = new ManualTimers();
  const a = new AlertActivity((n) => shown.push(n), strings(lang).notify, timers);
  let changes = 0;
  a.onChange(() => changes++);
  return { a, shown, timers, changes: () => changes };
}

describe('alert activity from engine events', () => {
  it('counts running alerts for the tray and notifies once when a campaign finishes', () => {
    const { a, shown, changes } = activity();
    a.handleEngineEvent('campaigns.progress', progress());
    expect(a.runningCount).toBe(1);
    a.handleEngineEvent('campaigns.progress', progress({ confirmed: 47, outcomes: outcomes({ confirmed: 47, unreached: 3 }) }));
    a.handleEngineEvent('campaigns.changed', { id: 12, status: 'completed' });
    a.handleEngineEvent(
      'campaigns.progress',
      progress({ status: 'completed', confirmed: 47, outcomes: outcomes({ confirmed: 47, unreached: 3 }) }),
    );
    expect(a.runningCount).toBe(0);
    expect(shown).toEqual([
      {
        kind: 'campaign-finished',
        title: 'Kampanj #12 är klar',
        body: '47 av 50 har bekräftat. 3 nåddes inte.',
        route: { kind: 'campaign', campaignId: 12 },
      },
    ]);
    expect(changes()).toBe(2); // running, completed
  });

  it('says when a provider stops answering during an alert, once per outage', () => {
    const { a, shown } = activity('en');
    a.handleEngineEvent('campaigns.progress', progress());
    a.handleEngineEvent('campaigns.progress', progress({ unavailableProviders: ['twilio'] }));
    a.handleEngineEvent('campaigns.progress', progress({ unavailableProviders: ['twilio'] }));
    a.handleEngineEvent('campaigns.progress', progress({ unavailableProviders: [] }));
    a.handleEngineEvent('campaigns.progress', progress({ unavailableProviders: ['twilio', 'sendgrid'] }));
    expect(shown.map((n) => n.body)).toEqual([
      'twilio is not responding. GDial keeps retrying.',
      'twilio, sendgrid are not responding. GDial keeps retrying.',
    ]);
  });

  it('shows the first reply at once and sums up a burst', async () => {
    const { a, shown, timers } = activity();
    const reply = (i: number, over: Record<string, unknown> = {}) => ({
      id: i,
      receivedAt: '2026-11-23T12:00:00.000Z',
      channel: 'sms',
      from: '+46701234567',
      text: '1',
      campaignId: 12,
      campaignName: 'Brand Ystad – samling',
      recipientId: i,
      contactId: i,
      displayName: null,
      handled: false,
      handledBy: null,
      handledAt: null,
      ...over,
    });
    a.handleEngineEvent('inbox.received', reply(1));
    for (let i = 2; i <= 30; i++) a.handleEngineEvent('inbox.received', reply(i, { displayName: 'Anna' }));
    expect(shown).toEqual([{ kind: 'reply', title: 'Nytt svar från +4670•••••67', body: '1', route: { kind: 'page', page: 'inbox' } }]);
    await timers.advance(10_000);
    expect(shown[1]).toEqual({
      kind: 'replies',
      title: '29 nya svar',
      body: 'Öppna inkorgen i GDial för att läsa dem.',
      route: { kind: 'page', page: 'inbox' },
    });
    a.handleEngineEvent('inbox.received', reply(31, { displayName: 'Bo', text: 'x'.repeat(500) }));
    expect(shown[2]!.title).toBe('Nytt svar från Bo');
    expect(shown[2]!.body).toHaveLength(120);
  });

  it('ignores events it does not know or cannot validate', () => {
    const { a, shown } = activity();
    a.handleEngineEvent('campaigns.progress', { campaignId: 'twelve' });
    a.handleEngineEvent('campaigns.changed', { id: 1, status: 'exploded' });
    a.handleEngineEvent('system.shutdown', { reason: 'x' });
    a.handleEngineEvent('something.new', {});
    expect(a.runningCount).toBe(0);
    expect(shown).toEqual([]);
  });

  it('forgets running campaigns when the engine restarts', () => {
    const { a } = activity();
    a.handleEngineEvent('campaigns.changed', { id: 3, status: 'running' });
    expect(a.runningCount).toBe(1);
    a.reset();
    expect(a.runningCount).toBe(0);
  });

  it('masks phone numbers but not names or e-mail addresses', () => {
    expect(maskAddress('+46 70-123 45 67')).toBe('+4670•••••67');
    expect(maskAddress('anna@kommun.se')).toBe('anna@kommun.se');
    expect(maskAddress('@annas_bot')).toBe('@annas_bot');
  });
});

describe('tray', () => {
  const s = strings('sv');
  it('shows an alert running, a quiet console, or an engine problem', () => {
    expect(trayView({ state: 'running', restarts: 0, version: '1' }, 2, s.tray)).toEqual({
      icon: 'alerting',
      tooltip: 'GDial – 2 larm pågår',
    });
    expect(trayView({ state: 'running', restarts: 0, version: '1' }, 0, s.tray)).toEqual({
      icon: 'idle',
      tooltip: 'GDial – inget larm pågår',
    });
    expect(trayView({ state: 'restarting', restarts: 1, delayMs: 500, cause: { kind: 'exit', code: 1 } }, 1, s.tray).icon).toBe('problem');
    expect(
      trayView({ state: 'failed', failure: { kind: 'start-failed', reason: 'unreadable', message: 'x', backups: [] } }, 0, s.tray).icon,
    ).toBe('problem');
  });

  it('explains supervision problems in words', () => {
    expect(engineStatusMessage({ state: 'restarting', restarts: 1, delayMs: 1500, cause: { kind: 'exit', code: 1 } }, s.engine)).toBe(
      'Motorn stannade oväntat och startas om om 2 s.',
    );
    expect(
      engineStatusMessage(
        { state: 'failed', failure: { kind: 'too-many-crashes', crashes: 5, windowMs: 120_000, lastCause: { kind: 'exit', code: 1 } } },
        s.engine,
      ),
    ).toMatch(/5 gånger på 2 minuter/);
    expect(
      engineStatusMessage(
        { state: 'failed', failure: { kind: 'start-failed', reason: 'newer-version', message: 'x', backups: [] } },
        strings('en').engine,
      ),
    ).toMatch(/newer GDial/);
    expect(
      engineStatusMessage(
        { state: 'failed', failure: { kind: 'start-failed', reason: 'unknown', message: 'disk full', backups: [] } },
        strings('en').engine,
      ),
    ).toBe('The engine could not start. disk full');
    expect(engineStatusMessage({ state: 'running', restarts: 0, version: '1' }, s.engine)).toBeNull();
  });
});

describe('application menu', () => {
  const calls: string[] = [];
  const act: MenuActions = {
    restartEngine: () => calls.push('restart'),
    openLogs: () => calls.push('logs'),
    setLanguage: (l) => calls.push(`lang:${l}`),
    quit: () => calls.push('quit'),
  };
  const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);

  it('is Swedish by default and English when chosen, with every item labelled', () => {
    for (const [lang, file] of [
      ['sv', 'Arkiv'],
      ['en', 'File'],
    ] as const) {
      const t = menuTemplate(strings(lang).menu, { platform: 'win32', language: lang, developer: false, engineRestartable: false }, act);
      expect(t[0]!.label).toBe(file);
      for (const item of flat(t)) if (item.type !== 'separator') expect(item.label, JSON.stringify(item.role)).toBeTruthy();
    }
  });

  it('offers the language switch, engine restart only when it gave up, and no developer tools in production', () => {
    calls.length = 0;
    const t = flat(menuTemplate(strings('sv').menu, { platform: 'win32', language: 'en', developer: false, engineRestartable: true }, act));
    const english = t.find((i) => i.label === 'English')!;
    expect(english.checked).toBe(true);
    english.click!({} as never, undefined, {});
    t.find((i) => i.label === 'Starta om motorn')!.click!({} as never, undefined, {});
    expect(calls).toEqual(['lang:en', 'restart']);
    expect(t.some((i) => i.role === 'toggleDevTools' || i.role === 'reload')).toBe(false);
    const dev = flat(
      menuTemplate(strings('sv').menu, { platform: 'win32', language: 'sv', developer: true, engineRestartable: false }, act),
    );
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(dev.find((i) => i.label === 'Starta om motorn')!.enabled).toBe(false);
  });

  it('has the macOS application menu first on a Mac', () => {
    const t = menuTemplate(strings('sv').menu, { platform: 'darwin', language: 'sv', developer: false, engineRestartable: false }, act);
    expect(t[0]!.label).toBe('GDial');
    expect(flat(t).filter((i) => i.label === 'Avsluta GDial')).toHaveLength(1);
  });
});

describe('automatic updates', () => {
  const env = (e: Record<string, string>) => e;
  it('uses the feed from the environment or the preferences, over https only', () => {
    expect(
      resolveUpdateFeed({ env: env({ GDIAL_UPDATE_URL: 'https://updates.example.se/gdial' }), configuredUrl: null, isPackaged: true }),
    ).toEqual({ enabled: true, url: 'https://updates.example.se/gdial/' });
    expect(resolveUpdateFeed({ env: {}, configuredUrl: 'https://u.example/x/', isPackaged: true })).toEqual({
      enabled: true,
      url: 'https://u.example/x/',
    });
    expect(
      resolveUpdateFeed({ env: env({ GDIAL_UPDATE_URL: 'http://127.0.0.1:8080/' }), configuredUrl: null, isPackaged: true }),
    ).toMatchObject({ enabled: true });
    expect(
      resolveUpdateFeed({ env: env({ GDIAL_UPDATE_URL: 'http://updates.example.se/' }), configuredUrl: null, isPackaged: true }),
    ).toMatchObject({ enabled: false, reason: expect.stringMatching(/https/) as unknown });
    expect(
      resolveUpdateFeed({ env: env({ GDIAL_UPDATE_URL: 'https://u:p@x.example/' }), configuredUrl: null, isPackaged: true }),
    ).toMatchObject({ enabled: false });
    expect(resolveUpdateFeed({ env: env({ GDIAL_UPDATE_URL: 'nonsense' }), configuredUrl: null, isPackaged: true })).toMatchObject({
      enabled: false,
    });
    expect(resolveUpdateFeed({ env: {}, configuredUrl: null, isPackaged: true })).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/no update feed/) as unknown,
    });
    expect(
      resolveUpdateFeed({
        env: env({ GDIAL_UPDATE_URL: 'https://x.example/', GDIAL_UPDATES: 'off' }),
        configuredUrl: null,
        isPackaged: true,
      }),
    ).toMatchObject({ enabled: false });
    expect(resolveUpdateFeed({ env: env({ GDIAL_UPDATE_URL: 'https://x.example/' }), configuredUrl: null, isPackaged: false })).toEqual({
      enabled: false,
      reason: 'development build',
    });
  });

  class FakeUpdater implements Updater {
    autoDownload = false;
    autoInstallOnAppQuit = false;
    feed: unknown = null;
    checks = 0;
    fail = true;
    private readonly handlers = new Map<string, (x: never) => void>();
    setFeedURL(o: { provider: 'generic'; url: string }) {
      this.feed = o;
    }
    async checkForUpdates() {
      this.checks++;
      if (this.fail) throw new Error('getaddrinfo ENOTFOUND updates.example.se');
      return null;
    }
    on(event: string, l: (x: never) => void) {
      this.handlers.set(event, l);
      return this;
    }
    emit(event: string, arg: unknown) {
      this.handlers.get(event)?.(arg as never);
    }
  }

  it('checks only after startup, keeps checking after failures, and reports a downloaded update', async () => {
    const timers = new ManualTimers();
    const up = new FakeUpdater();
    const ready: string[] = [];
    const s = new UpdateScheduler(up, { enabled: true, url: 'https://u.example/' }, timers, quietLogger(), (v) => ready.push(v), {
      firstCheckAfterMs: 1000,
      intervalMs: 5000,
    });
    s.start();
    expect(up.checks).toBe(0);
    expect(up.feed).toEqual({ provider: 'generic', url: 'https://u.example/' });
    expect(up.autoInstallOnAppQuit).toBe(true);
    await timers.advance(1000);
    expect(up.checks).toBe(1);
    expect(s.failures).toBe(1);
    await timers.advance(5000);
    expect(up.checks).toBe(2);
    up.emit('update-downloaded', { version: '0.2.0' });
    expect(ready).toEqual(['0.2.0']);
    s.stop();
    await timers.advance(50_000);
    expect(up.checks).toBe(2);
  });

  it('does nothing when updates are off', async () => {
    const timers = new ManualTimers();
    const up = new FakeUpdater();
    new UpdateScheduler(up, { enabled: false, reason: 'development build' }, timers, quietLogger(), () => {}).start();
    await timers.advance(10 * 60 * 60_000);
    expect(up.checks).toBe(0);
    expect(up.feed).toBeNull();
  });
});

describe('preferences', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const file = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'gdial-prefs-'));
    dirs.push(d);
    return path.join(d, 'desktop.json');
  };

  it('defaults to Swedish, round-trips, and reports a damaged file instead of failing', () => {
    const f = file();
    expect(loadPreferences(f)).toEqual({ prefs: { language: 'sv', updateFeedUrl: null }, problem: null });
    savePreferences(f, { language: 'en', updateFeedUrl: 'https://u.example/' });
    expect(loadPreferences(f)).toEqual({ prefs: { language: 'en', updateFeedUrl: 'https://u.example/' }, problem: null });
    writeFileSync(f, '{ not json');
    expect(loadPreferences(f)).toMatchObject({ prefs: { language: 'sv' }, problem: expect.stringMatching(/not valid JSON/) as unknown });
    writeFileSync(f, JSON.stringify({ language: 'de', updateFeedUrl: 5 }));
    expect(loadPreferences(f)).toMatchObject({
      prefs: { language: 'sv', updateFeedUrl: null },
      problem: expect.stringMatching(/"de" is not sv or en; updateFeedUrl/) as unknown,
    });
    expect(readFileSync(f, 'utf8')).toContain('"de"'); // loading never rewrites the file
  });
});

describe('app layout', () => {
  it('finds the parts in the repository during development', () => {
    const l = resolveLayout({ isPackaged: false, mainBundleDir: '/repo/apps/desktop/dist/main', resourcesPath: '/electron/resources' });
    expect(l).toEqual({
      preload: '/repo/apps/desktop/dist/preload/preload.cjs',
      engineHost: '/repo/apps/desktop/dist/engine-host/engine-host.js',
      uiDir: '/repo/packages/ui/dist',
      sourceRoot: '/repo',
      resourcesDir: '/repo/build/resources',
      iconsDir: '/repo/build/icons',
    });
  });

  it('finds the parts where electron-builder puts them', () => {
    const l = resolveLayout({
      isPackaged: true,
      mainBundleDir: '/Applications/GDial.app/Contents/Resources/app.asar/dist/main',
      resourcesPath: '/Applications/GDial.app/Contents/Resources',
    });
    expect(l.uiDir).toBe('/Applications/GDial.app/Contents/Resources/app.asar/ui');
    expect(l.sourceRoot).toBe('/Applications/GDial.app/Contents/Resources/app.asar/workspace');
    expect(l.resourcesDir).toBe('/Applications/GDial.app/Contents/Resources/resources');
    expect(l.engineHost).toBe('/Applications/GDial.app/Contents/Resources/app.asar/dist/engine-host/engine-host.js');
  });
});
