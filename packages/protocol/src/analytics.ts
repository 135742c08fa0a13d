// Analytics across alerts (Analys): how the organisation's alerts went over a period — how
// many, how many people confirmed and how fast, how each channel and provider did, which
// error codes providers gave, and what it cost per month. The engine computes every figure
// from the deliveries and recipients in its store, which holds the alerts of every desktop
// of the organisation (replicas included), so every console shows the same numbers.
import { z } from 'zod';
import { costFiguresSchema } from './after-action';
import { channelSchema } from './contacts';
import { method } from './rpc-core';

const count = z.number().int().nonnegative();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum skrivs ÅÅÅÅ-MM-DD');
const seconds = z.number().nonnegative().nullable();

/** Test alerts (only the test group was alerted), live ones, or both. */
export const analyticsModes = ['all', 'live', 'test'] as const;

export const analyticsFilterSchema = z
  .object({
    /** First and last day (inclusive) an alert started on, in Swedish time (Europe/Stockholm). */
    from: day,
    to: day,
    /** Alerts whose audience named this group or one of its subgroups. */
    groupId: z.number().int().positive().nullable().default(null),
    /** Alerts with a step on this channel; the channel, provider, error and cost figures count only its sends. */
    channel: channelSchema.nullable().default(null),
    mode: z.enum(analyticsModes).default('all'),
  })
  .refine((f) => f.from <= f.to, { message: 'Startdatumet ligger efter slutdatumet', path: ['to'] });
export type AnalyticsFilter = z.input<typeof analyticsFilterSchema>;

/** Confirmation figures of a set of recipients: time to confirm from the first send to the person (nearest rank). */
const confirmationFigures = {
  recipients: count,
  confirmed: count,
  medianSeconds: seconds,
  p90Seconds: seconds,
};

export const analyticsSchema = z.object({
  from: day,
  to: day,
  alerts: z.array(
    z.object({
      id: z.number().int().positive(),
      name: z.string(),
      startedAt: z.string(),
      testMode: z.boolean(),
      ...confirmationFigures,
    }),
  ),
  /** One entry per day of the range (Swedish time) with how many alerts started on it. */
  perDay: z.array(z.object({ day, live: count, test: count })),
  /** Per group named in the selected alerts' audiences: those alerts' recipients. */
  groups: z.array(z.object({ groupId: z.number().int().positive(), name: z.string(), alerts: count, ...confirmationFigures })),
  channels: z.array(z.object({ channel: channelSchema, deliveries: count, handedOver: count, delivered: count, failed: count })),
  providers: z.array(z.object({ provider: z.string(), handedOver: count, delivered: count, failed: count })),
  errors: z.array(z.object({ provider: z.string(), code: z.string(), count })),
  /** What was handed over, priced with the price table, per month (Swedish time) the alert started in. */
  costs: z.array(costFiguresSchema.extend({ month: z.string().regex(/^\d{4}-\d{2}$/) })),
  currency: z.string(),
});
export type Analytics = z.infer<typeof analyticsSchema>;

export const analyticsMethods = {
  /** The figures of the organisation's alerts that started in a date range, with the chosen filters. */
  'analytics.overview': method(analyticsFilterSchema, analyticsSchema),
};
