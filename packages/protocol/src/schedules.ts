// On-call schedules (jourscheman): who is on duty when, as ordered layers of people taking
// turns, with optional daily or weekly windows, and overrides on top (the rules of time and
// precedence are in on-call.ts). Organisation data, shared between desktops like segments. Who
// is on duty when an alert starts is an audience, through the segment rule `onDuty`.
import { z } from 'zod';
import { parseLocalDateTime, parseTimeOfDay } from './on-call';
import { method } from './rpc-core';

export const scheduleIdSchema = z.string().min(1).max(64);
const contactId = z.number().int().positive();

/** Swedish wall-clock date and time, "YYYY-MM-DDTHH:mm". */
export const localDateTimeSchema = z.string().refine((s) => parseLocalDateTime(s) !== null, 'A date and time as YYYY-MM-DDTHH:mm');
/** A time of day, "HH:mm". */
export const timeOfDaySchema = z.string().refine((s) => parseTimeOfDay(s) !== null, 'A time of day as HH:mm');
const weekday = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]);

export const restrictionSchema = z.discriminatedUnion('kind', [
  /** Every day between two times; an end not after the start runs over midnight. */
  z.object({ kind: z.literal('daily'), from: timeOfDaySchema, to: timeOfDaySchema }),
  /** Windows of the week, each from a day and time to a day and time (Monday = 1). */
  z.object({
    kind: z.literal('weekly'),
    windows: z
      .array(z.object({ fromDay: weekday, from: timeOfDaySchema, toDay: weekday, to: timeOfDaySchema }))
      .min(1)
      .max(14),
  }),
]);

export const turnUnits = ['hours', 'days', 'weeks'] as const;

export const scheduleLayerSchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** Contacts in turn order (one may appear more than once). */
  people: z.array(contactId).min(1).max(100),
  start: localDateTimeSchema,
  turnLength: z.number().int().min(1).max(1000),
  turnUnit: z.enum(turnUnits),
  restriction: restrictionSchema.nullable().default(null),
});
export type ScheduleLayer = z.infer<typeof scheduleLayerSchema>;

export const scheduleOverrideSchema = z
  .object({
    /** Who is on duty instead; null: nobody (the final schedule shows it as a gap). */
    contactId: contactId.nullable(),
    from: localDateTimeSchema,
    to: localDateTimeSchema,
  })
  .refine((o) => o.to > o.from, { path: ['to'], message: 'An override must end after it starts' });
export type ScheduleOverride = z.infer<typeof scheduleOverrideSchema>;

const scheduleBody = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(500).nullable().default(null),
  layers: z.array(scheduleLayerSchema).max(10),
  overrides: z.array(scheduleOverrideSchema).max(200).default([]),
});

export const onCallScheduleSchema = scheduleBody.extend({
  id: scheduleIdSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type OnCallSchedule = z.infer<typeof onCallScheduleSchema>;

export const onCallScheduleInputSchema = scheduleBody.extend({
  /** Omitted: a new schedule. */
  id: scheduleIdSchema.optional(),
  layers: z.array(scheduleLayerSchema).min(1).max(10),
});
export type OnCallScheduleInput = z.input<typeof onCallScheduleInputSchema>;

const person = z.object({ id: contactId, displayName: z.string() });

export const finalShiftSchema = z.object({
  /** ISO instants; `from` inclusive, `to` exclusive. */
  from: z.string(),
  to: z.string(),
  /** Who is on duty; null: nobody. */
  person: person.nullable(),
  /** What decides this stretch: a layer (by index), an override (by index), or nothing. */
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('layer'), index: z.number().int().nonnegative() }),
    z.object({ kind: z.literal('override'), index: z.number().int().nonnegative() }),
    z.object({ kind: z.literal('none') }),
  ]),
});
export type FinalShiftReport = z.infer<typeof finalShiftSchema>;

/** Longest range the final schedule is worked out for at once. */
export const MAX_SCHEDULE_RANGE_DAYS = 92;

export const scheduleResolutionSchema = z.object({
  from: z.string(),
  to: z.string(),
  shifts: z.array(finalShiftSchema),
  /** Every stretch of the range with nobody on duty. */
  gaps: z.array(z.object({ from: z.string(), to: z.string() })),
});
export type ScheduleResolution = z.infer<typeof scheduleResolutionSchema>;

const rangeInput = z.object({
  /** ISO instants; omitted: from now for 14 days. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const schedulesMethods = {
  'schedules.list': method(z.object({}), z.object({ schedules: z.array(onCallScheduleSchema) })),
  'schedules.get': method(z.object({ id: scheduleIdSchema }), onCallScheduleSchema),
  /** Creates a schedule, or replaces the one named by `id`. */
  'schedules.save': method(onCallScheduleInputSchema, onCallScheduleSchema),
  'schedules.delete': method(z.object({ id: scheduleIdSchema }), z.object({ deleted: z.literal(true) })),
  /** The final schedule and its gaps over a range, of a saved schedule (`id`) or of one being edited (`schedule`). */
  'schedules.resolve': method(
    rangeInput.extend({ id: scheduleIdSchema.optional(), schedule: onCallScheduleInputSchema.optional() }),
    scheduleResolutionSchema,
  ),
  /** Who is on duty in each schedule at a moment (default: now). */
  'schedules.onDuty': method(
    z.object({ at: z.iso.datetime({ offset: true }).optional() }),
    z.object({ at: z.string(), onDuty: z.array(z.object({ scheduleId: scheduleIdSchema, name: z.string(), person: person.nullable() })) }),
  ),
};

export const schedulesEvents = {
  'schedules.changed': z.object({ ids: z.array(scheduleIdSchema) }),
};
