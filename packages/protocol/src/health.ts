// Health alerts: the engine watches a few signs that GDial itself is in trouble (a provider
// failing, the relay gone or behind, the database slow, forged webhooks, the sync queue
// growing, the disk filling) and raises an alert an operator must see. Alerts behave like
// Prometheus Alertmanager's: one fires while its condition holds and resolves by itself when
// it ends; an operator's acknowledgement silences it. It stays listed until it is both
// resolved and acknowledged, so a problem that came and went while nobody looked is still
// seen once.
import { z } from 'zod';
import { method } from './rpc-core';

/** What the engine watches. */
export const healthRules = [
  /** A provider's failed sends, as a share of its sends in the last minutes. value/threshold: percent. */
  'provider.errorRate',
  /** The relay has not been reachable (its stream down) for a while. value/threshold: minutes. */
  'relay.unreachable',
  /** Events the relay committed that this desktop has not applied yet. value/threshold: events. */
  'relay.lag',
  /** The 99th percentile of the database's write time over the last minutes. value/threshold: milliseconds. */
  'store.writeLatency',
  /** Webhooks to the organisation the relay refused for a bad signature in the last 15 minutes. value/threshold: count. */
  'relay.signatureFailures',
  /** Changes waiting in this desktop's sync queue for the relay. value/threshold: changes. */
  'sync.outbox',
  /** Free space on the disk the database is on. value/threshold: megabytes (fires below). */
  'store.diskSpace',
] as const;
export type HealthRule = (typeof healthRules)[number];

/** The window signature failures are counted in (the relay's health route counts the same). */
export const SIGNATURE_FAILURE_WINDOW_MINUTES = 15;

export const healthThresholdsSchema = z.object({
  'provider.errorRate': z.number().int().min(1).max(100),
  'relay.unreachable': z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  'relay.lag': z.number().int().min(1).max(10_000_000),
  'store.writeLatency': z.number().int().min(1).max(60_000),
  'relay.signatureFailures': z.number().int().min(1).max(1_000_000),
  'sync.outbox': z.number().int().min(1).max(10_000_000),
  'store.diskSpace': z.number().int().min(1).max(10_000_000),
}) satisfies z.ZodType<Record<HealthRule, number>>;
export type HealthThresholds = z.infer<typeof healthThresholdsSchema>;

export const defaultHealthThresholds: HealthThresholds = {
  'provider.errorRate': 25,
  'relay.unreachable': 5,
  'relay.lag': 1_000,
  'store.writeLatency': 500,
  'relay.signatureFailures': 20,
  'sync.outbox': 500,
  'store.diskSpace': 1_024,
};

/** Firing while the condition holds; resolved once it ended. */
export const healthStates = ['firing', 'resolved'] as const;
export type HealthState = (typeof healthStates)[number];

export const healthAlertSchema = z.object({
  id: z.number().int().positive(),
  rule: z.enum(healthRules),
  /** What the rule is about when there can be several (a provider's name); '' otherwise. */
  subject: z.string(),
  state: z.enum(healthStates),
  /** The latest value seen while firing, and the threshold it crossed (units: see the rule). */
  value: z.number(),
  threshold: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  resolvedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type HealthAlert = z.infer<typeof healthAlertSchema>;

export const healthOverviewSchema = z.object({
  /** Firing ones and resolved ones nobody acknowledged yet, newest first. */
  alerts: z.array(healthAlertSchema),
  thresholds: healthThresholdsSchema,
  /** When the rules were last evaluated (null before the first time). */
  checkedAt: z.string().nullable(),
});
export type HealthOverview = z.infer<typeof healthOverviewSchema>;

/** The relay's view of one organisation's health, for its desktops (GET /api/v1/health). */
export const relayHealthSchema = z.object({
  /** The highest sequence committed to the organisation's event log. */
  headSeq: z.number().int().nonnegative(),
  signatureFailures: z.object({ windowMinutes: z.number().int().positive(), count: z.number().int().nonnegative() }),
});
export type RelayHealth = z.infer<typeof relayHealthSchema>;

export const healthMethods = {
  'health.list': method(z.object({}), healthOverviewSchema),
  /** Silences a health alert; a resolved one then leaves the list. */
  'health.acknowledge': method(z.object({ id: z.number().int().positive() }), healthAlertSchema),
  'health.setThresholds': method(healthThresholdsSchema, healthThresholdsSchema),
};

export const healthEvents = {
  /** A health alert fired, resolved, changed value or was acknowledged: clients re-read the list. */
  'health.changed': z.object({}),
};
