// The simulated 46elks Calls API and voice engine: POST /a1/calls (from, to, voice_start,
// whenhangup, timeout), GET /a1/calls/{id}, the call's life (ringing, then busy, failed or
// answered) and the JSON call actions 46elks runs once someone answers: `voice_start` is a
// URL posted for the first action (or the action itself), `play` fetches audio, `ivr` plays
// a prompt and posts the pressed digits to `next` as `result` (or follows a per-digit
// branch), `hangup` ends it. When the call ends, its record is posted to `whenhangup`.
import type { SimCore } from '../core';
import { encodeForm, single, type FormParams } from '../http';
import { ruleFor, sampleLatency } from '../profile';
import { E164, Pacer } from '../twilio/common';
import { AUDIO_TYPES, audioSeconds, looksLikeAudio } from '../voice-audio';
import { ElksApiError, elksTime, postCallback } from './common';

export type ElksCallState = 'ongoing' | 'success' | 'busy' | 'failed';

export interface ElksCallLogEntry {
  atSec: number;
  action: 'fetch' | 'play' | 'ivr' | 'digits' | 'hangup' | 'error' | 'unsupported';
  detail: Record<string, string | number | boolean | null>;
}

export interface SimElksCall {
  id: string;
  direction: 'outgoing';
  from: string;
  to: string;
  state: ElksCallState;
  voiceStart: string;
  whenhangup: string | null;
  timeoutSec: number;
  created: Date;
  start: Date | null;
  durationSec: number;
  clockSec: number;
  ivrCount: number;
  actions: Record<string, unknown>[];
  log: ElksCallLogEntry[];
}

type Action = Record<string, unknown>;
/** Safety net against flows that loop forever. */
const MAX_ACTIONS = 50;

export class ElksCalls {
  readonly calls = new Map<string, SimElksCall>();
  private readonly ordered: SimElksCall[] = [];
  private readonly pacer = new Pacer();

  constructor(private readonly core: SimCore) {}

  reset(): void {
    this.calls.clear();
    this.ordered.length = 0;
    this.pacer.clear();
  }

  create(params: FormParams): SimElksCall {
    const { core } = this;
    const from = single(params, 'from');
    const to = single(params, 'to');
    const voiceStart = single(params, 'voice_start');
    const whenhangup = single(params, 'whenhangup') ?? null;
    const timeoutSec = Number(single(params, 'timeout') ?? 60);
    if (!from) throw new ElksApiError(403, 'Missing key from');
    if (!to) throw new ElksApiError(403, 'Missing key to');
    if (!voiceStart) throw new ElksApiError(403, 'Missing key voice_start');
    if (!E164.test(to)) throw new ElksApiError(403, 'Invalid to number');
    if (!E164.test(from)) throw new ElksApiError(403, 'Invalid from number');
    if (!voiceStart.trim().startsWith('{') && !/^https?:\/\//.test(voiceStart)) throw new ElksApiError(403, 'Invalid voice_start');
    if (voiceStart.trim().startsWith('{') && parseAction(voiceStart) === null) throw new ElksApiError(403, 'voice_start is not valid JSON');
    if (whenhangup !== null && !/^https?:\/\//.test(whenhangup)) throw new ElksApiError(403, 'Invalid whenhangup URL');
    if (!Number.isFinite(timeoutSec) || timeoutSec < 1 || timeoutSec > 120) throw new ElksApiError(403, 'Invalid timeout');
    if (!core.profile.allowedPrefixes.some((p) => to.startsWith(p))) throw new ElksApiError(403, 'Destination not allowed');
    if (ruleFor(core.rules, 'voice', to, 'serverError')) throw new ElksApiError(500, 'Internal server error');
    if (ruleFor(core.rules, 'voice', to, 'rejectCode') !== undefined) throw new ElksApiError(403, 'Invalid to number');
    const now = Date.now();
    const rate = core.profile.limits.callsPerSecondPerAccount;
    if (core.profile.limits.overflow === 'reject' && this.pacer.peek('account', rate, now) > 0)
      throw new ElksApiError(429, 'Too many requests');
    const startDelay = this.pacer.reserve('account', rate, now);
    const call: SimElksCall = {
      id: core.nextSid('c'),
      direction: 'outgoing',
      from,
      to,
      state: 'ongoing',
      voiceStart,
      whenhangup,
      timeoutSec,
      created: new Date(now),
      start: null,
      durationSec: 0,
      clockSec: 0,
      ivrCount: 0,
      actions: [],
      log: [],
    };
    this.calls.set(call.id, call);
    this.ordered.push(call);
    void this.run(call, startDelay);
    return call;
  }

  fetch(id: string): SimElksCall | undefined {
    return this.calls.get(id);
  }

  list(filters: { to?: string }): SimElksCall[] {
    const out: SimElksCall[] = [];
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const c = this.ordered[i]!;
      if (!filters.to || c.to === filters.to) out.push(c);
    }
    return out;
  }

  private async run(call: SimElksCall, startDelay: number): Promise<void> {
    const { core } = this;
    const random = core.randomFor(call.id);
    const outcome = ruleFor(core.rules, 'voice', call.to, 'call') ?? { outcome: 'answered' as const };
    await core.sleep(startDelay + sampleLatency(core.profile.latency.callRinging, random));
    core.notify({ type: 'call', sid: call.id, status: 'ringing' });
    switch (outcome.outcome) {
      case 'busy':
      case 'failed':
        await core.sleep(sampleLatency(core.profile.latency.callRinging, random));
        return this.end(call, outcome.outcome);
      case 'no-answer':
        await core.sleep(call.timeoutSec * 1000 * core.profile.voiceTimeScale);
        return this.end(call, 'failed');
      case 'answered':
        break;
      default: {
        const never: never = outcome.outcome;
        throw new Error(`unknown call outcome ${String(never)}`);
      }
    }
    await core.sleep(Math.min(sampleLatency(core.profile.latency.callAnswer, random), call.timeoutSec * 1000));
    call.start = new Date();
    core.notify({ type: 'call', sid: call.id, status: 'answered' });
    const hangUpAfter = outcome.hangUpAfterSec ?? Infinity;
    const trimmed = call.voiceStart.trim();
    let action: Action | null = trimmed.startsWith('{') ? parseAction(trimmed) : await this.fetchAction(call, trimmed, {});
    for (let n = 0; action && n < MAX_ACTIONS && call.clockSec < hangUpAfter; n++) action = await this.execute(call, action);
    this.end(call, 'success');
  }

  /** Runs one action; returns the one after it, or null when the call ends. */
  private async execute(call: SimElksCall, action: Action): Promise<Action | null> {
    call.actions.push(action);
    const next = action.next;
    const follow = (target: unknown, extra: Record<string, string>): Promise<Action | null> | Action | null =>
      typeof target === 'string' ? this.fetchAction(call, target, extra) : isAction(target) ? target : null;
    if (typeof action.play === 'string') {
      await this.play(call, action.play);
      return follow(next, {});
    }
    if (typeof action.ivr === 'string') {
      const digitsWanted = Math.max(1, Number(action.digits ?? 1) || 1);
      const timeout = Math.min(30, Math.max(1, Number(action.timeout ?? 10) || 10));
      const repeat = Math.max(1, Number(action.repeat ?? 3) || 3);
      for (let round = 0; round < repeat; round++) {
        call.log.push({ atSec: call.clockSec, action: 'ivr', detail: { url: action.ivr, digits: digitsWanted, timeout, round } });
        await this.play(call, action.ivr);
        const pressed = this.digitsFor(call).slice(0, digitsWanted);
        call.ivrCount++;
        if (!pressed) {
          await this.advance(call, timeout);
          continue;
        }
        await this.advance(call, pressed.length * 0.5);
        call.log.push({ atSec: call.clockSec, action: 'digits', detail: { digits: pressed } });
        this.core.notify({ type: 'call-event', sid: call.id, event: `digits:${pressed}` });
        if (pressed in action) return follow(action[pressed], { result: pressed });
        return follow(next, { result: pressed });
      }
      // Nothing pressed in any round: 46elks moves on to `next` with no digits.
      return follow(next, { result: 'failed' });
    }
    if ('hangup' in action) {
      call.log.push({ atSec: call.clockSec, action: 'hangup', detail: { reason: String(action.hangup) } });
      return null;
    }
    call.log.push({ atSec: call.clockSec, action: 'unsupported', detail: { keys: Object.keys(action).join(',') } });
    return follow(next, {});
  }

  private async play(call: SimElksCall, url: string): Promise<void> {
    const { response } = await this.core.outbound.fetch({ kind: 'elks.audio', method: 'GET', url, subject: call.id });
    const type = String(response?.headers['content-type'] ?? '');
    const ok = !!response && response.status >= 200 && response.status < 300 && (AUDIO_TYPES.test(type) || looksLikeAudio(response.body));
    call.log.push({ atSec: call.clockSec, action: 'play', detail: { url, status: response?.status ?? null, ok } });
    if (!ok) {
      call.log.push({ atSec: call.clockSec, action: 'error', detail: { message: `could not play ${url}` } });
      return;
    }
    await this.advance(call, audioSeconds(response.body));
  }

  private async advance(call: SimElksCall, sec: number): Promise<void> {
    call.clockSec += sec;
    const scale = this.core.profile.voiceTimeScale;
    if (scale > 0) await this.core.sleep(sec * 1000 * scale);
  }

  private digitsFor(call: SimElksCall): string {
    const rule = ruleFor(this.core.rules, 'voice', call.to, 'call');
    const isMachine = rule?.answeredBy !== undefined && rule.answeredBy !== 'human';
    const spec = rule?.digits !== undefined ? rule.digits : isMachine ? null : '1';
    if (spec === null) return '';
    if (typeof spec === 'string') return spec;
    return spec[Math.min(call.ivrCount, spec.length - 1)] ?? '';
  }

  /** Posts the call's details (and `result` after an ivr) to a URL and reads the next action. */
  private async fetchAction(call: SimElksCall, url: string, extra: Record<string, string>): Promise<Action | null> {
    const params = { callid: call.id, direction: call.direction, from: call.from, to: call.to, created: elksTime(call.created), ...extra };
    const { response } = await this.core.outbound.fetch({
      kind: 'elks.call-action',
      method: 'POST',
      url,
      body: encodeForm(params),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      subject: call.id,
    });
    call.log.push({ atSec: call.clockSec, action: 'fetch', detail: { url, status: response?.status ?? null } });
    if (!response || response.status < 200 || response.status >= 300) {
      call.log.push({ atSec: call.clockSec, action: 'error', detail: { message: `no call action from ${url}` } });
      return null;
    }
    const action = parseAction(response.body.toString('utf8'));
    if (!action) call.log.push({ atSec: call.clockSec, action: 'error', detail: { message: `${url} did not answer a JSON action` } });
    return action;
  }

  private end(call: SimElksCall, state: Exclude<ElksCallState, 'ongoing'>): void {
    if (call.state !== 'ongoing') return;
    call.state = state;
    call.durationSec = call.start ? Math.max(1, Math.round(call.clockSec)) : 0;
    this.core.notify({ type: 'call', sid: call.id, status: state });
    if (!call.whenhangup || !this.core.profile.callbacks.enabled) return;
    const params: Record<string, string> = {
      id: call.id,
      direction: call.direction,
      from: call.from,
      to: call.to,
      created: elksTime(call.created),
      state,
      duration: String(call.durationSec),
      cost: String(call.durationSec > 0 ? 4500 * Math.ceil(call.durationSec / 60) : 0),
      actions: JSON.stringify(call.actions),
    };
    if (call.start) params.start = elksTime(call.start);
    void postCallback(this.core, 'elks.call-hangup', call.whenhangup, params, call.id);
  }
}

function isAction(value: unknown): value is Action {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAction(text: string): Action | null {
  try {
    const value: unknown = JSON.parse(text);
    return isAction(value) ? value : null;
  } catch {
    return null;
  }
}

export function elksCallJson(c: SimElksCall): Record<string, unknown> {
  return {
    id: c.id,
    direction: c.direction,
    from: c.from,
    to: c.to,
    created: elksTime(c.created),
    state: c.state,
    ...(c.start ? { start: elksTime(c.start) } : {}),
    ...(c.state !== 'ongoing' ? { duration: c.durationSec, cost: c.durationSec > 0 ? 4500 * Math.ceil(c.durationSec / 60) : 0 } : {}),
    actions: c.actions,
  };
}
