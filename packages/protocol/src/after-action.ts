// After an alert: its progress history (reached, confirmed, unreached and held over time),
// derived by the engine from the delivery events so every desktop and every restart gives
// the same curve.
import { z } from 'zod';
import { method } from './rpc-core';

const count = z.number().int().nonnegative();

/** How many of the alert's people stood where at one instant (the end of a bucket). */
export const historyPointSchema = z.object({
  /** Seconds since the alert started. */
  second: z.number().nonnegative(),
  /** The message got to them (delivered, answered or confirmed) — includes the confirmed. */
  reached: count,
  confirmed: count,
  /** Every attempt is over and none got to them (or the path stayed down until the alert gave up). */
  unreached: count,
  /** Waiting for a path that is down (Väntar på nät) at that instant. */
  held: count,
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

export const campaignHistorySchema = z.object({
  campaignId: z.number().int().positive(),
  /** Null while the alert has not started: there is no history yet. */
  startedAt: z.string().nullable(),
  recipients: count,
  /** The width of one bucket; points are at 0, step, 2·step … up to the last event (or now while running). */
  stepSeconds: z.number().positive(),
  points: z.array(historyPointSchema),
});
export type CampaignHistory = z.infer<typeof campaignHistorySchema>;

export const afterActionMethods = {
  /** The progress history of an alert, derived from its delivery events (the same on every desktop). */
  'campaigns.history': method(z.object({ id: z.number().int().positive() }), campaignHistorySchema, { timeoutMs: 60_000 }),
};

export const afterActionEvents = {};
