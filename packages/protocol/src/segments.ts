// Saved segments (sparade urval): a named set of rules over the address book — group
// membership, tags, custom fields, language, where a person can be reached, do-not-contact —
// whose members are worked out again whenever it is used, so an alert to a segment reaches
// whoever fits the rules when the alert starts. A segment is used wherever a group is: an
// alert's audience, a prepared alert, an alert's exclusions.
//
// Rules are a union on `kind`. Kinds still to come are
// added as one more member here, one more case where the engine turns a rule into SQL
// (store/segments.ts) and one more editor in the console's rule builder; exhaustive switches
// over `kind` make a place that forgets one a compile error.
import { z } from 'zod';
import { lonLatSchema, postcodeSchema } from './addresses';
import { channelSchema, contactLanguageSchema } from './contacts';
import { method } from './rpc-core';

const groupId = z.number().int().positive();
export const segmentIdSchema = z.string().min(1).max(64);

/** Operators of a custom-field rule: equal / not equal / contains (case does not matter), empty, non-empty, numerically less / greater. */
export const segmentFieldOps = ['eq', 'ne', 'contains', 'empty', 'not-empty', 'lt', 'gt'] as const;
export type SegmentFieldOp = (typeof segmentFieldOps)[number];
/** Operators that compare with a value (the others look only at whether the field has one). */
export const segmentOpTakesValue = (op: SegmentFieldOp): boolean => op !== 'empty' && op !== 'not-empty';

/** A number as a custom-field value may hold it ("12", "-3,5", "4.25"); null when it is not one. */
export function segmentNumber(text: string): number | null {
  const t = text.trim();
  return /^-?\d+([.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : null;
}

const tag = z.string().trim().min(1).max(60);

/**
 * An area: contacts whose address is in one of the municipalities or postcodes (compared
 * without regard to case and spaces), or whose coordinates are within a radius of a point or
 * inside a polygon. Contacts without coordinates are never inside a radius or polygon. A
 * point on the circle or on the polygon's edge counts as inside.
 */
export const segmentAreaSchema = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('municipality'), municipalities: z.array(z.string().trim().min(1).max(100)).min(1).max(300) }),
  z.object({ shape: z.literal('postcode'), postcodes: z.array(postcodeSchema).min(1).max(2000) }),
  z.object({
    shape: z.literal('radius'),
    /** [longitude, latitude], WGS 84. */
    centre: lonLatSchema,
    metres: z.number().positive().max(500_000),
    /** The address the centre was taken from, as the operator chose it (shown again in the editor). */
    label: z.string().trim().max(200).nullable().default(null),
  }),
  z.object({
    shape: z.literal('polygon'),
    /** One ring of [longitude, latitude] corners, WGS 84, not closed (the last corner joins the first). */
    ring: z.array(lonLatSchema).min(3, 'An area needs at least three corners').max(500),
  }),
]);
export type SegmentArea = z.infer<typeof segmentAreaSchema>;
export type SegmentAreaShape = SegmentArea['shape'];

export const segmentRuleSchema = z
  .discriminatedUnion('kind', [
    /** Members of any of the groups (and, by default, of their subgroups); `negate`: members of none. */
    z.object({
      kind: z.literal('group'),
      groupIds: z.array(groupId).min(1).max(100),
      includeSubgroups: z.boolean().default(true),
      negate: z.boolean().default(false),
    }),
    /** Contacts with any / all / none of the tags. */
    z.object({ kind: z.literal('tags'), tags: z.array(tag).min(1).max(50), match: z.enum(['any', 'all', 'none']).default('any') }),
    /** A custom field compared with a value. */
    z.object({
      kind: z.literal('field'),
      key: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .regex(/^[^"\\]+$/),
      op: z.enum(segmentFieldOps),
      value: z.string().trim().max(200).default(''),
    }),
    /** Contacts whose language is one of these. */
    z.object({ kind: z.literal('language'), languages: z.array(contactLanguageSchema).min(1) }),
    /** Contacts who can be reached on the channel (an address, not marked do-not-contact, not opted out); `negate`: who cannot. */
    z.object({ kind: z.literal('reachable'), channel: channelSchema, negate: z.boolean().default(false) }),
    /** Contacts marked do-not-contact on the channel (any: on at least one); `negate`: not marked. */
    z.object({ kind: z.literal('doNotContact'), channel: z.union([channelSchema, z.literal('any')]), negate: z.boolean().default(false) }),
    /** Whoever is on duty in the on-call schedule when the segment is worked out (when the alert starts). */
    z.object({ kind: z.literal('onDuty'), scheduleId: z.string().min(1).max(64) }),
    /** Contacts in an area (see segmentAreaSchema); `negate`: outside it (those without an address included). */
    z.object({ kind: z.literal('area'), area: segmentAreaSchema, negate: z.boolean().default(false) }),
  ])
  .superRefine((rule, ctx) => {
    if (rule.kind !== 'field' || !segmentOpTakesValue(rule.op)) return;
    if (rule.value === '') ctx.addIssue({ code: 'custom', path: ['value'], message: 'The rule needs a value to compare with' });
    else if ((rule.op === 'lt' || rule.op === 'gt') && segmentNumber(rule.value) === null)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'Less than and greater than compare with a number' });
  });
export type SegmentRule = z.infer<typeof segmentRuleSchema>;
export type SegmentRuleInput = z.input<typeof segmentRuleSchema>;
export type SegmentRuleKind = SegmentRule['kind'];

/** The rules and how they combine: everyone who fits all of them, or any of them. */
export const segmentDefinitionSchema = z.object({
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(segmentRuleSchema).max(30).default([]),
});
export type SegmentDefinition = z.infer<typeof segmentDefinitionSchema>;

export const segmentSchema = segmentDefinitionSchema.extend({
  id: segmentIdSchema,
  name: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type Segment = z.infer<typeof segmentSchema>;

export const segmentInputSchema = segmentDefinitionSchema.extend({
  /** Omitted: a new segment. */
  id: segmentIdSchema.optional(),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(500).nullable().optional(),
  rules: z.array(segmentRuleSchema).min(1).max(30),
});
export type SegmentInput = z.input<typeof segmentInputSchema>;

export const segmentPreviewSchema = z.object({
  /** How many contacts fit the rules now. */
  count: z.number().int().nonnegative(),
  /** The first of them in name order. */
  members: z.array(z.object({ id: groupId, displayName: z.string() })),
});
export type SegmentPreview = z.infer<typeof segmentPreviewSchema>;

export const segmentsMethods = {
  'segments.list': method(z.object({}), z.object({ segments: z.array(segmentSchema) })),
  /** Creates a segment, or replaces the name and rules of the one named by `id`. */
  'segments.save': method(segmentInputSchema, segmentSchema),
  'segments.delete': method(z.object({ id: segmentIdSchema }), z.object({ deleted: z.literal(true) })),
  /** Who fits rules (saved or not) right now: the count and the first members by name. */
  'segments.preview': method(segmentDefinitionSchema.extend({ limit: z.number().int().min(0).max(200).default(50) }), segmentPreviewSchema),
  /** Where the contacts with coordinates are ([id, longitude, latitude]), for drawing an area on the map; the first `limit` by id. */
  'segments.points': method(
    z.object({ limit: z.number().int().min(1).max(50_000).default(20_000) }),
    z.object({ points: z.array(z.tuple([groupId, z.number(), z.number()])), total: z.number().int().nonnegative() }),
  ),
};

export const segmentsEvents = {
  'segments.changed': z.object({ ids: z.array(segmentIdSchema) }),
};
