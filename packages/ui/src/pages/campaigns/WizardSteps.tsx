// The first four screens of the campaign wizard: who (audience), how (channel plan with
// waits and confirmation), what (name and template) and when (schedule).
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { BURN_EXPIRY_HOURS, channels, type Channel, type Group as ContactGroup, type Template } from '@gdial/protocol';
import { useWords } from '../../components/labels';
import { useT } from '../../i18n';
import { groupOptions } from '../../components/groupTree';
import { useEvent, useQuery } from '../../rpc/react';
import { ContactPicker } from './ContactPicker';
import { channelsMissingFromTemplate, presets, type StepForm, type WizardState } from './wizardState';

const dict = {
  sv: {
    groups: 'Grupper som ska larmas',
    groupsHelp: 'Alla medlemmar i grupperna får larmet.',
    subgroups: 'Ta med undergrupper',
    tags: 'Kontakter med taggen',
    tagsHelp: 'Valfritt: lägg till alla som har någon av taggarna.',
    exclude: 'Undanta grupper',
    excludeHelp: 'Ingen i dessa grupper får larmet.',
    segments: 'Sparade urval',
    segmentsHelp: 'Alla som uppfyller urvalets regler när larmet startar får larmet. Urval görs på sidan Urval.',
    excludeSegments: 'Undanta sparade urval',
    excludeSegmentsHelp: 'Ingen som uppfyller dessa urvals regler får larmet.',
    estimate: 'Ungefär {n} kontakter i valda grupper. Exakt antal, och vilka som inte kan nås, visas i sista steget.',
    members: '{n} {n|medlem|medlemmar}',
    preset: 'Färdiga upplägg',
    p_voice_then_sms: 'Ring, sedan SMS till den som inte bekräftat',
    p_sms_then_voice: 'SMS, sedan samtal till den som inte bekräftat',
    p_voice_sms_together: 'Ring och skicka SMS samtidigt',
    p_sms_only: 'Bara SMS',
    step: 'Steg {n}',
    channel: 'Kanal',
    wait: 'Vänta (minuter) efter förra steget',
    condition: 'Skicka',
    numbers: 'Nummer',
    c_not_confirmed: 'om personen inte har bekräftat',
    c_not_delivered: 'om förra meddelandet inte kom fram',
    c_always: 'alltid',
    n_first: 'Första numret',
    n_next: 'Nästa nummer som inte prövats',
    n_all_mobiles: 'Alla mobilnummer',
    n_all: 'Alla nummer',
    first: 'Börjar direkt när larmet startar.',
    up: 'Flytta steg {n} upp',
    down: 'Flytta steg {n} ned',
    remove: 'Ta bort steg {n}',
    addStep: 'Lägg till steg',
    confirm: 'Be mottagarna bekräfta',
    confirmHelp: 'Den som bekräftar får inga fler steg.',
    digits: 'Knapp i samtalet',
    digitsHelp: 'T.ex. 1',
    keywords: 'Svar som bekräftar (SMS m.m.)',
    keywordsHelp: 'Skilj med komma, t.ex. 1, JA, OK',
    priority: 'Typ av utskick',
    alert: 'Larm (går före allt annat)',
    outreach: 'Vanligt utskick',
    vma: 'Skarpt VMA-underlag',
    vmaHelp:
      'Larmet är underlag för ett skarpt viktigt meddelande till allmänheten. Det måste alltid godkännas av en annan larmoperatör innan det startar.',
    name: 'Larmets namn',
    nameHelp: 'Syns i översikten och i rapporten, t.ex. "Brand Ystad 14 juni".',
    template: 'Meddelande (mall)',
    templateHelp: 'Mallen innehåller texten för varje kanal och röstmeddelandet.',
    approved: 'godkänd',
    draft: 'utkast',
    newTemplate: 'Skapa en ny mall',
    burn: 'Engångsmeddelande',
    burnHelp:
      'Mottagarna får en länk i stället för texten. Texten krypteras på den här datorn och kan läsas en gång; sedan raderas den. Använd för portkoder, adresser till skyddade personer och samlingsplatser som inte får spridas. Gäller SMS, WhatsApp, Telegram och e-post (samtal läser upp meddelandet som vanligt).',
    burnHours: 'Raderas senast efter (timmar)',
    burnHoursHelp: 'Oläst text raderas när tiden har gått ut, 1–720 timmar.',
    lacks: 'Mallen saknar text för: {c}. Lägg till den i mallen eller ändra kanalplanen.',
    templateChannels: 'Mallen har: {c}',
    when: 'När',
    now: 'Nu',
    at: 'Vid en viss tid',
    cron: 'Återkommande',
    atLabel: 'Datum och tid',
    cronLabel: 'Schema (cron, svensk tid)',
    cronHelp: 'Fem fält: minut timme dag månad veckodag. "0 10 1 * *" = kl 10:00 den 1:a varje månad.',
  },
  en: {
    groups: 'Groups to alert',
    groupsHelp: 'Every member of the groups gets the alert.',
    subgroups: 'Include subgroups',
    tags: 'Contacts with the tag',
    tagsHelp: 'Optional: add everyone with any of the tags.',
    exclude: 'Exclude groups',
    excludeHelp: 'Nobody in these groups gets the alert.',
    segments: 'Saved segments',
    segmentsHelp: 'Everyone who fits the segment’s rules when the alert starts gets it. Segments are made on the Segments page.',
    excludeSegments: 'Exclude saved segments',
    excludeSegmentsHelp: 'Nobody who fits these segments’ rules gets the alert.',
    estimate: 'About {n} contacts in the chosen groups. The exact number, and who cannot be reached, is shown in the last step.',
    members: '{n} {n|member|members}',
    preset: 'Ready-made plans',
    p_voice_then_sms: 'Call, then SMS to whoever has not confirmed',
    p_sms_then_voice: 'SMS, then call whoever has not confirmed',
    p_voice_sms_together: 'Call and send SMS at once',
    p_sms_only: 'SMS only',
    step: 'Step {n}',
    channel: 'Channel',
    wait: 'Wait (minutes) after the previous step',
    condition: 'Send',
    numbers: 'Numbers',
    c_not_confirmed: 'if the person has not confirmed',
    c_not_delivered: 'if the previous message did not arrive',
    c_always: 'always',
    n_first: 'First number',
    n_next: 'Next number not yet tried',
    n_all_mobiles: 'All mobile numbers',
    n_all: 'All numbers',
    first: 'Starts as soon as the alert starts.',
    up: 'Move step {n} up',
    down: 'Move step {n} down',
    remove: 'Remove step {n}',
    addStep: 'Add step',
    confirm: 'Ask recipients to confirm',
    confirmHelp: 'Whoever confirms gets no further steps.',
    digits: 'Key in the call',
    digitsHelp: 'E.g. 1',
    keywords: 'Replies that confirm (SMS etc.)',
    keywordsHelp: 'Separate with commas, e.g. 1, YES, OK',
    priority: 'Kind of send',
    alert: 'Alert (goes before everything else)',
    outreach: 'Ordinary outreach',
    vma: 'Live VMA (public warning)',
    vmaHelp: 'The alert carries a live important public announcement. It always needs another alert operator’s approval before it starts.',
    name: 'Alert name',
    nameHelp: 'Shown on the overview and in the report, e.g. "Fire Ystad 14 June".',
    template: 'Message (template)',
    templateHelp: 'The template holds the text for each channel and the voice message.',
    approved: 'approved',
    draft: 'draft',
    newTemplate: 'Create a new template',
    burn: 'One-time message',
    burnHelp:
      'Recipients get a link instead of the text. The text is encrypted on this computer and can be read once; then it is deleted. Use it for door codes, addresses of protected people and meeting points that must not spread. Applies to SMS, WhatsApp, Telegram and e-mail (calls read the message as usual).',
    burnHours: 'Deleted at the latest after (hours)',
    burnHoursHelp: 'Unread text is deleted when the time is up, 1–720 hours.',
    lacks: 'The template has no text for: {c}. Add it to the template or change the channel plan.',
    templateChannels: 'The template has: {c}',
    when: 'When',
    now: 'Now',
    at: 'At a set time',
    cron: 'Recurring',
    atLabel: 'Date and time',
    cronLabel: 'Schedule (cron, Swedish time)',
    cronHelp: 'Five fields: minute hour day month weekday. "0 10 1 * *" = 10:00 on the 1st of each month.',
  },
};

type Patch = (p: Partial<WizardState>) => void;

export function AudienceStep({
  s,
  set,
  groups,
  tags,
}: {
  s: WizardState;
  set: Patch;
  groups: readonly ContactGroup[];
  tags: readonly { tag: string; count: number }[];
}) {
  const t = useT(dict);
  const options = groupOptions(groups).map((o) => {
    const g = groups.find((x) => String(x.id) === o.value);
    return { ...o, label: g ? `${o.label} (${t('members', { n: g.totalMemberCount })})` : o.label };
  });
  const segmentList = useQuery('segments.list', {});
  useEvent('segments.changed', () => segmentList.reload());
  const segmentOptions = (segmentList.data?.segments ?? []).map((x) => ({ value: x.id, label: x.name }));
  const estimate = s.groupIds.reduce((sum, id) => sum + (groups.find((g) => g.id === id)?.totalMemberCount ?? 0), 0);
  return (
    <Stack>
      <MultiSelect
        size="md"
        label={t('groups')}
        description={t('groupsHelp')}
        data={options}
        value={s.groupIds.map(String)}
        onChange={(v) => set({ groupIds: v.map(Number) })}
        searchable
      />
      <Checkbox label={t('subgroups')} checked={s.includeSubgroups} onChange={(e) => set({ includeSubgroups: e.currentTarget.checked })} />
      <MultiSelect
        label={t('tags')}
        description={t('tagsHelp')}
        data={tags.map((x) => ({ value: x.tag, label: `${x.tag} (${x.count})` }))}
        value={s.tags}
        onChange={(tags) => set({ tags })}
        searchable
      />
      <MultiSelect
        label={t('segments')}
        description={t('segmentsHelp')}
        data={segmentOptions}
        value={s.segmentIds}
        onChange={(segmentIds) => set({ segmentIds })}
        searchable
      />
      <ContactPicker value={s.contactIds} onChange={(contactIds) => set({ contactIds })} />
      <MultiSelect
        label={t('exclude')}
        description={t('excludeHelp')}
        data={options}
        value={s.excludeGroupIds.map(String)}
        onChange={(v) => set({ excludeGroupIds: v.map(Number) })}
        searchable
      />
      <MultiSelect
        label={t('excludeSegments')}
        description={t('excludeSegmentsHelp')}
        data={segmentOptions}
        value={s.excludeSegmentIds}
        onChange={(excludeSegmentIds) => set({ excludeSegmentIds })}
        searchable
      />
      {s.groupIds.length > 0 && <Text role="status">{t('estimate', { n: estimate })}</Text>}
    </Stack>
  );
}

const conditionKey = { 'not-confirmed': 'c_not_confirmed', 'not-delivered': 'c_not_delivered', always: 'c_always' } as const;
const numbersKey = { first: 'n_first', next: 'n_next', 'all-mobiles': 'n_all_mobiles', all: 'n_all' } as const;
const presetKey = {
  'voice-then-sms': 'p_voice_then_sms',
  'sms-then-voice': 'p_sms_then_voice',
  'voice-sms-together': 'p_voice_sms_together',
  'sms-only': 'p_sms_only',
} as const;

export function PlanStep({ s, set }: { s: WizardState; set: Patch }) {
  const t = useT(dict);
  const words = useWords();
  const setStep = (i: number, patch: Partial<StepForm>) => set({ steps: s.steps.map((st, j) => (j === i ? { ...st, ...patch } : st)) });
  const move = (i: number, d: -1 | 1) => {
    const steps = [...s.steps];
    const [x] = steps.splice(i, 1);
    steps.splice(i + d, 0, x!);
    set({ steps });
  };
  return (
    <Stack>
      <Stack gap={4}>
        <Text fw={600}>{t('preset')}</Text>
        <Group gap="xs">
          {(Object.keys(presets) as (keyof typeof presets)[]).map((k) => {
            const chosen = JSON.stringify(s.steps) === JSON.stringify(presets[k]);
            return (
              <Button
                key={k}
                variant={chosen ? 'filled' : 'light'}
                aria-pressed={chosen}
                size="sm"
                onClick={() => set({ steps: presets[k].map((x) => ({ ...x })) })}
              >
                {t(presetKey[k])}
              </Button>
            );
          })}
        </Group>
      </Stack>
      {s.steps.map((st, i) => (
        <Paper key={i} withBorder p="md">
          <Group justify="space-between" mb="xs">
            <Text fw={700}>{t('step', { n: i + 1 })}</Text>
            <Group gap={4}>
              <ActionIcon variant="default" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('up', { n: i + 1 })}>
                ↑
              </ActionIcon>
              <ActionIcon
                variant="default"
                disabled={i === s.steps.length - 1}
                onClick={() => move(i, 1)}
                aria-label={t('down', { n: i + 1 })}
              >
                ↓
              </ActionIcon>
              <ActionIcon
                variant="default"
                color="red"
                disabled={s.steps.length === 1}
                onClick={() => set({ steps: s.steps.filter((_, j) => j !== i) })}
                aria-label={t('remove', { n: i + 1 })}
              >
                ✕
              </ActionIcon>
            </Group>
          </Group>
          <Group grow align="flex-start">
            <Select
              label={t('channel')}
              data={channels.map((c) => ({ value: c, label: words.channel[c] }))}
              value={st.channel}
              onChange={(v) => v && setStep(i, { channel: v as Channel })}
              allowDeselect={false}
            />
            <Select
              label={t('numbers')}
              data={Object.entries(numbersKey).map(([value, k]) => ({ value, label: t(k) }))}
              value={st.numbers}
              onChange={(v) => v && setStep(i, { numbers: v as StepForm['numbers'] })}
              allowDeselect={false}
              disabled={st.channel === 'email' || st.channel === 'telegram'}
            />
          </Group>
          {i === 0 ? (
            <Text size="sm" c="dimmed" mt="xs">
              {t('first')}
            </Text>
          ) : (
            <Group grow align="flex-start" mt="xs">
              <NumberInput
                label={t('wait')}
                min={0}
                max={10080}
                value={st.waitMinutes}
                onChange={(v) => setStep(i, { waitMinutes: typeof v === 'number' ? v : Number(v) || 0 })}
              />
              <Select
                label={t('condition')}
                data={Object.entries(conditionKey).map(([value, k]) => ({ value, label: t(k) }))}
                value={st.condition}
                onChange={(v) => v && setStep(i, { condition: v as StepForm['condition'] })}
                allowDeselect={false}
              />
            </Group>
          )}
        </Paper>
      ))}
      <Group>
        <Button
          variant="default"
          onClick={() => set({ steps: [...s.steps, { channel: 'sms', waitMinutes: 5, condition: 'not-confirmed', numbers: 'first' }] })}
          disabled={s.steps.length >= 20}
        >
          + {t('addStep')}
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Switch
          size="md"
          label={t('confirm')}
          description={t('confirmHelp')}
          checked={s.confirm}
          onChange={(e) => set({ confirm: e.currentTarget.checked })}
        />
        {s.confirm && (
          <Group grow align="flex-start" mt="sm">
            <TextInput
              label={t('digits')}
              description={t('digitsHelp')}
              value={s.dtmfDigits}
              onChange={(e) => set({ dtmfDigits: e.currentTarget.value })}
            />
            <TextInput
              label={t('keywords')}
              description={t('keywordsHelp')}
              value={s.keywords}
              onChange={(e) => set({ keywords: e.currentTarget.value })}
            />
          </Group>
        )}
      </Paper>
      <Stack gap={4}>
        <Text fw={600} id="priority-label">
          {t('priority')}
        </Text>
        <SegmentedControl
          aria-labelledby="priority-label"
          value={s.priority}
          onChange={(v) => set({ priority: v as WizardState['priority'] })}
          data={[
            { value: 'alert', label: t('alert') },
            { value: 'outreach', label: t('outreach') },
          ]}
        />
      </Stack>
      <Checkbox
        size="md"
        color="red"
        label={t('vma')}
        description={t('vmaHelp')}
        checked={s.vma}
        onChange={(e) => set({ vma: e.currentTarget.checked })}
      />
    </Stack>
  );
}

export function MessageStep({ s, set, templates }: { s: WizardState; set: Patch; templates: readonly Template[] }) {
  const t = useT(dict);
  const words = useWords();
  const template = templates.find((x) => x.id === s.templateId) ?? null;
  const missing = channelsMissingFromTemplate(s, template);
  return (
    <Stack>
      <TextInput
        size="md"
        label={t('name')}
        description={t('nameHelp')}
        value={s.name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        required
      />
      <Select
        size="md"
        label={t('template')}
        description={t('templateHelp')}
        data={templates.map((x) => ({ value: String(x.id), label: `${x.name} (${x.status === 'approved' ? t('approved') : t('draft')})` }))}
        value={s.templateId === null ? null : String(s.templateId)}
        onChange={(v) => set({ templateId: v ? Number(v) : null })}
        searchable
      />
      {template && <Text size="sm">{t('templateChannels', { c: template.channels.map((c) => words.channel[c]).join(', ') })}</Text>}
      {missing.length > 0 && (
        <Alert color="red" role="alert">
          {t('lacks', { c: missing.map((c) => words.channel[c]).join(', ') })}
        </Alert>
      )}
      <Anchor href="#/templates/new">{t('newTemplate')}</Anchor>
      <Switch
        size="md"
        label={t('burn')}
        description={t('burnHelp')}
        checked={s.burn}
        onChange={(e) => set({ burn: e.currentTarget.checked })}
      />
      {s.burn && (
        <NumberInput
          size="md"
          label={t('burnHours')}
          description={t('burnHoursHelp')}
          min={BURN_EXPIRY_HOURS.min}
          max={BURN_EXPIRY_HOURS.max}
          allowDecimal={false}
          value={s.burnHours}
          onChange={(v) => set({ burnHours: typeof v === 'number' ? v : BURN_EXPIRY_HOURS.default })}
          maw={260}
        />
      )}
    </Stack>
  );
}

export function ScheduleStep({ s, set }: { s: WizardState; set: Patch }) {
  const t = useT(dict);
  return (
    <Stack>
      <Stack gap={4}>
        <Text fw={600} id="when-label">
          {t('when')}
        </Text>
        <SegmentedControl
          aria-labelledby="when-label"
          size="md"
          value={s.schedule.kind}
          onChange={(v) =>
            set({ schedule: v === 'at' ? { kind: 'at', local: '' } : v === 'cron' ? { kind: 'cron', cron: '' } : { kind: 'now' } })
          }
          data={[
            { value: 'now', label: t('now') },
            { value: 'at', label: t('at') },
            { value: 'cron', label: t('cron') },
          ]}
        />
      </Stack>
      {s.schedule.kind === 'at' && (
        <TextInput
          type="datetime-local"
          label={t('atLabel')}
          value={s.schedule.local}
          onChange={(e) => set({ schedule: { kind: 'at', local: e.currentTarget.value } })}
        />
      )}
      {s.schedule.kind === 'cron' && (
        <TextInput
          label={t('cronLabel')}
          description={t('cronHelp')}
          value={s.schedule.cron}
          onChange={(e) => set({ schedule: { kind: 'cron', cron: e.currentTarget.value } })}
        />
      )}
    </Stack>
  );
}
