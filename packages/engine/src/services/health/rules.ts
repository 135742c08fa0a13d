// The health rules as one pure function: readings and thresholds in, which conditions hold
// out. A rule whose reading is unknown this time (the relay did not answer, too few sends
// to judge a provider) is not checked, so an alert it raised neither fires anew nor resolves
// on a guess; a checked rule's alerts that are not firing now have resolved.
import type { HealthRule, HealthThresholds } from '@gdial/protocol';
import type { WriteLatency } from '../../store/write-times';
import type { ProviderSends } from './signals';

/** Fewer sends than this in the window say nothing about a provider's error rate. */
export const MIN_SENDS = 10;
/** Fewer write transactions than this in the window say nothing about the 99th percentile. */
export const MIN_WRITES = 10;

export interface HealthReadings {
  providers: ProviderSends[];
  relay: {
    configured: boolean;
    /** Minutes the stream has been down, 0 while it is up. */
    offlineMinutes: number;
    /** Events committed at the relay not applied here; null when the relay did not say. */
    lagEvents: number | null;
    /** Webhooks refused for their signature in the relay's window; null when the relay did not say. */
    signatureFailures: number | null;
  };
  writes: WriteLatency;
  /** Changes waiting for the relay; null when this desktop does not sync. */
  syncPending: number | null;
  /** Free megabytes on the database's disk; null when they could not be read. */
  freeMb: number | null;
}

export interface Condition {
  rule: HealthRule;
  subject: string;
  value: number;
  threshold: number;
}

export interface Evaluation {
  /** The rules judged this time (with every subject they can have). */
  checked: Set<HealthRule>;
  firing: Condition[];
  /** Rules judged only for some subjects (a provider with enough sends): the subjects judged. */
  checkedSubjects: Map<HealthRule, Set<string>>;
}

export function evaluateHealth(r: HealthReadings, t: HealthThresholds): Evaluation {
  const checked = new Set<HealthRule>();
  const checkedSubjects = new Map<HealthRule, Set<string>>();
  const firing: Condition[] = [];
  const judge = (rule: HealthRule, value: number | null, fires: (v: number, threshold: number) => boolean, subject = ''): void => {
    if (value === null) return;
    if (subject === '') checked.add(rule);
    else {
      let s = checkedSubjects.get(rule);
      if (!s) checkedSubjects.set(rule, (s = new Set()));
      s.add(subject);
    }
    if (fires(value, t[rule])) firing.push({ rule, subject, value, threshold: t[rule] });
  };
  const atLeast = (v: number, threshold: number) => v >= threshold;

  for (const p of r.providers)
    if (p.sends >= MIN_SENDS) judge('provider.errorRate', Math.round((100 * p.failures) / p.sends), atLeast, p.provider);
  // Without a relay, nothing about it can be wrong: what it raised has ended.
  const relay = r.relay.configured;
  judge('relay.unreachable', relay ? r.relay.offlineMinutes : 0, atLeast);
  judge('relay.lag', relay ? r.relay.lagEvents : 0, atLeast);
  judge('relay.signatureFailures', relay ? r.relay.signatureFailures : 0, atLeast);
  judge('store.writeLatency', r.writes.count >= MIN_WRITES ? Math.round(r.writes.p99Ms) : null, atLeast);
  judge('sync.outbox', r.syncPending ?? 0, atLeast);
  judge('store.diskSpace', r.freeMb, (v, threshold) => v < threshold);
  return { checked, firing, checkedSubjects };
}
