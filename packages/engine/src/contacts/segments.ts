// Saved segments (sparade urval): named rules over the address book whose members are worked
// out whenever the segment is used. Saving and deleting, each in one transaction with its
// audit entry; previewing who fits rules right now. The rules become one SQL query in
// store/segments.ts; an alert's audience resolves its segments through the same query when
// it starts (campaigns/audience.ts).
import { randomUUID } from 'node:crypto';
import {
  segmentDefinitionSchema,
  segmentInputSchema,
  type Segment,
  type SegmentDefinition,
  type SegmentInput,
  type SegmentPreview,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { invalid, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import type { Reader } from '../store/db';
import { contactPointCount, contactPoints } from '../store/areas';
import { groupValues } from '../store/groups';
import { getSchedule } from '../store/schedules';
import { deleteSegment, getSegment, listSegments, putSegment, segmentPreview } from '../store/segments';

export class SegmentService {
  constructor(private readonly ctx: EngineContext) {}

  list(): Segment[] {
    return listSegments(this.ctx.store.read);
  }

  preview(def: SegmentDefinition, limit: number): SegmentPreview {
    return segmentPreview(this.ctx.store.read, segmentDefinitionSchema.parse(def), limit);
  }

  /** The contacts' points for the area map, and how many have one. */
  points(limit: number): { points: [number, number, number][]; total: number } {
    const r = this.ctx.store.read;
    return { points: contactPoints(r, limit), total: contactPointCount(r) };
  }

  save(input: SegmentInput): Segment {
    const { id, name, description, match, rules } = segmentInputSchema.parse(input);
    const actor = this.ctx.operator();
    const now = new Date().toISOString();
    const saved = this.ctx.store.transaction((tx) => {
      checkGroups(tx, rules);
      const before = id === undefined ? null : getSegment(tx, id);
      if (id !== undefined && !before) throw notFound('Segment', id);
      const nameKey = name.toLocaleLowerCase('sv');
      if (listSegments(tx).some((s) => s.id !== id && s.name.toLocaleLowerCase('sv') === nameKey))
        throw invalid([{ path: 'name', message: `A segment named "${name}" already exists` }]);
      const s: Segment = {
        id: before?.id ?? randomUUID(),
        name,
        description: description ?? null,
        match,
        rules,
        createdAt: before?.createdAt ?? now,
        createdBy: before?.createdBy ?? actor,
        updatedAt: now,
        updatedBy: actor,
      };
      putSegment(tx, s);
      recordAudit(tx, actor, {
        action: 'segment.saved',
        subjectType: 'segment',
        subjectId: s.id,
        summary: `${before ? 'Changed' : 'Saved'} segment "${s.name}" (${s.rules.length} rules)`,
        params: { name: s.name, rules: s.rules.length },
      });
      return s;
    });
    this.ctx.events.emit('segments.changed', { ids: [saved.id] });
    return saved;
  }

  delete(id: string): void {
    const actor = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      const s = getSegment(tx, id);
      if (!s) throw notFound('Segment', id);
      deleteSegment(tx, id);
      recordAudit(tx, actor, {
        action: 'segment.deleted',
        subjectType: 'segment',
        subjectId: id,
        summary: `Deleted segment "${s.name}"`,
        params: { name: s.name },
      });
    });
    this.ctx.events.emit('segments.changed', { ids: [id] });
  }
}

/** Every group and on-call schedule a rule names must exist here (a rule naming nothing would quietly select nobody). */
function checkGroups(r: Reader, rules: SegmentDefinition['rules']): void {
  rules.forEach((rule, i) => {
    if (rule.kind === 'onDuty' && !getSchedule(r, rule.scheduleId))
      throw invalid([{ path: `rules.${i}.scheduleId`, message: `Jourschemat ${rule.scheduleId} finns inte` }]);
    if (rule.kind !== 'group') return;
    for (const g of rule.groupIds)
      if (!groupValues(r, g)) throw invalid([{ path: `rules.${i}.groupIds`, message: `Group ${g} does not exist` }]);
  });
}
