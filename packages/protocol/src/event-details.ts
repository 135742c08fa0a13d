// What the engine writes about a confirmation and about a delivery's key presses, replies
// and skips: stored as plain English text (for logs, exports and older entries) in a
// format both ends share, so the console can say it in the operator's language. Formatting
// and parsing live together here; anything that does not parse is shown as it is.
import { answeredByValues, deliveryStatuses } from './delivery-statuses';
import type { AnsweredBy, DeliveryStatus } from './provider-events';

/**
 * `phone`: bekräftad per telefon — an operator called the person and marked them confirmed
 * by hand (`by`: the signed-in user's name, `note`: what the operator wrote).
 */
export type ConfirmedVia =
  | { how: 'key'; digits: string; channel: string; address: string }
  | { how: 'reply'; text: string; channel: string; address: string }
  | { how: 'phone'; by: string; note: string };

export function formatConfirmedVia(v: ConfirmedVia): string {
  switch (v.how) {
    case 'key':
      return `pressed ${v.digits} (${v.channel} ${v.address})`;
    case 'reply':
      return `replied ${v.text} (${v.channel} ${v.address})`;
    case 'phone':
      return `confirmed by phone by ${v.by}: ${v.note}`;
    default: {
      const never: never = v;
      return String(never);
    }
  }
}

export function parseConfirmedVia(text: string): ConfirmedVia | null {
  const phone = /^confirmed by phone by (.*?): (.*)$/s.exec(text);
  if (phone) return { how: 'phone', by: phone[1]!, note: phone[2]! };
  const key = /^pressed (\S+) \((\w+) (\S+)\)$/.exec(text);
  if (key) return { how: 'key', digits: key[1]!, channel: key[2]!, address: key[3]! };
  const reply = /^replied (.*) \((\w+) (\S+)\)$/s.exec(text);
  if (reply) return { how: 'reply', text: reply[1]!, channel: reply[2]!, address: reply[3]! };
  return null;
}

/**
 * How a recipient confirmed, in the reader's language ("tryckte 1 (röstsamtal +46701234567)"):
 * `channel` and `address` say a channel and an address the way the caller shows them (the
 * console writes numbers the Swedish way, a CSV keeps E.164). Text that does not parse stays as it is.
 */
export function describeConfirmedVia(
  text: string,
  language: 'sv' | 'en',
  show: { channel: (channel: string) => string; address: (address: string) => string },
): string {
  const v = parseConfirmedVia(text);
  if (!v) return text;
  const sv = language === 'sv';
  if (v.how === 'phone') return sv ? `bekräftad per telefon av ${v.by}: ${v.note}` : `confirmed by phone by ${v.by}: ${v.note}`;
  const where = `${show.channel(v.channel)} ${show.address(v.address)}`;
  if (v.how === 'key') return sv ? `tryckte ${v.digits} (${where})` : `pressed ${v.digits} (${where})`;
  return sv ? `svarade ”${v.text}” (${where})` : `replied “${v.text}” (${where})`;
}

export type SkipReason = 'already-confirmed' | 'opted-out' | 'cancelled';

export type EventDetail =
  | { kind: 'pressed'; digits: string; confirmed: boolean }
  | { kind: 'no-key' }
  | { kind: 'replied'; text: string; confirmed: true }
  | { kind: 'opted-out-by-reply'; text: string }
  | { kind: 'unrecognised-reply' }
  | { kind: 'skipped'; reason: SkipReason };

const skipTexts: Record<SkipReason, string> = {
  'already-confirmed': 'already confirmed',
  'opted-out': 'recipient opted out',
  cancelled: 'campaign cancelled',
};

export function formatEventDetail(d: EventDetail): string {
  switch (d.kind) {
    case 'pressed':
      return `pressed ${d.digits}${d.confirmed ? ' (confirmed)' : ''}`;
    case 'no-key':
      return 'no key pressed';
    case 'replied':
      return `replied ${d.text} (confirmed)`;
    case 'opted-out-by-reply':
      return `opted out by replying ${d.text}`;
    case 'unrecognised-reply':
      return 'unrecognised reply (in the inbox)';
    case 'skipped':
      return skipTexts[d.reason];
    default: {
      const never: never = d;
      return String(never);
    }
  }
}

export function parseEventDetail(text: string): EventDetail | null {
  if (text === 'no key pressed') return { kind: 'no-key' };
  if (text === 'unrecognised reply (in the inbox)') return { kind: 'unrecognised-reply' };
  const skip = (Object.keys(skipTexts) as SkipReason[]).find((r) => skipTexts[r] === text);
  if (skip) return { kind: 'skipped', reason: skip };
  const pressed = /^pressed (\S+?)( \(confirmed\))?$/.exec(text);
  if (pressed) return { kind: 'pressed', digits: pressed[1]!, confirmed: pressed[2] !== undefined };
  const replied = /^replied (.*) \(confirmed\)$/s.exec(text);
  if (replied) return { kind: 'replied', text: replied[1]!, confirmed: true };
  const stop = /^opted out by replying (.*)$/s.exec(text);
  if (stop) return { kind: 'opted-out-by-reply', text: stop[1]! };
  return null;
}

/** A provider status as a delivery's history records it: the status, who answered, why it failed. */
export interface StatusDetail {
  status: DeliveryStatus;
  answeredBy: AnsweredBy | null;
  failure: { code: string; message: string } | null;
}

export function formatStatusDetail(d: StatusDetail): string {
  if (d.failure) return `${d.status}: ${d.failure.code} ${d.failure.message}`;
  return d.answeredBy ? `${d.status} (${d.answeredBy})` : d.status;
}

export function parseStatusDetail(text: string): StatusDetail | null {
  const m = /^([a-z-]+)(?: \(([a-z]+)\)|: (\S+) (.*))?$/s.exec(text);
  if (!m) return null;
  const status = deliveryStatuses.find((s) => s === m[1]);
  if (status === undefined) return null;
  const answeredBy = m[2] === undefined ? null : answeredByValues.find((a) => a === m[2]);
  if (answeredBy === undefined) return null;
  return {
    status,
    answeredBy,
    failure: m[3] !== undefined ? { code: m[3], message: m[4] ?? '' } : null,
  };
}
