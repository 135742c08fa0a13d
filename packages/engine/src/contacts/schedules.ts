// On-call schedules (jourscheman): saving and deleting, each in one transaction with its
// audit entry; the final schedule of a range with its gaps; who is on duty now. The rules of
// turns, windows, overrides and Swedish time are in protocol (on-call.ts); the store keeps the
// schedules and names the people (store/schedules.ts). Who is on duty is an audience through
// the segment rule `onDuty`, worked out when the alert starts (store/segments.ts).
import { randomUUID } from 'node:crypto';
import {
  MAX_SCHEDULE_RANGE_DAYS,
  onCallScheduleInputSchema,
  scheduleGaps,
  type FinalShift,
  type OnCallSchedule,
  type OnCallScheduleInput,
  type ScheduleResolution,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { invalid, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { existingContactIds } from '../store/contacts';
import type { Reader } from '../store/db';
import {
  deleteSchedule,
  getSchedule,
  listSchedules,
  onDutyContactId,
  putSchedule,
  resolveSchedule,
  contactNames,
} from '../store/schedules';
import { listSegments } from '../store/segments';

const DAY = 86_400_000;

export class ScheduleService {
  constructor(private readonly ctx: EngineContext) {}

  list(): OnCallSchedule[] {
    return listSchedules(this.ctx.store.read);
  }

  get(id: string): OnCallSchedule {
    const s = getSchedule(this.ctx.store.read, id);
    if (!s) throw notFound('Schedule', id);
    return s;
  }

  save(input: OnCallScheduleInput): OnCallSchedule {
    const { id, name, description, layers, overrides } = onCallScheduleInputSchema.parse(input);
    const actor = this.ctx.operator();
    const now = new Date().toISOString();
    const saved = this.ctx.store.transaction((tx) => {
      checkPeople(tx, { layers, overrides });
      const before = id === undefined ? null : getSchedule(tx, id);
      if (id !== undefined && !before) throw notFound('Schedule', id);
      const nameKey = name.toLocaleLowerCase('sv');
      if (listSchedules(tx).some((s) => s.id !== id && s.name.toLocaleLowerCase('sv') === nameKey))
        throw invalid([{ path: 'name', message: `Det finns redan ett jourschema som heter ”${name}”` }]);
      const s: OnCallSchedule = {
        id: before?.id ?? randomUUID(),
        name,
        description,
        layers,
        overrides,
        createdAt: before?.createdAt ?? now,
        createdBy: before?.createdBy ?? actor,
        updatedAt: now,
        updatedBy: actor,
      };
      putSchedule(tx, s);
      recordAudit(tx, actor, {
        action: 'schedule.saved',
        subjectType: 'schedule',
        subjectId: s.id,
        summary: `${before ? 'Changed' : 'Saved'} on-call schedule "${s.name}" (${s.layers.length} layers, ${s.overrides.length} overrides)`,
        params: { name: s.name, layers: s.layers.length, overrides: s.overrides.length },
      });
      return s;
    });
    this.ctx.events.emit('schedules.changed', { ids: [saved.id] });
    return saved;
  }

  /** Refused while a saved segment names the schedule: its alerts would quietly reach nobody. */
  delete(id: string): void {
    const actor = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      const s = getSchedule(tx, id);
      if (!s) throw notFound('Schedule', id);
      const users = listSegments(tx).filter((seg) => seg.rules.some((r) => r.kind === 'onDuty' && r.scheduleId === id));
      if (users.length)
        throw invalid([
          { path: 'id', message: `Jourschemat används av urvalet ${users.map((u) => `”${u.name}”`).join(', ')}: ta bort regeln där först` },
        ]);
      deleteSchedule(tx, id);
      recordAudit(tx, actor, {
        action: 'schedule.deleted',
        subjectType: 'schedule',
        subjectId: id,
        summary: `Deleted on-call schedule "${s.name}"`,
        params: { name: s.name },
      });
    });
    this.ctx.events.emit('schedules.changed', { ids: [id] });
  }

  /** The final schedule over a range (default: the coming 14 days) of a saved schedule or of one being edited. */
  resolve(p: { id?: string; schedule?: OnCallScheduleInput; from?: string; to?: string }): ScheduleResolution {
    const from = p.from ? Date.parse(p.from) : Date.now();
    const to = p.to ? Date.parse(p.to) : from + 14 * DAY;
    if (to <= from) throw invalid([{ path: 'to', message: 'Slutet måste vara efter början' }]);
    if (to - from > MAX_SCHEDULE_RANGE_DAYS * DAY)
      throw invalid([{ path: 'to', message: `Visa högst ${MAX_SCHEDULE_RANGE_DAYS} dagar åt gången` }]);
    const r = this.ctx.store.read;
    let body: Pick<OnCallSchedule, 'layers' | 'overrides'>;
    if (p.id !== undefined) body = this.get(p.id);
    else if (p.schedule !== undefined) body = onCallScheduleInputSchema.parse(p.schedule);
    else throw invalid([{ path: 'id', message: 'Ange ett jourschema' }]);
    const { shifts, names } = resolveSchedule(r, body, from, to);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      shifts: shifts.map((x) => report(x, names)),
      gaps: scheduleGaps(shifts).map((g) => ({ from: new Date(g.from).toISOString(), to: new Date(g.to).toISOString() })),
    };
  }

  /** Who each schedule has on duty at a moment (default: now). */
  onDuty(at?: string): { at: string; onDuty: { scheduleId: string; name: string; person: { id: number; displayName: string } | null }[] } {
    const when = at ? Date.parse(at) : Date.now();
    const r = this.ctx.store.read;
    return {
      at: new Date(when).toISOString(),
      onDuty: listSchedules(r).map((s) => {
        const id = onDutyContactId(r, s.id, when);
        const name = id === null ? undefined : contactNames(r, [id]).get(id);
        return { scheduleId: s.id, name: s.name, person: id === null || name === undefined ? null : { id, displayName: name } };
      }),
    };
  }
}

function report(x: FinalShift, names: Map<number, string>): ScheduleResolution['shifts'][number] {
  const name = x.contactId === null ? undefined : names.get(x.contactId);
  return {
    from: new Date(x.from).toISOString(),
    to: new Date(x.to).toISOString(),
    person: x.contactId === null || name === undefined ? null : { id: x.contactId, displayName: name },
    source: x.source ?? { kind: 'none' },
  };
}

/** Everyone a schedule names must exist here (a deleted person would quietly leave nobody on duty). */
function checkPeople(r: Reader, s: Pick<OnCallSchedule, 'layers' | 'overrides'>): void {
  const all = [...s.layers.flatMap((l) => l.people), ...s.overrides.flatMap((o) => (o.contactId === null ? [] : [o.contactId]))];
  const known = existingContactIds(r, all);
  s.layers.forEach((l, i) =>
    l.people.forEach((p, j) => {
      if (!known.has(p)) throw invalid([{ path: `layers.${i}.people.${j}`, message: `Kontakt ${p} finns inte` }]);
    }),
  );
  s.overrides.forEach((o, i) => {
    if (o.contactId !== null && !known.has(o.contactId))
      throw invalid([{ path: `overrides.${i}.contactId`, message: `Kontakt ${o.contactId} finns inte` }]);
  });
}
