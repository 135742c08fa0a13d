import { describe, expect, it } from 'vitest';
import { QuitFlow } from '../src/main/quit-flow';
import { flush } from './support/fakes';

function setup(running: number) {
  const log: string[] = [];
  let answer: (quit: boolean) => void = () => {};
  let drained: () => void = () => {};
  const flow = new QuitFlow({
    runningAlerts: () => running,
    confirmQuit: (n) => {
      log.push(`ask:${n}`);
      return new Promise((r) => (answer = r));
    },
    stopEngine: () => {
      log.push('stop');
      return new Promise<void>((r) => (drained = r));
    },
    exit: () => {
      log.push('exit');
      // app.quit() runs before-quit again
      if (flow.beforeQuit()) log.push('quit');
    },
  });
  return { flow, log, answer: (q: boolean) => answer(q), drained: () => drained() };
}

describe('quitting', () => {
  it('drains the engine before exiting when nothing is running', async () => {
    const { flow, log, drained } = setup(0);
    expect(flow.beforeQuit()).toBe(false); // held back
    expect(flow.state).toBe('draining');
    expect(flow.beforeQuit()).toBe(false); // a second Cmd+Q is absorbed
    drained();
    await flush();
    expect(log).toEqual(['stop', 'exit', 'quit']);
    expect(flow.state).toBe('done');
  });

  it('asks during an alert, and staying keeps everything running', async () => {
    const { flow, log, answer } = setup(2);
    expect(flow.beforeQuit()).toBe(false);
    expect(flow.state).toBe('confirming');
    expect(flow.beforeQuit()).toBe(false);
    answer(false);
    await flush();
    expect(log).toEqual(['ask:2']);
    expect(flow.state).toBe('running');
  });

  it('asks during an alert, and quitting drains then exits', async () => {
    const { flow, log, answer, drained } = setup(1);
    flow.beforeQuit();
    answer(true);
    await flush();
    expect(flow.state).toBe('draining');
    drained();
    await flush();
    expect(log).toEqual(['ask:1', 'stop', 'exit', 'quit']);
  });

  it('closing the last window during an alert asks, and does not close on "stay"', async () => {
    const { flow, log, answer } = setup(3);
    expect(flow.windowClosing(true)).toBe(false);
    expect(flow.windowClosing(true)).toBe(false); // second click on ✕ while the question is up
    answer(false);
    await flush();
    expect(log).toEqual(['ask:3']);
    expect(flow.windowClosing(false)).toBe(true); // not the last window: fine
  });

  it('closing the last window and confirming quits without asking again', async () => {
    const { flow, log, answer, drained } = setup(3);
    expect(flow.windowClosing(true)).toBe(false);
    answer(true);
    await flush();
    drained();
    await flush();
    // app.quit() → before-quit → drain (no second question) → exit.
    expect(log).toEqual(['ask:3', 'exit', 'stop', 'exit', 'quit']);
    expect(flow.windowClosing(true)).toBe(true); // windows close as the app exits
  });

  it('closes windows freely when no alert runs', () => {
    const { flow, log } = setup(0);
    expect(flow.windowClosing(true)).toBe(true);
    expect(log).toEqual([]);
  });
});
