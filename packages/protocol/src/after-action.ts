// After an alert: its progress history (reached, confirmed, unreached and held over time),
// derived by the engine from the delivery events so every desktop and every restart gives
// the same curve.
import { z } from 'zod';
import { recipientOutcomeSchema, recipientReportSchema } from './campaigns';
import { channelSchema } from './contacts';
import { method } from './rpc-core';
import { auditEntrySchema } from './system';

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

/** Time to confirm buckets: up to 30 s, 1, 2, 5, 10, 30 minutes, and longer (null). */
export const CONFIRM_BUCKETS_S = [30, 60, 120, 300, 600, 1800] as const;

/** What sends cost, priced with the price table: units and amounts per kind, and the total (amounts to the öre). */
export const costFiguresSchema = z.object({
  smsSegments: count,
  smsCost: z.number().nonnegative(),
  callMinutes: z.number().nonnegative(),
  callCost: z.number().nonnegative(),
  whatsappMessages: count,
  whatsappCost: z.number().nonnegative(),
  emails: count,
  total: z.number().nonnegative(),
});

export const afterActionReportSchema = z.object({
  campaignId: z.number().int().positive(),
  generatedAt: z.string(),
  /** The organisation's name on the relay; null on a desktop without one. */
  organisation: z.string().nullable(),
  /** From the audit: who started it, and who approved it when that was recorded. */
  startedBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  recipients: count,
  outcomes: z.record(recipientOutcomeSchema, count),
  /** Everyone the message got to (delivered, answered or confirmed). */
  reached: count,
  confirmed: count,
  history: campaignHistorySchema,
  /** Seconds from the first hand-over to the person until they confirmed (nearest-rank percentiles). */
  timeToConfirm: z.object({
    confirmed: count,
    medianSeconds: z.number().nonnegative().nullable(),
    p90Seconds: z.number().nonnegative().nullable(),
    /** One count per CONFIRM_BUCKETS_S bucket (up to and including it), then one for longer. */
    distribution: z.array(count),
  }),
  channels: z.array(
    z.object({ channel: channelSchema, deliveries: count, handedOver: count, delivered: count, failed: count, confirmed: count }),
  ),
  providers: z.array(
    z.object({
      provider: z.string(),
      handedOver: count,
      delivered: count,
      failed: count,
      errors: z.array(z.object({ code: z.string(), count })),
    }),
  ),
  /** Everyone the alert did not get to, with every attempt and its reason. */
  unreached: z.array(recipientReportSchema),
  /** What operators did about the alert, from the audit, oldest first. */
  actions: z.array(auditEntrySchema),
  /** What was handed over, priced with the organisation's price table (voice at its estimated minutes per answered call). */
  cost: costFiguresSchema.extend({ currency: z.string() }),
});
export type AfterActionReport = z.infer<typeof afterActionReportSchema>;

export const afterActionMethods = {
  /** The after-action report of an alert: its figures, the unreached with every attempt, the operators' actions, the cost. */
  'campaigns.afterAction': method(z.object({ id: z.number().int().positive() }), afterActionReportSchema),
  /** The progress history of an alert, derived from its delivery events (the same on every desktop). */
  /**
   * Records that the after-action report was saved as a PDF (the host prints the console's
   * rendered report, so the console says when it has the file): an export of a report is audited.
   */
  'campaigns.reportExported': method(
    z.object({ id: z.number().int().positive(), format: z.literal('pdf') }),
    z.object({ auditId: z.number().int() }),
  ),
  'campaigns.history': method(z.object({ id: z.number().int().positive() }), campaignHistorySchema),
};

export const afterActionEvents = {};
