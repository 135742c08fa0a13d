// The harness's random workload, generated with fast-check: steps that are a single command
// on one desktop, a race (conflicting commands on several desktops at the same moment: the
// same field edited, an edit against a delete, an erasure against an edit, a membership or a
// tag added and removed, a template approved while its text is edited), a pause, or a fault
// (a partition of one desktop or of half of them, a SIGKILL of an engine or of the relay, a
// restore of the relay's database from a backup). Entities are named by their position in
// what the run has created so far, so a generated workload means something whatever uids
// the desktops gave; the executor turns positions into uids.
import fc from 'fast-check';
import type { Command } from './commands';
import type { PartitionKind } from './proxy';
import type { World } from './world';
import { sleep } from './world';

const fields = ['role', 'organisation', 'notes'] as const;
const tags = ['stab', 'ledning', 'sjukvård'];

export type Single =
  | { op: 'createContact' }
  | { op: 'editContact'; c: number; field: (typeof fields)[number]; value: string }
  | { op: 'deleteContact'; c: number }
  | { op: 'createGroup' }
  | { op: 'renameGroup'; g: number }
  | { op: 'member'; g: number; c: number; present: boolean }
  | { op: 'tag'; c: number; tag: string; present: boolean }
  | { op: 'createTemplate' }
  | { op: 'editTemplate'; t: number }
  | { op: 'approveTemplate'; t: number }
  | { op: 'optOut'; n: number; present: boolean }
  | { op: 'import'; rows: number };

export type Race = 'sameField' | 'editDelete' | 'eraseEdit' | 'membership' | 'tag' | 'templateApproval' | 'rename' | 'optOut';

export type Fault =
  | { f: 'partition'; engines: number[]; kind: PartitionKind }
  | { f: 'heal' }
  | { f: 'killDesktop'; engine: number; downMs: number }
  | { f: 'killRelay'; downMs: number }
  | { f: 'restore' };

export type Step =
  | { kind: 'single'; engine: number; cmd: Single }
  | { kind: 'race'; race: Race; engines: number[]; target: number; other: number; values: string[] }
  | { kind: 'fault'; fault: Fault }
  | { kind: 'wait'; ms: number };

export interface WorkloadOptions {
  engines: number;
  steps: number;
  /** Rows of the largest import. */
  importRows: number;
  faults: boolean;
  /** Include restores of the relay's database from a backup (taken at the start of the run). */
  restore: boolean;
}

const value = fc.stringMatching(/^[a-zåäö]{1,6}$/);

export function workloadArbitrary(o: WorkloadOptions): fc.Arbitrary<Step[]> {
  const engine = fc.nat({ max: o.engines - 1 });
  const ix = fc.nat({ max: 1000 });
  const single: fc.Arbitrary<Single> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ op: 'createContact' as const }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('editContact' as const), c: ix, field: fc.constantFrom(...fields), value }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteContact' as const), c: ix }) },
    { weight: 1, arbitrary: fc.constant({ op: 'createGroup' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('renameGroup' as const), g: ix }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('member' as const), g: ix, c: ix, present: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('tag' as const), c: ix, tag: fc.constantFrom(...tags), present: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ op: 'createTemplate' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('editTemplate' as const), t: ix }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('approveTemplate' as const), t: ix }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('optOut' as const), n: fc.nat({ max: 4 }), present: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('import' as const), rows: fc.integer({ min: 1, max: o.importRows }) }) },
  );
  const race: fc.Arbitrary<Step> = fc.record({
    kind: fc.constant('race' as const),
    race: fc.constantFrom<Race>('sameField', 'editDelete', 'eraseEdit', 'membership', 'tag', 'templateApproval', 'rename', 'optOut'),
    engines: fc.shuffledSubarray(
      Array.from({ length: o.engines }, (_, i) => i),
      { minLength: 2, maxLength: Math.min(3, o.engines) },
    ),
    target: ix,
    other: ix,
    values: fc.array(value, { minLength: 3, maxLength: 3 }),
  });
  const half = Math.ceil(o.engines / 2);
  const faults: fc.Arbitrary<Fault> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        f: fc.constant('partition' as const),
        engines: fc.oneof(
          engine.map((e) => [e]),
          fc.shuffledSubarray(
            Array.from({ length: o.engines }, (_, i) => i),
            { minLength: half, maxLength: half },
          ),
        ),
        kind: fc.constantFrom<PartitionKind>('reset', 'blackhole'),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ f: 'heal' as const }) },
    { weight: 2, arbitrary: fc.record({ f: fc.constant('killDesktop' as const), engine, downMs: fc.integer({ min: 0, max: 1500 }) }) },
    { weight: 1, arbitrary: fc.record({ f: fc.constant('killRelay' as const), downMs: fc.integer({ min: 0, max: 1000 }) }) },
    ...(o.restore ? [{ weight: 1, arbitrary: fc.constant({ f: 'restore' as const }) }] : []),
  );
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('single' as const), engine, cmd: single }) },
    { weight: 4, arbitrary: race },
    { weight: o.faults ? 2 : 0, arbitrary: fc.record({ kind: fc.constant('fault' as const), fault: faults }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 10, max: 400 }) }) },
  );
  return fc.array(step, { minLength: o.steps, maxLength: o.steps });
}

/** What a run created, in order: the workload's positions name these. Kept across runs on one world. */
export class Registry {
  contacts: string[] = [];
  groups: string[] = [];
  templates: string[] = [];
  /** Each created person's name and number, which must be stored nowhere once the person is erased. */
  readonly traces = new Map<string, string[]>();
  private n = 0;

  constructor(private readonly tag: string) {}

  /** A fresh unique name; a number unique to it. */
  fresh(): { name: string; phone: string } {
    const n = ++this.n;
    return { name: `Hx${this.tag}${n}y`, phone: `0701${String(n).padStart(6, '0')}` };
  }
}

export interface RunStats {
  commands: number;
  refused: number;
  /** Why commands were refused (a desktop that does not hold the entity yet, one that is down), by count. */
  reasons: Record<string, number>;
  faults: string[];
}

/** Runs the steps against the world, the commands of a race at once on their desktops. */
export async function execute(world: World, reg: Registry, steps: readonly Step[]): Promise<RunStats> {
  const stats: RunStats = { commands: 0, refused: 0, reasons: {}, faults: [] };
  const pick = (list: string[], i: number): string | undefined => (list.length === 0 ? undefined : list[i % list.length]);
  const go = async (engine: number, c: Command | null): Promise<void> => {
    if (!c) return;
    stats.commands++;
    const r = await world.command(engine, c);
    if (!r.ok) {
      stats.refused++;
      const reason = (r.error ?? '').replace(/[0-9a-f-]{36}/g, '<uid>').slice(0, 80);
      stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1;
    }
    if (r.ok && r.uid) {
      if (c.op === 'createContact') {
        reg.contacts.push(r.uid);
        reg.traces.set(r.uid, [c.name, `+46${c.phone.slice(1)}`]);
      }
      if (c.op === 'createGroup') reg.groups.push(r.uid);
      if (c.op === 'createTemplate') reg.templates.push(r.uid);
    }
  };
  const createContact = (): Command => {
    const f = reg.fresh();
    return { op: 'createContact', name: f.name, phone: f.phone };
  };
  const concrete = (s: Single): Command | null => {
    const contact = (i: number) => pick(reg.contacts, i);
    switch (s.op) {
      case 'createContact':
        return createContact();
      case 'editContact': {
        const c = contact(s.c);
        return c ? { op: 'editContact', contact: c, field: s.field, value: s.value } : createContact();
      }
      case 'deleteContact': {
        const c = contact(s.c);
        return c ? { op: 'deleteContact', contact: c } : null;
      }
      case 'createGroup':
        return { op: 'createGroup', name: `Grupp ${reg.fresh().name}` };
      case 'renameGroup': {
        const g = pick(reg.groups, s.g);
        return g ? { op: 'renameGroup', group: g, name: `Grupp ${reg.fresh().name}` } : null;
      }
      case 'member': {
        const g = pick(reg.groups, s.g);
        const c = contact(s.c);
        return g && c
          ? { op: 'member', group: g, contact: c, present: s.present }
          : { op: 'createGroup', name: `Grupp ${reg.fresh().name}` };
      }
      case 'tag': {
        const c = contact(s.c);
        return c ? { op: 'tag', contact: c, tag: s.tag, present: s.present } : createContact();
      }
      case 'createTemplate':
        return { op: 'createTemplate', name: `Mall ${reg.fresh().name}`, text: 'Larm. Svara 1.' };
      case 'editTemplate': {
        const t = pick(reg.templates, s.t);
        return t ? { op: 'editTemplate', template: t, text: `Ny text ${reg.fresh().name}. Svara 1.` } : null;
      }
      case 'approveTemplate': {
        const t = pick(reg.templates, s.t);
        return t ? { op: 'approveTemplate', template: t } : { op: 'createTemplate', name: `Mall ${reg.fresh().name}`, text: 'Larm.' };
      }
      case 'optOut':
        return { op: 'optOut', address: `+4670900000${s.n}`, present: s.present };
      case 'import':
        return {
          op: 'import',
          rows: Array.from({ length: s.rows }, () => {
            const f = reg.fresh();
            return { first: f.name, last: 'Import', phone: f.phone, tag: 'import' };
          }),
        };
      default: {
        const never: never = s;
        throw new Error(`unknown step ${JSON.stringify(never)}`);
      }
    }
  };
  const raceCommands = (r: Extract<Step, { kind: 'race' }>): Array<Command | null> => {
    const c = pick(reg.contacts, r.target);
    const g = pick(reg.groups, r.other);
    const t = pick(reg.templates, r.target);
    const [v0 = 'a', v1 = 'b', v2 = 'c'] = r.values;
    switch (r.race) {
      case 'sameField':
        return c
          ? r.engines.map((_, i) => ({ op: 'editContact', contact: c, field: 'role', value: `${r.values[i] ?? 'x'}${i}` }))
          : [createContact()];
      case 'editDelete':
        return c
          ? [
              { op: 'editContact', contact: c, field: 'notes', value: v0 },
              { op: 'deleteContact', contact: c },
              { op: 'editContact', contact: c, field: 'role', value: v2 },
            ]
          : [createContact()];
      case 'eraseEdit':
        return c
          ? [
              { op: 'eraseContact', contact: c },
              { op: 'editContact', contact: c, field: 'organisation', value: v1 },
              { op: 'tag', contact: c, tag: 'stab', present: true },
            ]
          : [createContact()];
      case 'membership':
        return c && g
          ? [
              { op: 'member', group: g, contact: c, present: true },
              { op: 'member', group: g, contact: c, present: false },
              { op: 'member', group: g, contact: c, present: true },
            ]
          : [{ op: 'createGroup', name: `Grupp ${reg.fresh().name}` }];
      case 'tag':
        return c
          ? [
              { op: 'tag', contact: c, tag: 'ledning', present: true },
              { op: 'tag', contact: c, tag: 'ledning', present: false },
              { op: 'tag', contact: c, tag: 'stab', present: true },
            ]
          : [createContact()];
      case 'templateApproval':
        return t
          ? [
              { op: 'approveTemplate', template: t },
              { op: 'editTemplate', template: t, text: `Ändrad ${v0}. Svara 1.` },
              { op: 'approveTemplate', template: t },
            ]
          : [{ op: 'createTemplate', name: `Mall ${reg.fresh().name}`, text: 'Larm. Svara 1.' }];
      case 'rename':
        return g ? r.engines.map(() => ({ op: 'renameGroup', group: g, name: `Grupp ${reg.fresh().name}` })) : [];
      case 'optOut':
        return [
          { op: 'optOut', address: '+46709000009', present: true },
          { op: 'optOut', address: '+46709000009', present: false },
        ];
      default: {
        const never: never = r.race;
        throw new Error(`unknown race ${String(never)}`);
      }
    }
  };
  const fault = async (f: Fault): Promise<void> => {
    stats.faults.push(f.f);
    switch (f.f) {
      case 'partition':
        world.partition(f.engines, f.kind);
        return;
      case 'heal':
        world.heal();
        return;
      case 'killDesktop':
        return world.killDesktop(f.engine, f.downMs);
      case 'killRelay':
        return world.killRelay(f.downMs);
      case 'restore':
        return world.restore();
    }
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'single':
        await go(step.engine, concrete(step.cmd));
        break;
      case 'race': {
        const cmds = raceCommands(step);
        for (const c of cmds) {
          const target =
            c && 'contact' in c ? (['contact', c.contact] as const) : c && 'template' in c ? (['template', c.template] as const) : null;
          if (target) await world.held(step.engines, target[0], target[1]);
          if (c && 'group' in c) await world.held(step.engines, 'group', c.group);
        }
        await Promise.all(step.engines.map((e, i) => go(e, cmds[i] ?? null)));
        break;
      }
      case 'fault':
        await fault(step.fault);
        break;
      case 'wait':
        await sleep(step.ms);
        break;
    }
  }
  return stats;
}
