// The simulated Twilio Calls API and voice engine: create/fetch/list/update calls, the call
// lifecycle (queued → initiated → ringing → in-progress → completed, or busy / no-answer /
// failed / canceled) with signed status callbacks, answering-machine detection, and a TwiML
// interpreter that fetches the call flow like Twilio does (signed POST to Url, or inline
// Twiml) and plays it to a simulated callee who presses what the profile says.
import type { SimCore } from '../core';
import { encodeForm, multi, rfc2822, single, type FormParams } from '../http';
import type { OutboundKind } from '../outbound';
import { ruleFor, sampleLatency, type answeredByValues } from '../profile';
import { twilioSignature } from './signature';
import { API_VERSION, E164, Pacer, TwilioApiError } from './common';
import { notFound } from './messages';
import { childElements, loopCount, parseTwiml, resolveUrl } from './twiml';
import { AUDIO_TYPES, audioSeconds, looksLikeAudio } from '../voice-audio';

export type CallStatus = 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'canceled' | 'failed';
type AnsweredBy = (typeof answeredByValues)[number];
const CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** One thing the callee experienced, in simulated seconds since the call was answered. */
export interface CallLogEntry {
  atSec: number;
  verb: 'say' | 'play' | 'pause' | 'gather' | 'digits' | 'redirect' | 'hangup' | 'fetch' | 'error' | 'unsupported';
  detail: Record<string, string | number | boolean | null>;
}

export interface SimCall {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  status: CallStatus;
  answeredBy: AnsweredBy | null;
  url: string | null;
  method: 'GET' | 'POST';
  twiml: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  statusCallbackEvents: Set<CallbackEvent>;
  machineDetection: 'Enable' | 'DetectMessageEnd' | null;
  timeoutSec: number;
  timeLimitSec: number;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null;
  endTime: Date | null;
  durationSec: number | null;
  /** Simulated seconds since answer. */
  clockSec: number;
  sequenceNumber: number;
  gatherCount: number;
  /** Bumped by an update (redirect or hang-up) so the running flow stops. */
  generation: number;
  log: CallLogEntry[];
}

const TERMINAL = new Set<CallStatus>(['completed', 'busy', 'no-answer', 'canceled', 'failed']);

export class TwilioCalls {
  readonly calls = new Map<string, SimCall>();
  private readonly ordered: SimCall[] = [];
  private readonly pacer = new Pacer();

  constructor(private readonly core: SimCore) {}

  reset(): void {
    this.calls.clear();
    this.ordered.length = 0;
    this.pacer.clear();
  }

  create(params: FormParams): SimCall {
    const { core } = this;
    const profile = core.profile;
    const to = single(params, 'To');
    const from = single(params, 'From');
    const url = single(params, 'Url') ?? null;
    const twiml = single(params, 'Twiml') ?? null;
    const applicationSid = single(params, 'ApplicationSid');
    if (!to) throw new TwilioApiError(400, 21201, "No 'To' number is specified");
    if (!from) throw new TwilioApiError(400, 21213, "No 'From' number is specified");
    if (!url && !twiml && !applicationSid) throw new TwilioApiError(400, 21205, 'Url parameter is required.');
    if (url && !/^https?:\/\//.test(url)) throw new TwilioApiError(400, 21205, `Url is not a valid URL: ${url}`);
    if (!E164.test(to)) throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!E164.test(from)) throw new TwilioApiError(400, 21212, `Invalid 'From' Phone Number: ${from}`);
    if (twiml !== null && twiml.length > 4000) throw new TwilioApiError(400, 21220, 'Twiml parameter exceeds 4000 characters.');
    const events = multi(params, 'StatusCallbackEvent')
      .flatMap((v) => v.split(/[\s,]+/))
      .filter(Boolean);
    for (const e of events) {
      if (!(CALLBACK_EVENTS as readonly string[]).includes(e)) throw new TwilioApiError(400, 21626, `Invalid StatusCallbackEvent: ${e}`);
    }
    const machineDetection = single(params, 'MachineDetection') ?? null;
    if (machineDetection !== null && machineDetection !== 'Enable' && machineDetection !== 'DetectMessageEnd')
      throw new TwilioApiError(400, 21219, `Invalid MachineDetection value: ${machineDetection}`);
    const timeoutSec = Number(single(params, 'Timeout') ?? 60);
    if (!Number.isFinite(timeoutSec) || timeoutSec < 1 || timeoutSec > 600)
      throw new TwilioApiError(400, 21216, 'Timeout must be between 1 and 600.');
    const timeLimitSec = Number(single(params, 'TimeLimit') ?? 14_400);
    const statusCallback = single(params, 'StatusCallback') ?? null;
    if (statusCallback !== null && !/^https?:\/\//.test(statusCallback))
      throw new TwilioApiError(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
    if (!profile.allowedPrefixes.some((p) => to.startsWith(p)))
      throw new TwilioApiError(
        400,
        21215,
        `Account not authorized to call ${to}. Perhaps you need to enable some international permissions.`,
      );
    if (ruleFor(core.rules, 'voice', to, 'serverError')) throw new TwilioApiError(500, 20500, 'An internal server error has occurred');
    const rejectCode = ruleFor(core.rules, 'voice', to, 'rejectCode');
    if (rejectCode !== undefined) throw new TwilioApiError(400, rejectCode, `Call cannot be placed to ${to}`);

    const now = Date.now();
    const rate = profile.limits.callsPerSecondPerAccount;
    if (profile.limits.overflow === 'reject' && this.pacer.peek(core.credentials.accountSid, rate, now) > 0)
      throw new TwilioApiError(429, 20429, 'Too Many Requests', { 'Twilio-Concurrent-Requests': '1' });
    const startDelay = this.pacer.reserve(core.credentials.accountSid, rate, now);

    const created = new Date(now);
    const call: SimCall = {
      sid: core.nextSid('CA'),
      accountSid: core.credentials.accountSid,
      to,
      from,
      status: 'queued',
      answeredBy: null,
      url,
      method: single(params, 'Method') === 'GET' ? 'GET' : 'POST',
      twiml,
      statusCallback,
      statusCallbackMethod: single(params, 'StatusCallbackMethod') === 'GET' ? 'GET' : 'POST',
      statusCallbackEvents: new Set((events.length ? events : ['completed']) as CallbackEvent[]),
      machineDetection: machineDetection,
      timeoutSec,
      timeLimitSec: Number.isFinite(timeLimitSec) && timeLimitSec > 0 ? timeLimitSec : 14_400,
      dateCreated: created,
      dateUpdated: created,
      startTime: null,
      endTime: null,
      durationSec: null,
      clockSec: 0,
      sequenceNumber: 0,
      gatherCount: 0,
      generation: 0,
      log: [],
    };
    this.calls.set(call.sid, call);
    this.ordered.push(call);
    void this.run(call, startDelay);
    return call;
  }

  fetch(sid: string): SimCall | undefined {
    return this.calls.get(sid);
  }

  list(filters: { to?: string; from?: string; status?: string; startTimeAfter?: string; startTimeBefore?: string }): SimCall[] {
    const after = filters.startTimeAfter ? Date.parse(filters.startTimeAfter) : null;
    const before = filters.startTimeBefore ? Date.parse(filters.startTimeBefore) : null;
    const result: SimCall[] = [];
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const c = this.ordered[i]!;
      if (filters.to && c.to !== filters.to) continue;
      if (filters.from && c.from !== filters.from) continue;
      if (filters.status && c.status !== filters.status) continue;
      if (after !== null && (!c.startTime || c.startTime.getTime() < after)) continue;
      if (before !== null && (!c.startTime || c.startTime.getTime() > before)) continue;
      result.push(c);
    }
    return result;
  }

  /** Hang up (Status=completed), cancel (Status=canceled) or redirect (Url/Twiml) a call. */
  update(sid: string, params: FormParams): SimCall {
    const call = this.calls.get(sid);
    if (!call) throw notFound(this.core.credentials.accountSid, 'Calls', sid);
    const status = single(params, 'Status');
    const url = single(params, 'Url');
    const twiml = single(params, 'Twiml');
    if (status !== undefined && status !== 'canceled' && status !== 'completed')
      throw new TwilioApiError(400, 21218, `Invalid Status: ${status}. Use canceled or completed.`);
    if (TERMINAL.has(call.status)) {
      if (status || url || twiml) throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
      return call;
    }
    if (status) {
      call.generation++;
      if (call.status === 'in-progress') {
        call.log.push({ atSec: call.clockSec, verb: 'hangup', detail: { by: 'api' } });
        this.finish(call, 'completed');
      } else this.finish(call, 'canceled');
      return call;
    }
    if (url || twiml) {
      if (call.status !== 'in-progress') throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
      const gen = ++call.generation;
      void (async () => {
        const doc = twiml
          ? { xml: twiml, url: call.url ?? this.core.baseUrl }
          : await this.fetchTwiml(call, url!, single(params, 'Method') === 'GET' ? 'GET' : 'POST', {}, 'twilio.twiml');
        if (doc && gen === call.generation) await this.runFlow(call, doc, gen);
      })();
    }
    return call;
  }

  private async run(call: SimCall, startDelay: number): Promise<void> {
    const { core } = this;
    const random = core.randomFor(call.sid);
    const outcome = ruleFor(core.rules, 'voice', call.to, 'call') ?? { outcome: 'answered' as const };
    const gen = call.generation;
    await core.sleep(startDelay);
    if (gen !== call.generation) return;
    this.setStatus(call, 'initiated');
    await core.sleep(sampleLatency(core.profile.latency.callRinging, random));
    if (gen !== call.generation) return;
    this.setStatus(call, 'ringing');
    const scale = core.profile.voiceTimeScale;
    switch (outcome.outcome) {
      case 'busy':
      case 'failed':
        await core.sleep(sampleLatency(core.profile.latency.callRinging, random));
        if (gen === call.generation) this.finish(call, outcome.outcome);
        return;
      case 'no-answer':
        await core.sleep(call.timeoutSec * 1000 * scale);
        if (gen === call.generation) this.finish(call, 'no-answer');
        return;
      case 'answered':
        break;
      default: {
        const never: never = outcome.outcome;
        throw new Error(`unknown call outcome ${String(never)}`);
      }
    }
    await core.sleep(Math.min(sampleLatency(core.profile.latency.callAnswer, random), call.timeoutSec * 1000));
    if (gen !== call.generation) return;
    if (call.machineDetection) {
      const answeredBy = outcome.answeredBy ?? 'human';
      // "Enable" stops at the first verdict; "DetectMessageEnd" waits for the greeting's end.
      call.answeredBy = call.machineDetection === 'Enable' && answeredBy.startsWith('machine_') ? 'machine_start' : answeredBy;
    }
    call.startTime = new Date();
    this.setStatus(call, 'in-progress');
    const doc = call.twiml
      ? { xml: call.twiml, url: call.url ?? this.core.baseUrl }
      : await this.fetchTwiml(call, call.url!, call.method, {}, 'twilio.twiml');
    if (gen !== call.generation) return;
    if (!doc) {
      this.finish(call, 'completed');
      return;
    }
    await this.runFlow(call, doc, gen);
  }

  /** Plays one TwiML document and whatever it leads to, then hangs up. */
  private async runFlow(call: SimCall, first: { xml: string; url: string }, gen: number): Promise<void> {
    let doc: { xml: string; url: string } | null = first;
    const outcome = ruleFor(this.core.rules, 'voice', call.to, 'call');
    const hangUpAfter = outcome?.hangUpAfterSec ?? Infinity;
    const alive = (): boolean => gen === call.generation && call.status === 'in-progress';
    while (doc && alive()) {
      const verbs = parseTwiml(doc.xml);
      if (!verbs.ok) {
        call.log.push({ atSec: call.clockSec, verb: 'error', detail: { code: 12100, message: verbs.error } });
        break;
      }
      let next: { xml: string; url: string } | null = null;
      for (const verb of verbs.elements) {
        if (!alive() || call.clockSec >= Math.min(hangUpAfter, call.timeLimitSec)) break;
        const result = await this.execute(call, verb, doc.url, gen);
        if (result === 'hangup') {
          next = null;
          break;
        }
        if (result !== 'continue') {
          next = result;
          break;
        }
      }
      doc = next;
    }
    if (alive()) this.finish(call, 'completed');
  }

  private async execute(
    call: SimCall,
    verb: Element,
    docUrl: string,
    gen: number,
  ): Promise<'continue' | 'hangup' | { xml: string; url: string } | null> {
    const scale = this.core.profile.voiceTimeScale;
    const advance = async (sec: number): Promise<void> => {
      call.clockSec += sec;
      if (scale > 0) await this.core.sleep(sec * 1000 * scale);
    };
    switch (verb.tagName) {
      case 'Say': {
        const text = (verb.textContent ?? '').trim();
        const loops = loopCount(verb);
        for (let i = 0; i < loops; i++) {
          call.log.push({
            atSec: call.clockSec,
            verb: 'say',
            detail: { text, language: verb.getAttribute('language') || 'en-US', voice: verb.getAttribute('voice') || null },
          });
          await advance(Math.max(1, text.split(/\s+/).length * 0.4));
        }
        return 'continue';
      }
      case 'Play': {
        const src = (verb.textContent ?? '').trim();
        const target = resolveUrl(src, docUrl);
        const digits = verb.getAttribute('digits');
        if (digits) {
          call.log.push({ atSec: call.clockSec, verb: 'play', detail: { digits } });
          return 'continue';
        }
        const loops = loopCount(verb);
        for (let i = 0; i < loops; i++) {
          if (!target) {
            call.log.push({ atSec: call.clockSec, verb: 'error', detail: { code: 13227, message: `Play: invalid URL ${src}` } });
            return 'continue';
          }
          const { response } = await this.core.outbound.fetch({ kind: 'twilio.audio', method: 'GET', url: target, subject: call.sid });
          const type = String(response?.headers['content-type'] ?? '');
          const ok =
            !!response && response.status >= 200 && response.status < 300 && (AUDIO_TYPES.test(type) || looksLikeAudio(response.body));
          call.log.push({
            atSec: call.clockSec,
            verb: 'play',
            detail: { url: target, status: response?.status ?? null, contentType: type || null, bytes: response?.body.length ?? 0, ok },
          });
          if (!ok) {
            call.log.push({
              atSec: call.clockSec,
              verb: 'error',
              detail: { code: 11200, message: `Play: could not fetch audio from ${target}` },
            });
            return 'continue';
          }
          await advance(audioSeconds(response.body));
        }
        return 'continue';
      }
      case 'Pause': {
        const length = Number(verb.getAttribute('length') || 1);
        call.log.push({ atSec: call.clockSec, verb: 'pause', detail: { length } });
        await advance(Number.isFinite(length) && length > 0 ? length : 1);
        return 'continue';
      }
      case 'Gather': {
        const input = verb.getAttribute('input') || 'dtmf';
        const numDigits = Number(verb.getAttribute('numDigits') || 0);
        const timeout = Number(verb.getAttribute('timeout') || 5);
        const finishOnKey = verb.getAttribute('finishOnKey') ?? '#';
        const action = resolveUrl(verb.getAttribute('action') || docUrl, docUrl);
        const method = verb.getAttribute('method') === 'GET' ? 'GET' : 'POST';
        call.log.push({ atSec: call.clockSec, verb: 'gather', detail: { input, numDigits, timeout, action } });
        // Nested prompts play before the callee answers (pressing early barges in; same outcome).
        for (const child of childElements(verb)) {
          if (!['Say', 'Play', 'Pause'].includes(child.tagName)) continue;
          await this.execute(call, child, docUrl, gen);
          if (gen !== call.generation) return null;
        }
        let digits = input.includes('dtmf') ? this.digitsFor(call) : '';
        call.gatherCount++;
        if (numDigits > 0) digits = digits.slice(0, numDigits);
        if (finishOnKey && digits.includes(finishOnKey)) digits = digits.slice(0, digits.indexOf(finishOnKey));
        if (!digits) {
          await advance(Number.isFinite(timeout) ? timeout : 5);
          if (gen !== call.generation) return null;
          if (verb.getAttribute('actionOnEmptyResult') !== 'true') return 'continue';
        } else {
          await advance(digits.length * 0.5);
          call.log.push({ atSec: call.clockSec, verb: 'digits', detail: { digits } });
          this.core.notify({ type: 'call-event', sid: call.sid, event: `digits:${digits}` });
        }
        if (!action) return 'hangup';
        const doc = await this.fetchTwiml(
          call,
          action,
          method,
          { Digits: digits, FinishedOnKey: digits ? '' : finishOnKey },
          'twilio.gather',
        );
        return doc ?? 'hangup';
      }
      case 'Redirect': {
        const target = resolveUrl((verb.textContent ?? '').trim(), docUrl);
        call.log.push({ atSec: call.clockSec, verb: 'redirect', detail: { url: target } });
        if (!target) return 'hangup';
        const doc = await this.fetchTwiml(call, target, verb.getAttribute('method') === 'GET' ? 'GET' : 'POST', {}, 'twilio.twiml');
        return doc ?? 'hangup';
      }
      case 'Hangup':
      case 'Reject':
        call.log.push({ atSec: call.clockSec, verb: 'hangup', detail: { by: 'twiml' } });
        return 'hangup';
      default:
        call.log.push({ atSec: call.clockSec, verb: 'unsupported', detail: { tag: verb.tagName } });
        return 'continue';
    }
  }

  private digitsFor(call: SimCall): string {
    const rule = ruleFor(this.core.rules, 'voice', call.to, 'call');
    const isMachine = call.answeredBy !== null && call.answeredBy !== 'human';
    const spec = rule?.digits !== undefined ? rule.digits : isMachine ? null : '1';
    if (spec === null) return '';
    if (typeof spec === 'string') return spec;
    return spec[Math.min(call.gatherCount, spec.length - 1)] ?? '';
  }

  /** Requests TwiML like Twilio: signed, with the call's parameters; null when unusable. */
  private async fetchTwiml(
    call: SimCall,
    url: string,
    method: 'GET' | 'POST',
    extra: Record<string, string>,
    kind: OutboundKind,
  ): Promise<{ xml: string; url: string } | null> {
    const params: Record<string, string> = { ...this.callParams(call), ...extra };
    let target = url;
    let body = '';
    const headers: Record<string, string> = {};
    if (method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      target = u.toString();
      headers['x-twilio-signature'] = twilioSignature(this.core.credentials.authToken, target, {});
    } else {
      body = encodeForm(params);
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      headers['x-twilio-signature'] = twilioSignature(this.core.credentials.authToken, url, params);
    }
    const { response } = await this.core.outbound.fetch({ kind, method, url: target, body, headers, subject: call.sid });
    call.log.push({ atSec: call.clockSec, verb: 'fetch', detail: { url, method, status: response?.status ?? null } });
    if (!response || response.status < 200 || response.status >= 300) {
      call.log.push({ atSec: call.clockSec, verb: 'error', detail: { code: 11200, message: `HTTP retrieval failure for ${url}` } });
      return null;
    }
    return { xml: response.body.toString('utf8'), url };
  }

  private callParams(call: SimCall): Record<string, string> {
    const params: Record<string, string> = {
      AccountSid: call.accountSid,
      ApiVersion: API_VERSION,
      CallSid: call.sid,
      CallStatus: call.status,
      Called: call.to,
      Caller: call.from,
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
    };
    if (call.answeredBy) params.AnsweredBy = call.answeredBy;
    return params;
  }

  private setStatus(call: SimCall, status: CallStatus): void {
    call.status = status;
    call.dateUpdated = new Date();
    this.core.notify({ type: 'call', sid: call.sid, status });
    const event: CallbackEvent | null =
      status === 'initiated'
        ? 'initiated'
        : status === 'ringing'
          ? 'ringing'
          : status === 'in-progress'
            ? 'answered'
            : TERMINAL.has(status)
              ? 'completed'
              : null;
    if (!event || !call.statusCallback || !call.statusCallbackEvents.has(event) || !this.core.profile.callbacks.enabled) return;
    const params: Record<string, string> = {
      ...this.callParams(call),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequenceNumber++),
      Timestamp: rfc2822(new Date()),
    };
    if (TERMINAL.has(status)) {
      params.CallDuration = String(call.durationSec ?? 0);
      params.Duration = String(Math.ceil((call.durationSec ?? 0) / 60));
    }
    let url = call.statusCallback;
    let body = '';
    const headers: Record<string, string> = {};
    if (call.statusCallbackMethod === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      url = u.toString();
      headers['x-twilio-signature'] = twilioSignature(this.core.credentials.authToken, url, {});
    } else {
      body = encodeForm(params);
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      headers['x-twilio-signature'] = twilioSignature(this.core.credentials.authToken, url, params);
    }
    headers['i-twilio-idempotency-token'] = `${call.sid}-${params.SequenceNumber}`;
    void this.core.outbound.deliver({
      kind: 'twilio.call-status',
      method: call.statusCallbackMethod,
      url,
      body,
      headers,
      subject: call.sid,
    });
  }

  private finish(call: SimCall, status: CallStatus): void {
    if (TERMINAL.has(call.status)) return;
    call.endTime = new Date();
    call.durationSec = status === 'completed' ? Math.max(1, Math.round(call.clockSec)) : 0;
    this.setStatus(call, status);
  }
}

export function callJson(c: SimCall): Record<string, unknown> {
  const base = `/${API_VERSION}/Accounts/${c.accountSid}/Calls/${c.sid}`;
  return {
    account_sid: c.accountSid,
    annotation: null,
    answered_by: c.answeredBy,
    api_version: API_VERSION,
    caller_name: null,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    direction: 'outbound-api',
    duration: c.durationSec === null ? null : String(c.durationSec),
    end_time: c.endTime ? rfc2822(c.endTime) : null,
    forwarded_from: null,
    from: c.from,
    from_formatted: c.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: c.endTime && c.durationSec ? (-0.014 * Math.ceil(c.durationSec / 60)).toFixed(5) : null,
    price_unit: 'USD',
    queue_time: '0',
    sid: c.sid,
    start_time: c.startTime ? rfc2822(c.startTime) : null,
    status: c.status,
    subresource_uris: { notifications: `${base}/Notifications.json`, recordings: `${base}/Recordings.json` },
    to: c.to,
    to_formatted: c.to,
    trunk_sid: null,
    uri: `${base}.json`,
  };
}
