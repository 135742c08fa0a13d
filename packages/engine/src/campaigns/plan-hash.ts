// The hash a prepared alert's pre-approval binds to (pre-approval.ts): sha256 over the plan
// as the organisation shares it (groups, people and the template named by their uids), as
// canonical JSON (every object's keys in order, undefined left out), so the same plan is the
// same hash on every desktop and at the relay, which reads the shared plan from sync.
import { createHash } from 'node:crypto';

/** JSON with every object's keys in order: the same value is always the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a plan as the organisation shares it. */
export const sharedPlanHash = (sharedPlan: unknown): string => createHash('sha256').update(canonicalJson(sharedPlan)).digest('hex');

/** Whether a prepared alert as sync holds it is pre-approved now: approved, not voided, and its plan is the approved one. */
export function sharedPreApproved(prepared: unknown): boolean {
  if (!prepared || typeof prepared !== 'object') return false;
  const p = prepared as {
    fields?: unknown;
    approval?: { planHash?: unknown; voided?: unknown; decision?: { kind?: unknown } | null } | null;
  };
  const a = p.approval;
  return !!a && a.decision?.kind === 'approved' && !a.voided && a.planHash === sharedPlanHash(p.fields);
}
