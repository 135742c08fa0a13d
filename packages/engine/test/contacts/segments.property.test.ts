// Saved segments' rules evaluated by SQLite (one query, store/segments.ts) against the same
// rules evaluated in plain code over the contacts as the engine returns them, on random
// address books and random rules. Reachability is the planner's own rule (reach), so the
// SQL may never disagree with who an alert can actually reach.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  channels,
  inPolygon,
  segmentNumber,
  withinRadius,
  type Contact,
  type LonLat,
  type SegmentDefinition,
  type SegmentRule,
} from '@gdial/protocol';
import { optOutLookup, reach } from '../../src/contacts';
import { segmentMemberIds } from '../../src/store/segments';
import { testContext } from './helpers';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

const PHONES = ['070-123 45 67', '08-123 456 78', '073-111 22 33'];
const EMAILS = ['anna@example.se', 'Bo.Berg@Example.se'];
const TAGS = ['brand', 'sjukvård', 'Ledning'];
const KEYS = ['ort', 'ålder', 'aktiv'];
const VALUES: (string | number | boolean | null)[] = [
  'Göteborg',
  'GÖTEBORG',
  'Malmö',
  '',
  12,
  '12',
  '3,5',
  7.5,
  -2,
  true,
  false,
  null,
  ' 40 ',
  'abc',
];
const RULE_VALUES = ['göteborg', 'GÖT', 'malm', '12', '3,5', '7.5', 'true', 'false', 'abc', '40'];
const NUMBERS = ['0', '3,5', '7.5', '12', '-1', '40'];
const OPT_OUTS = [
  { channel: 'sms', address: '+46701234567' },
  { channel: 'voice', address: '+46701234567' },
  { channel: 'voice', address: '+46812345678' },
  { channel: 'email', address: 'bo.berg@example.se' },
  { channel: 'whatsapp', address: '+46731112233' },
  { channel: 'telegram', address: '12345' },
] as const;

// Addresses on a 3 × 3 grid of points about 550 m apart, so radii and polygons through grid
// points put contacts exactly on circles and edges.
const LATS = [57.7, 57.705, 57.71];
const LONS = [11.96, 11.965, 11.97];
const MUNICIPALITIES = ['Göteborg', ' GÖTEBORG ', 'Mölndal', null];
const POSTCODES = ['41101', '41102', null];
const RING_SQUARE: LonLat[] = [
  [11.96, 57.7],
  [11.965, 57.7],
  [11.965, 57.705],
  [11.96, 57.705],
];
const RING_TRIANGLE: LonLat[] = [
  [11.96, 57.7],
  [11.97, 57.7],
  [11.96, 57.71],
];
const addressArb = fc.option(
  fc.record({
    municipality: fc.constantFrom(...MUNICIPALITIES),
    postcode: fc.constantFrom(...POSTCODES),
    point: fc.option(fc.tuple(fc.constantFrom(...LONS), fc.constantFrom(...LATS))),
  }),
);

const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);
const contactArb = fc.record({
  firstName: fc.constantFrom('Anna', 'Åsa', 'Bo', 'Örjan'),
  language: fc.constantFrom('sv' as const, 'en' as const),
  phones: subset(PHONES).map((ns) => ns.map((number) => ({ number }))),
  emails: subset(EMAILS).map((as) => as.map((address) => ({ address }))),
  whatsapp: fc.constantFrom(null, '073-111 22 33', '070-123 45 67'),
  telegramChatId: fc.constantFrom(null, '12345', '999'),
  tags: subset(TAGS),
  customFields: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 }),
  doNotContact: fc.record({ voice: fc.boolean(), sms: fc.boolean(), email: fc.boolean(), whatsapp: fc.boolean(), telegram: fc.boolean() }),
  groups: subset([0, 1, 2, 3]),
  address: addressArb,
});

/** Groups: 0 = Räddning, 1 = Räddning/Rökdykare, 2 = Räddning/Rökdykare/Ledning, 3 = Kommun. */
const ruleArb = (groupIds: number[]): fc.Arbitrary<SegmentRule> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('group' as const),
      groupIds: fc.subarray(groupIds, { minLength: 1 }),
      includeSubgroups: fc.boolean(),
      negate: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('tags' as const),
      tags: fc.subarray(TAGS, { minLength: 1 }),
      match: fc.constantFrom('any' as const, 'all' as const, 'none' as const),
    }),
    fc.record({
      kind: fc.constant('field' as const),
      key: fc.constantFrom(...KEYS),
      op: fc.constantFrom('eq' as const, 'ne' as const, 'contains' as const, 'empty' as const, 'not-empty' as const),
      value: fc.constantFrom(...RULE_VALUES),
    }),
    fc.record({
      kind: fc.constant('field' as const),
      key: fc.constantFrom(...KEYS),
      op: fc.constantFrom('lt' as const, 'gt' as const),
      value: fc.constantFrom(...NUMBERS),
    }),
    fc.record({ kind: fc.constant('language' as const), languages: fc.subarray(['sv' as const, 'en' as const], { minLength: 1 }) }),
    fc.record({ kind: fc.constant('reachable' as const), channel: fc.constantFrom(...channels), negate: fc.boolean() }),
    fc.record({ kind: fc.constant('doNotContact' as const), channel: fc.constantFrom('any' as const, ...channels), negate: fc.boolean() }),
    fc.record({
      kind: fc.constant('area' as const),
      negate: fc.boolean(),
      area: fc.oneof(
        fc.record({
          shape: fc.constant('municipality' as const),
          municipalities: fc.subarray(['göteborg', 'Mölndal ', 'Kungsbacka'], { minLength: 1 }),
        }),
        fc.record({ shape: fc.constant('postcode' as const), postcodes: fc.subarray(['41101', '41102', '43130'], { minLength: 1 }) }),
        fc.record({
          shape: fc.constant('radius' as const),
          centre: fc.tuple(fc.constantFrom(...LONS), fc.constantFrom(...LATS)),
          // The grid's neighbours north/south are 556.6 m apart: exactly on some circles, just off others.
          metres: fc.constantFrom(1, 556.6, 600, 1_000),
          label: fc.constant(null),
        }),
        fc.record({ shape: fc.constant('polygon' as const), ring: fc.constantFrom(RING_SQUARE, RING_TRIANGLE) }),
      ),
    }),
  );

/** The plain reading of the rules. */
function fits(
  c: Contact,
  def: SegmentDefinition,
  ctx: { subtree: (ids: number[]) => Set<number>; reachable: (c: Contact, ch: (typeof channels)[number]) => boolean },
): boolean {
  if (def.rules.length === 0) return false;
  const text = (v: string | number | boolean | null | undefined): string | null => (v === undefined || v === null ? null : String(v));
  const fold = (s: string) => s.toLocaleLowerCase('sv');
  const one = (rule: SegmentRule): boolean => {
    switch (rule.kind) {
      case 'group': {
        const groups = rule.includeSubgroups ? ctx.subtree(rule.groupIds) : new Set(rule.groupIds);
        return c.groupIds.some((g) => groups.has(g)) !== rule.negate;
      }
      case 'tags': {
        const has = rule.tags.filter((t) => c.tags.includes(t)).length;
        return rule.match === 'any' ? has > 0 : rule.match === 'none' ? has === 0 : has === new Set(rule.tags).size;
      }
      case 'field': {
        const v = text(c.customFields[rule.key]);
        switch (rule.op) {
          case 'empty':
            return !v;
          case 'not-empty':
            return !!v;
          case 'eq':
            return v !== null && fold(v) === fold(rule.value);
          case 'ne':
            return v === null || fold(v) !== fold(rule.value);
          case 'contains':
            return v !== null && fold(v).includes(fold(rule.value));
          case 'lt':
          case 'gt': {
            const n = v === null ? null : segmentNumber(v);
            const limit = segmentNumber(rule.value)!;
            return n !== null && (rule.op === 'lt' ? n < limit : n > limit);
          }
        }
        return false;
      }
      case 'language':
        return rule.languages.includes(c.language);
      case 'reachable':
        return ctx.reachable(c, rule.channel) !== rule.negate;
      case 'doNotContact': {
        const marked = rule.channel === 'any' ? channels.some((ch) => c.doNotContact[ch]) : c.doNotContact[rule.channel];
        return marked !== rule.negate;
      }
      case 'onDuty':
        // Not generated here: who is on duty depends on a schedule and the time (test/contacts/schedules.test.ts).
        throw new Error('on-duty rules are not generated by this property test');
      case 'area': {
        const a = c.address;
        const point: LonLat | null = a.lon === null || a.lat === null ? null : [a.lon, a.lat];
        const area = rule.area;
        let inside: boolean;
        if (area.shape === 'municipality')
          inside = area.municipalities.some((m) => a.municipality !== null && fold(m.trim()) === fold(a.municipality.trim()));
        else if (area.shape === 'postcode') inside = a.postcode !== null && area.postcodes.includes(a.postcode);
        else if (area.shape === 'radius') inside = point !== null && withinRadius(point, area.centre, area.metres);
        else inside = point !== null && inPolygon(point, area.ring);
        return inside !== rule.negate;
      }
    }
  };
  return def.match === 'all' ? def.rules.every(one) : def.rules.some(one);
}

describe('segment rules: SQL and plain evaluation agree', () => {
  it('on random contacts and random rules', () => {
    fc.assert(
      fc.property(
        fc.array(contactArb, { maxLength: 14 }),
        fc.subarray([...OPT_OUTS]),
        fc.integer({ min: 0, max: 1_000_000 }),
        (people, optOuts, seed) => {
          const t = testContext();
          close = () => t.store.close();
          const top = t.groups.create({ name: 'Räddning' });
          const mid = t.groups.create({ name: 'Rökdykare', parentId: top.id });
          const low = t.groups.create({ name: 'Ledning', parentId: mid.id });
          const other = t.groups.create({ name: 'Kommun' });
          const groupIds = [top.id, mid.id, low.id, other.id];
          const ids = people.map(
            ({ groups, address, ...fields }) =>
              t.contacts.create({
                ...fields,
                groupIds: groups.map((g) => groupIds[g]!),
                address: address && {
                  municipality: address.municipality,
                  postcode: address.postcode,
                  lon: address.point?.[0] ?? null,
                  lat: address.point?.[1] ?? null,
                },
              }).id,
          );
          for (const o of optOuts) t.contacts.addOptOut(o.channel, o.address, 'operator', null);
          const contacts = ids.map((id) => t.contacts.get(id));
          const parent = new Map([
            [mid.id, top.id],
            [low.id, mid.id],
          ]);
          const subtree = (ids: number[]) =>
            new Set(
              groupIds.filter((g) => {
                for (let x: number | undefined = g; x !== undefined; x = parent.get(x)) if (ids.includes(x)) return true;
                return false;
              }),
            );
          const lookup = optOutLookup(t.store.read);
          const reachable = (c: Contact, ch: (typeof channels)[number]) => reach(c, ch, lookup).addresses.some((a) => a.blocked === null);
          // Several definitions per address book: building one costs more than asking it.
          const defs = fc.sample(
            fc.record({ match: fc.constantFrom('all' as const, 'any' as const), rules: fc.array(ruleArb(groupIds), { maxLength: 5 }) }),
            { numRuns: 25, seed },
          );
          for (const def of defs) {
            const expected = contacts
              .filter((c) => fits(c, def, { subtree, reachable }))
              .map((c) => c.id)
              .sort((a, b) => a - b);
            expect(segmentMemberIds(t.store.read, def), JSON.stringify(def)).toEqual(expected);
          }
          t.store.close();
          close = undefined;
        },
      ),
      { numRuns: 40 },
    );
  });
});
