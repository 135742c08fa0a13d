import { describe, expect, it } from 'vitest';
import { cues, isStart, playCue } from '../src/components/alertSound';

describe('alert start cues', () => {
  it('a live and a test alert share no tone, and differ in count and waveform', () => {
    const live = new Set(cues.live.map((t) => t.hz));
    expect(cues.test.some((t) => live.has(t.hz))).toBe(false);
    expect(cues.live.length).not.toBe(cues.test.length);
    expect(new Set(cues.live.map((t) => t.wave))).not.toEqual(new Set(cues.test.map((t) => t.wave)));
  });

  it('only a start counts: from a draft, a schedule or an approval to running — not a resume', () => {
    expect(isStart('draft', 'running')).toBe(true);
    expect(isStart('scheduled', 'running')).toBe(true);
    expect(isStart('awaiting-approval', 'running')).toBe(true);
    expect(isStart('paused', 'running')).toBe(false);
    expect(isStart('running', 'running')).toBe(false);
    expect(isStart('draft', 'awaiting-approval')).toBe(false);
    expect(isStart(undefined, 'running')).toBe(false);
  });

  it('schedules each tone of the cue at its offset, with a fade so it does not click', () => {
    const started: { hz: number; at: number; stop: number }[] = [];
    const ramps: number[] = [];
    const ctx = {
      currentTime: 10,
      destination: {} as AudioDestinationNode,
      createGain: () =>
        ({
          gain: { setValueAtTime: () => {}, linearRampToValueAtTime: (v: number) => ramps.push(v) },
          connect: (d: unknown) => d,
        }) as unknown as GainNode,
      createOscillator: () => {
        const o = {
          type: 'sine',
          frequency: { value: 0 },
          connect: (g: unknown) => g,
          start: (at: number) => started.push({ hz: o.frequency.value, at, stop: 0 }),
          stop: (at: number) => (started.at(-1)!.stop = at),
        };
        return o as unknown as OscillatorNode;
      },
    };
    playCue('test', ctx);
    expect(started.map((s) => s.hz)).toEqual(cues.test.map((t) => t.hz));
    expect(started[1]!.at - started[0]!.at).toBeCloseTo(cues.test[1]!.at - cues.test[0]!.at, 5);
    for (const [i, s] of started.entries()) expect(s.stop - s.at).toBeCloseTo(cues.test[i]!.seconds, 5);
    expect(ramps.filter((v) => v === 0)).toHaveLength(cues.test.length); // each ends at silence
  });
});
