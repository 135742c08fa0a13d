import { describe, expect, it } from 'vitest';
import { deepLinkTarget, engineNotice, type EngineNotice } from '../src/components/desktopBridge';

const none: EngineNotice = { kind: 'none' };

describe('desktop bridge', () => {
  it('announces a restart with its cause, then that the engine is running again', () => {
    const restarting = engineNotice({ state: 'restarting', restarts: 2, delayMs: 1000, cause: { kind: 'exit', code: 70 } }, none);
    expect(restarting).toEqual({ kind: 'restarting', attempt: 2, cause: 'crashed', exitCode: 70 });
    expect(
      engineNotice({ state: 'restarting', restarts: 1, delayMs: 0, cause: { kind: 'unresponsive', silentMs: 90_000 } }, none),
    ).toMatchObject({ cause: 'no-answer', exitCode: null });
    expect(engineNotice({ state: 'restarting', restarts: 1, delayMs: 0, cause: { kind: 'ready-timeout' } }, none)).toMatchObject({
      cause: 'start-timeout',
    });
    // "starting" in between changes nothing; "running" after a restart is news.
    const starting = engineNotice({ state: 'starting', restarts: 2 }, restarting);
    expect(starting).toBe(restarting);
    expect(engineNotice({ state: 'running', restarts: 2, version: '1.0.0' }, starting)).toEqual({ kind: 'recovered', restarts: 2 });
  });

  it('says nothing when the engine simply starts, and keeps a failure with its reason', () => {
    expect(engineNotice({ state: 'running', restarts: 0, version: '1.0.0' }, none)).toEqual(none);
    expect(
      engineNotice(
        { state: 'failed', failure: { kind: 'too-many-crashes', crashes: 5, windowMs: 120000, lastCause: { kind: 'exit', code: 1 } } },
        none,
      ),
    ).toEqual({
      kind: 'failed',
      why: 'too-many-crashes',
      crashes: 5,
      message: null,
      backups: [],
    });
    const failed = engineNotice(
      {
        state: 'failed',
        failure: { kind: 'start-failed', reason: 'newer-version', message: 'The database was written by a newer version.' },
      },
      none,
    );
    expect(failed).toMatchObject({ why: 'start-failed', message: 'The database was written by a newer version.' });
    expect(engineNotice({ state: 'stopping' }, failed)).toBe(failed);
  });

  it('a database that cannot be read offers its well-formed backups, whole or not', () => {
    const ok = { name: 'gdial-20261207T074602123Z-manual.db', createdAt: '2026-12-07T07:46:02.123Z', reason: 'manual', intact: true };
    const notice = engineNotice(
      {
        state: 'failed',
        failure: {
          kind: 'start-failed',
          reason: 'unreadable',
          message: 'x',
          backups: [
            ok,
            { ...ok, name: 'old.db', intact: false },
            { name: 'x', createdAt: 'not a time', intact: true },
            'junk',
            { name: 1 },
          ],
        },
      },
      none,
    );
    expect(notice).toMatchObject({
      backups: [
        { name: ok.name, createdAt: ok.createdAt, intact: true },
        { name: 'old.db', createdAt: ok.createdAt, intact: false },
      ],
    });
    expect(
      engineNotice({ state: 'failed', failure: { kind: 'start-failed', reason: 'unknown', message: 'x', backups: 'all' } }, none),
    ).toMatchObject({
      backups: [],
    });
  });

  it('ignores what is not a status', () => {
    for (const junk of [null, 'restarting', 42, { state: 'exploded' }, []]) expect(engineNotice(junk, none)).toBe(none);
    expect(engineNotice({ state: 'restarting', restarts: -3, cause: 'x' }, none)).toEqual({
      kind: 'restarting',
      attempt: 0,
      cause: 'crashed',
      exitCode: null,
    });
  });

  it('follows only well-formed links to known pages', () => {
    expect(deepLinkTarget({ kind: 'campaign', campaignId: 42 })).toEqual({ page: 'campaigns', params: [42] });
    expect(deepLinkTarget({ kind: 'page', page: 'inbox' })).toEqual({ page: 'inbox', params: [] });
    expect(deepLinkTarget({ kind: 'open' })).toBeNull();
    for (const bad of [
      { kind: 'campaign', campaignId: -1 },
      { kind: 'campaign', campaignId: 1.5 },
      { kind: 'campaign', campaignId: '7' },
      { kind: 'page', page: '../etc' },
      null,
      'campaign/1',
    ]) {
      expect(deepLinkTarget(bad)).toBeNull();
    }
  });
});
