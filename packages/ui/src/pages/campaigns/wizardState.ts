// The campaign wizard's state and rules, apart from the screens: what each step needs
// before the operator may go on, ready-made channel plans, and the translation into the
// contract's campaign fields. Also the rule for how a live start must be confirmed.
import { BURN_EXPIRY_HOURS } from '@gdial/protocol';
import type {
  AudienceInput,
  CapDetails,
  CampaignFields,
  CampaignPriority,
  Campaign,
  Channel,
  EscalationStep,
  StepCondition,
  NumberSelection,
  Template,
} from '@gdial/protocol';

export interface StepForm {
  channel: Channel;
  /** Minutes; the UI speaks minutes, the contract seconds. */
  waitMinutes: number;
  condition: StepCondition;
  numbers: NumberSelection;
}

/** An escalation wave: if fewer than `fewerThan` (people or %) have confirmed after `afterMinutes`, alert `groupIds`. */
export interface WaveForm {
  afterMinutes: number;
  fewerThan: number;
  unit: 'people' | 'percent';
  groupIds: number[];
}

export const newWave = (after = 10): WaveForm => ({ afterMinutes: after, fewerThan: 50, unit: 'percent', groupIds: [] });

export type ScheduleForm = { kind: 'now' } | { kind: 'at'; local: string } | { kind: 'cron'; cron: string };

export interface WizardState {
  name: string;
  groupIds: number[];
  includeSubgroups: boolean;
  tags: string[];
  excludeGroupIds: number[];
  /** Saved segments whose members (when the alert starts) get the alert. */
  segmentIds: string[];
  excludeSegmentIds: string[];
  /** Hand-picked contacts. */
  contactIds: number[];
  /** The parts of a saved audience the wizard does not edit (custom-field filters…), kept as they were. */
  audienceRest: Pick<AudienceInput, 'filters' | 'requireTags' | 'excludeContactIds' | 'excludeTags'>;
  steps: StepForm[];
  /** Escalation waves, decided in this order. */
  waves: WaveForm[];
  confirm: boolean;
  dtmfDigits: string;
  keywords: string;
  priority: CampaignPriority;
  /** Skarpt VMA-underlag: always needs a second operator's approval. */
  vma: boolean;
  templateId: number | null;
  schedule: ScheduleForm;
  /** CAP facts of an alert imported from CAP (kept for its CAP export); null otherwise. */
  cap: CapDetails | null;
  /** Engångsmeddelande: the text goes out as a link that shows it once, for `burnHours` at most. */
  burn: boolean;
  burnHours: number;
}

export const WIZARD_STEPS = ['audience', 'plan', 'message', 'schedule', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const presets: Record<'voice-then-sms' | 'sms-then-voice' | 'voice-sms-together' | 'sms-only', StepForm[]> = {
  'voice-then-sms': [
    { channel: 'voice', waitMinutes: 0, condition: 'always', numbers: 'first' },
    { channel: 'sms', waitMinutes: 5, condition: 'not-confirmed', numbers: 'first' },
  ],
  'sms-then-voice': [
    { channel: 'sms', waitMinutes: 0, condition: 'always', numbers: 'first' },
    { channel: 'voice', waitMinutes: 10, condition: 'not-confirmed', numbers: 'first' },
  ],
  'voice-sms-together': [
    { channel: 'voice', waitMinutes: 0, condition: 'always', numbers: 'first' },
    { channel: 'sms', waitMinutes: 0, condition: 'always', numbers: 'first' },
  ],
  'sms-only': [{ channel: 'sms', waitMinutes: 0, condition: 'always', numbers: 'first' }],
};

export const initialWizard = (): WizardState => ({
  name: '',
  groupIds: [],
  includeSubgroups: true,
  tags: [],
  excludeGroupIds: [],
  segmentIds: [],
  excludeSegmentIds: [],
  contactIds: [],
  audienceRest: {},
  steps: presets['voice-then-sms'].map((s) => ({ ...s })),
  waves: [],
  confirm: true,
  dtmfDigits: '1',
  keywords: '1, JA, OK',
  priority: 'alert',
  vma: false,
  templateId: null,
  schedule: { kind: 'now' },
  cap: null,
  burn: false,
  burnHours: BURN_EXPIRY_HOURS.default,
});

const splitList = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Problems that keep the operator on a step, as keys for the wizard's dictionary. */
export type WizardProblem =
  | 'no-audience'
  | 'no-steps'
  | 'bad-digits'
  | 'no-keywords'
  | 'no-template'
  | 'no-name'
  | 'template-lacks-channel'
  | 'no-time'
  | 'time-past'
  | 'no-cron'
  | 'wave-no-group'
  | 'wave-bad-threshold'
  | 'wave-order'
  | 'wave-needs-confirm';

export function problemsFor(step: WizardStep, s: WizardState, template: Template | null, now = Date.now()): WizardProblem[] {
  const out: WizardProblem[] = [];
  switch (step) {
    case 'audience':
      if (s.groupIds.length === 0 && s.tags.length === 0 && s.segmentIds.length === 0 && s.contactIds.length === 0) out.push('no-audience');
      break;
    case 'plan':
      if (s.steps.length === 0) out.push('no-steps');
      if (s.confirm && (splitList(s.dtmfDigits).length === 0 || splitList(s.dtmfDigits).some((d) => !/^[0-9*#]$/.test(d))))
        out.push('bad-digits');
      if (s.confirm && splitList(s.keywords).length === 0) out.push('no-keywords');
      if (s.waves.some((w) => w.groupIds.length === 0)) out.push('wave-no-group');
      if (s.waves.some((w) => !Number.isInteger(w.fewerThan) || w.fewerThan < 1 || (w.unit === 'percent' && w.fewerThan > 100)))
        out.push('wave-bad-threshold');
      if (s.waves.some((w, i) => w.afterMinutes < 1 || (i > 0 && w.afterMinutes < s.waves[i - 1]!.afterMinutes))) out.push('wave-order');
      if (s.waves.length > 0 && !s.confirm) out.push('wave-needs-confirm');
      break;
    case 'message':
      if (!s.name.trim()) out.push('no-name');
      if (s.templateId === null) out.push('no-template');
      else if (template && s.steps.some((st) => !template.channels.includes(st.channel))) out.push('template-lacks-channel');
      break;
    case 'schedule':
      if (s.schedule.kind === 'at') {
        const at = Date.parse(s.schedule.local);
        if (!s.schedule.local || Number.isNaN(at)) out.push('no-time');
        else if (at <= now) out.push('time-past');
      }
      if (s.schedule.kind === 'cron' && s.schedule.cron.trim().split(/\s+/).length !== 5) out.push('no-cron');
      break;
    case 'review':
      break;
    default: {
      const never: never = step;
      return never;
    }
  }
  return out;
}

/** Channels of the plan that the chosen template has no text for. */
export function channelsMissingFromTemplate(s: WizardState, template: Template | null): Channel[] {
  if (!template) return [];
  return [...new Set(s.steps.map((st) => st.channel))].filter((c) => !template.channels.includes(c));
}

export function toFields(s: WizardState, opts: { testGroupId?: number | null; namePrefix?: string } = {}): CampaignFields {
  const steps: EscalationStep[] = s.steps.map((st, i) => ({
    channel: st.channel,
    waitSeconds: i === 0 ? 0 : Math.max(0, Math.round(st.waitMinutes * 60)),
    condition: i === 0 ? 'always' : st.condition,
    numbers: st.numbers,
    fallThroughWhenUnavailable: true,
  }));
  const schedule =
    s.schedule.kind === 'at'
      ? { kind: 'at' as const, at: new Date(s.schedule.local).toISOString() }
      : s.schedule.kind === 'cron'
        ? { kind: 'cron' as const, cron: s.schedule.cron.trim() }
        : { kind: 'now' as const };
  return {
    name: `${opts.namePrefix ?? ''}${s.name.trim()}`,
    templateId: s.templateId ?? 0,
    audience: {
      ...s.audienceRest,
      groupIds: s.groupIds,
      includeSubgroups: s.includeSubgroups,
      tags: s.tags,
      excludeGroupIds: s.excludeGroupIds,
      segmentIds: s.segmentIds,
      excludeSegmentIds: s.excludeSegmentIds,
      contactIds: s.contactIds,
    },
    steps,
    waves: s.waves.map((w) => ({
      afterMinutes: Math.round(w.afterMinutes),
      fewerThan: w.fewerThan,
      unit: w.unit,
      audience: { groupIds: w.groupIds, contactIds: [] },
    })),
    confirmation: s.confirm ? { enabled: true, dtmfDigits: splitList(s.dtmfDigits), keywords: splitList(s.keywords) } : { enabled: false },
    priority: s.priority,
    vma: s.vma,
    testGroupId: opts.testGroupId ?? null,
    schedule,
    cap: s.cap,
    burn: s.burn ? { expiresAfterHours: Math.round(s.burnHours) } : null,
  };
}

/** A local "YYYY-MM-DDTHH:mm" for a datetime-local input, from an ISO time. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The wizard state of a saved draft, to go on editing it. */
export function fromCampaign(c: Campaign): WizardState {
  const f = c.settings;
  const conf = f.confirmation ?? {};
  const sched = f.schedule ?? { kind: 'now' };
  return {
    name: f.name,
    groupIds: f.audience?.groupIds ?? [],
    includeSubgroups: f.audience?.includeSubgroups ?? true,
    tags: f.audience?.tags ?? [],
    excludeGroupIds: f.audience?.excludeGroupIds ?? [],
    segmentIds: f.audience?.segmentIds ?? [],
    excludeSegmentIds: f.audience?.excludeSegmentIds ?? [],
    contactIds: f.audience?.contactIds ?? [],
    audienceRest: {
      filters: f.audience?.filters ?? [],
      requireTags: f.audience?.requireTags ?? [],
      excludeContactIds: f.audience?.excludeContactIds ?? [],
      excludeTags: f.audience?.excludeTags ?? [],
    },
    steps: f.steps.map((st) => ({
      channel: st.channel,
      waitMinutes: Math.round((st.waitSeconds ?? 0) / 60),
      condition: st.condition ?? 'not-confirmed',
      numbers: st.numbers ?? 'first',
    })),
    waves: (f.waves ?? []).map((w) => ({
      afterMinutes: w.afterMinutes,
      fewerThan: w.fewerThan,
      unit: w.unit ?? 'people',
      groupIds: w.audience.groupIds ?? [],
    })),
    confirm: conf.enabled ?? true,
    dtmfDigits: (conf.dtmfDigits ?? ['1']).join(', '),
    keywords: (conf.keywords ?? ['1', 'JA', 'OK']).join(', '),
    priority: f.priority ?? 'alert',
    vma: f.vma ?? false,
    templateId: f.templateId,
    schedule:
      sched.kind === 'at'
        ? { kind: 'at', local: toLocalInput(sched.at) }
        : sched.kind === 'cron'
          ? { kind: 'cron', cron: sched.cron }
          : { kind: 'now' },
    cap: f.cap ?? null,
    burn: f.burn != null,
    burnHours: f.burn?.expiresAfterHours ?? BURN_EXPIRY_HOURS.default,
  };
}

/** Above this many recipients a live start needs the number typed, not just a click. */
export const TYPED_CONFIRMATION_THRESHOLD = 10;

export function needsTypedConfirmation(recipients: number, testMode: boolean): boolean {
  return !testMode && recipients > TYPED_CONFIRMATION_THRESHOLD;
}

/** True when what was typed is the number of recipients (spaces and separators ignored). */
export function typedCountMatches(typed: string, recipients: number): boolean {
  const digits = typed.replace(/[\s\u00a0.,]/g, '');
  return /^\d+$/.test(digits) && Number(digits) === recipients;
}
