// What the engine writes in a delivery's timeline about the path to the provider: a retry
// after a failure of the path, a send whose answer was lost, what a lookup at the provider
// decided (adopted, sent again, asked again), a failover to the next provider, a step fallen
// through, and a wait for the network skipped or given up. Each is a code with parameters;
// it is stored as plain English text (logs, exports and older entries read it as it is) in a
// format both ends share, so the console words it in the operator's language. Formatting
// and parsing live together here; text that does not parse is shown as it is.
import type { FailureClass } from './provider-events';

const pathFailures = ['transient', 'rate-limited', 'auth'] as const;
const personFailures = ['permanent', 'invalid-recipient', 'opted-out'] as const;
export type PathFailure = (typeof pathFailures)[number];
export type PersonFailure = (typeof personFailures)[number];

export type PathNote =
  /** A failure of the path: sent again after a wait, attempts untouched. */
  | { code: 'retry'; provider: string; failure: PathFailure; message: string; inSeconds: number }
  /** A failure about the person: the provider refused this message or number. */
  | { code: 'refused'; provider: string; failure: PersonFailure; message: string }
  /** The provider may have the message but its answer was lost: looked up before anything else. */
  | { code: 'answer-lost'; provider: string; message: string }
  /** A provider's path failed; the next one in the channel's order sends it now. */
  | { code: 'failed-over'; from: string; to: string }
  /** Every provider of the channel unavailable: on to the person's next step. */
  | { code: 'fell-through'; provider: string }
  /** A lookup found it at the provider: its id and status are taken over, nothing is sent again. */
  | { code: 'adopted'; provider: string; providerId: string; status: string }
  /** The providers have no lookup (Telegram): sent again, flagged as a possible duplicate. */
  | { code: 'resend-unaskable'; providers: string }
  /** The provider has no record of it: sent (again), flagged when it may still have gone out unseen. */
  | { code: 'resend-no-record'; possibleDuplicate: boolean }
  /** The provider(s) could not be asked, another carries the channel: sent through it, flagged. */
  | { code: 'resend-through'; unasked: string; message: string; carrier: string }
  /** The provider(s) could not be asked: asked again before anything is sent. */
  | { code: 'look-up-again'; unasked: string; message: string }
  | { code: 'no-provider' }
  /** The alert gave up waiting for the path; `lookingUp`: a lookup of an earlier send was still unanswered. */
  | { code: 'given-up'; lookingUp: boolean }
  /** The operator skipped the held channel; on to the next step. */
  | { code: 'skipped-held'; lookingUp: boolean };

export type PathNoteCode = PathNote['code'];

const fixed = {
  'resend-no-record:true': 'provider has no record of it; sending again (possible duplicate)',
  'resend-no-record:false': 'provider has no record of it; not sent before, sending now',
  'no-provider': 'no provider configured',
  'given-up:false': 'not sent: the path stayed down until the alert gave up',
  'given-up:true': 'given up: the path stayed down; whether the send before the interruption went out is not known',
  'skipped-held:false': 'skipped while waiting for the network; on to the next step',
  'skipped-held:true':
    'skipped while waiting for the network to look up an earlier send; whether that one went out is not known; on to the next step',
} as const;

export function formatPathNote(n: PathNote): string {
  switch (n.code) {
    case 'retry':
      return `${n.provider}: ${n.failure}: ${n.message}; next attempt in ${n.inSeconds} s`;
    case 'refused':
      return `${n.provider}: ${n.failure}: ${n.message}`;
    case 'answer-lost':
      return `${n.provider}: ${n.message}; looking it up before sending again`;
    case 'failed-over':
      return `${n.from} unavailable; next attempt through ${n.to}`;
    case 'fell-through':
      return `${n.provider} unavailable; falling through to the next step`;
    case 'adopted':
      return `found at ${n.provider} as ${n.providerId} (${n.status}); adopted`;
    case 'resend-unaskable':
      return `${n.providers} cannot be asked; sending again (possible duplicate)`;
    case 'resend-no-record':
      return fixed[`resend-no-record:${n.possibleDuplicate}`];
    case 'resend-through':
      return `${n.unasked} could not be asked (${n.message}); sending through ${n.carrier} (possible duplicate)`;
    case 'look-up-again':
      return `${n.unasked} could not be asked (${n.message}); looking it up again before anything is sent`;
    case 'no-provider':
      return fixed['no-provider'];
    case 'given-up':
      return fixed[`given-up:${n.lookingUp}`];
    case 'skipped-held':
      return fixed[`skipped-held:${n.lookingUp}`];
    default: {
      const never: never = n;
      return String(never);
    }
  }
}

/** Providers as the engine names them, one or several joined by ", ". */
const PROVIDERS = '([\\w-]+(?:, [\\w-]+)*)';

const patterns: [RegExp, (m: RegExpExecArray) => PathNote | null][] = [
  [
    /^([\w-]+): ([a-z-]+): (.*); next attempt in (\d+(?:\.\d+)?) s$/s,
    (m) =>
      (pathFailures as readonly string[]).includes(m[2]!)
        ? { code: 'retry', provider: m[1]!, failure: m[2] as PathFailure, message: m[3]!, inSeconds: Number(m[4]) }
        : null,
  ],
  [/^([\w-]+): (.*); looking it up before sending again$/s, (m) => ({ code: 'answer-lost', provider: m[1]!, message: m[2]! })],
  [
    /^([\w-]+): ([a-z-]+): (.*)$/s,
    (m) =>
      (personFailures as readonly string[]).includes(m[2]!)
        ? { code: 'refused', provider: m[1]!, failure: m[2] as PersonFailure, message: m[3]! }
        : null,
  ],
  [new RegExp(`^${PROVIDERS} unavailable; next attempt through ([\\w-]+)$`), (m) => ({ code: 'failed-over', from: m[1]!, to: m[2]! })],
  [new RegExp(`^${PROVIDERS} unavailable; falling through to the next step$`), (m) => ({ code: 'fell-through', provider: m[1]! })],
  [/^found at ([\w-]+) as (\S+) \(([\w-]+)\); adopted$/, (m) => ({ code: 'adopted', provider: m[1]!, providerId: m[2]!, status: m[3]! })],
  [
    new RegExp(`^${PROVIDERS} cannot be asked; sending again \\(possible duplicate\\)$`),
    (m) => ({ code: 'resend-unaskable', providers: m[1]! }),
  ],
  [
    new RegExp(`^${PROVIDERS} could not be asked \\((.*)\\); sending through ([\\w-]+) \\(possible duplicate\\)$`, 's'),
    (m) => ({ code: 'resend-through', unasked: m[1]!, message: m[2]!, carrier: m[3]! }),
  ],
  [
    new RegExp(`^${PROVIDERS} could not be asked \\((.*)\\); looking it up again before anything is sent$`, 's'),
    (m) => ({ code: 'look-up-again', unasked: m[1]!, message: m[2]! }),
  ],
];

export function parsePathNote(text: string): PathNote | null {
  for (const [key, value] of Object.entries(fixed)) {
    if (value !== text) continue;
    const [code, flag] = key.split(':') as [string, string | undefined];
    if (code === 'resend-no-record') return { code, possibleDuplicate: flag === 'true' };
    if (code === 'given-up' || code === 'skipped-held') return { code, lookingUp: flag === 'true' };
    return { code: 'no-provider' };
  }
  for (const [re, make] of patterns) {
    const m = re.exec(text);
    const note = m ? make(m) : null;
    if (note) return note;
  }
  return null;
}

/** Whether a send failure's class is about the path (retried) rather than the person; for the notes' two shapes. */
export const isPathFailure = (c: FailureClass): c is PathFailure => (pathFailures as readonly string[]).includes(c);
