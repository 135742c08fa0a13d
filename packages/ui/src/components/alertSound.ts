// A live alert and a test alert sound different when they start on this console, so an
// operator who hears it knows which one went out without looking (the Hawaii 2018 lesson:
// test and live must not be alike in any way). Live: three short high beeps, urgent. Test:
// a soft two-note falling chime, twice as long between notes. Played with Web Audio, so
// nothing is downloaded; a per-desktop switch turns the sounds off.
import type { CampaignStatus } from '@gdial/protocol';

export type AlertCue = 'live' | 'test';

export interface Tone {
  /** Start after the cue begins, seconds. */
  at: number;
  hz: number;
  seconds: number;
  /** Peak gain, 0–1. */
  gain: number;
  wave: OscillatorType;
}

export const cues: Record<AlertCue, readonly Tone[]> = {
  live: [0, 0.22, 0.44].map((at) => ({ at, hz: 1046.5, seconds: 0.15, gain: 0.35, wave: 'square' as const })),
  test: [
    { at: 0, hz: 659.3, seconds: 0.45, gain: 0.2, wave: 'sine' },
    { at: 0.6, hz: 523.3, seconds: 0.6, gain: 0.2, wave: 'sine' },
  ],
};

/** Statuses an alert starts from: becoming `running` from one of them is a start (not a resume). */
const BEFORE_START: ReadonlySet<CampaignStatus> = new Set(['draft', 'scheduled', 'awaiting-approval']);

/** Whether a status change is an alert's start (a resume, or news about one already running, is not). */
export function isStart(before: CampaignStatus | undefined, now: CampaignStatus): boolean {
  return now === 'running' && before !== undefined && BEFORE_START.has(before);
}

/** Schedules a cue's tones on an audio context (each with a short fade in and out, no clicks). */
export function playCue(cue: AlertCue, audio: Pick<AudioContext, 'currentTime' | 'createOscillator' | 'createGain' | 'destination'>): void {
  const t0 = audio.currentTime + 0.02;
  for (const tone of cues[cue]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = tone.wave;
    osc.frequency.value = tone.hz;
    const start = t0 + tone.at;
    const end = start + tone.seconds;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(tone.gain, start + 0.01);
    gain.gain.setValueAtTime(tone.gain, end - 0.03);
    gain.gain.linearRampToValueAtTime(0, end);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(end);
  }
}

const STORAGE_KEY = 'gdial.alertSounds';

/** Whether this desktop plays the cues (on unless turned off). */
export const soundsOn = (): boolean => localStorage.getItem(STORAGE_KEY) !== 'off';
export const setSoundsOn = (on: boolean): void => localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
