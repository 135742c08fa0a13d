// The on-call schedules page (Jourscheman): saved schedules with who is on duty in each right
// now on the left; on the right the editor — layers of people taking turns (with optional
// daily or weekly windows) and overrides — and the final schedule of the coming two weeks as a
// day-by-day timeline, worked out again as the operator edits, with a warning listing every
// stretch where nobody is on duty. Who is on duty is alerted through a segment's "I tjänst"
// rule. #/schedules/<id> opens a schedule.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group as Row,
  List,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import {
  swedishInstant,
  swedishLocal,
  turnUnits,
  type Restriction,
  type ScheduleLayer,
  type ScheduleOverride,
  type ScheduleResolution,
  type Weekday,
} from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SaveDeleteButtons } from '../../components/SaveDeleteButtons';
import { useNotify } from '../../components/useNotify';
import { useLanguage, useT, type Translate } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { ContactPicker } from '../campaigns/ContactPicker';
import {
  blankLayer,
  blankOverride,
  dayText,
  formOf,
  formProblems,
  inputOf,
  layerProblem,
  newScheduleForm,
  overrideProblem,
  spanText,
  timesOfDay,
  type ScheduleForm,
} from './scheduleForm';

const dict = {
  sv: {
    title: 'Jourscheman',
    intro:
      'Ett jourschema säger vem som har jour när: personer turas om i lager, ett senare lager går före ett tidigare där det har någon, och undantag går före allt. Tiderna är svensk tid. Larma den som har jour med ett urval med regeln ”I tjänst”.',
    saved: 'Sparade jourscheman',
    none: 'Inga jourscheman ännu.',
    newSchedule: 'Nytt jourschema',
    onDutyNow: 'I tjänst nu: {name}',
    nobodyNow: 'Ingen i tjänst nu',
    name: 'Namn på jourschemat',
    description: 'Beskrivning (valfri)',
    layers: 'Lager',
    layerHelp: 'Ett senare lager går före ett tidigare där det har någon i tjänst.',
    layer: 'Lager {n}',
    addLayer: 'Lägg till lager',
    removeLayer: 'Ta bort lager {n}',
    layerName: 'Namn på lagret',
    people: 'Personer i turordning',
    peopleHelp: 'Sök och välj personerna i den ordning de har jour.',
    start: 'Första passet börjar',
    turnLength: 'Passets längd',
    turnUnit: 'Enhet',
    u_hours: 'timmar',
    u_days: 'dygn',
    u_weeks: 'veckor',
    unitNote: '1 dygn börjar på samma klockslag även när sommartiden ändras; 24 timmar är 24 timmar, så bytet flyttas en timme.',
    restriction: 'Begränsning',
    r_none: 'Hela tiden',
    r_daily: 'Varje dag mellan två klockslag',
    r_weekly: 'Vissa tider i veckan',
    dailyFrom: 'Från',
    dailyTo: 'Till',
    overMidnight: 'Ett slut före starten går över midnatt (17:00–08:00).',
    window: 'Tid {n}',
    fromDay: 'Från dag',
    toDay: 'Till dag',
    addWindow: 'Lägg till tid',
    removeWindow: 'Ta bort tid {n}',
    overrides: 'Undantag',
    overridesHelp: 'Ett undantag går före alla lager. Ett undantag utan person betyder att ingen har jour – det visas som en lucka.',
    override: 'Undantag {n}',
    addOverride: 'Lägg till undantag',
    removeOverride: 'Ta bort undantag {n}',
    overridePerson: 'Vem har jour',
    nobody: 'Ingen (lucka)',
    from: 'Från',
    to: 'Till',
    'l_no-name': 'Ge lagret ett namn.',
    'l_no-people': 'Välj minst en person.',
    'l_bad-start': 'Skriv när första passet börjar.',
    'l_bad-length': 'Passets längd är ett helt tal från 1 till 1000.',
    'l_bad-window': 'Fyll i begränsningens tider (start och slut får inte vara samma).',
    'o_bad-time': 'Fyll i när undantaget börjar och slutar.',
    'o_ends-first': 'Undantaget måste sluta efter att det börjar.',
    'f_no-name': 'Ge jourschemat ett namn.',
    'f_no-layers': 'Lägg till minst ett lager.',
    f_layer: 'Rätta lagren som är markerade innan du sparar.',
    f_override: 'Rätta undantagen som är markerade innan du sparar.',
    save: 'Spara jourschemat',
    savedNote: 'Jourschemat {name} sparades.',
    delete: 'Radera…',
    deleteTitle: 'Radera jourschemat {name}?',
    deleteBody: 'Personerna finns kvar. Ett jourschema som ett urval använder kan inte raderas förrän regeln tagits bort.',
    deleteConfirm: 'Radera jourschemat',
    deleted: 'Jourschemat {name} raderades.',
    calendar: 'Jourschemat de kommande två veckorna',
    calendarIncomplete: 'Rätta det som är markerat för att se schemat.',
    gapsTitle: 'Ingen har jour {n} {n|gång|gånger} de kommande två veckorna',
    gap: 'Ingen i tjänst {span}',
    noGaps: 'Någon har jour hela tiden de kommande två veckorna.',
    nobodyShort: 'Ingen',
    shift: '{name} {span}',
    layerCount: '{n} {n|lager|lager}',
  },
  en: {
    title: 'On-call schedules',
    intro:
      'An on-call schedule says who is on duty when: people take turns in layers, a later layer wins over an earlier one where it has someone, and overrides win over everything. Times are Swedish time. Alert whoever is on duty with a segment using the “On duty” rule.',
    saved: 'Saved schedules',
    none: 'No on-call schedules yet.',
    newSchedule: 'New schedule',
    onDutyNow: 'On duty now: {name}',
    nobodyNow: 'Nobody on duty now',
    name: 'Name of the schedule',
    description: 'Description (optional)',
    layers: 'Layers',
    layerHelp: 'A later layer wins over an earlier one where it has someone on duty.',
    layer: 'Layer {n}',
    addLayer: 'Add a layer',
    removeLayer: 'Remove layer {n}',
    layerName: 'Name of the layer',
    people: 'People in turn order',
    peopleHelp: 'Search and choose the people in the order they are on duty.',
    start: 'The first turn begins',
    turnLength: 'Length of a turn',
    turnUnit: 'Unit',
    u_hours: 'hours',
    u_days: 'days',
    u_weeks: 'weeks',
    unitNote: '1 day starts at the same time of day also when summer time changes; 24 hours is 24 hours, so the handover moves by an hour.',
    restriction: 'Restriction',
    r_none: 'All the time',
    r_daily: 'Every day between two times',
    r_weekly: 'Certain times of the week',
    dailyFrom: 'From',
    dailyTo: 'To',
    overMidnight: 'An end before the start runs over midnight (17:00–08:00).',
    window: 'Window {n}',
    fromDay: 'From day',
    toDay: 'To day',
    addWindow: 'Add a window',
    removeWindow: 'Remove window {n}',
    overrides: 'Overrides',
    overridesHelp: 'An override wins over every layer. An override without a person means nobody is on duty – it shows as a gap.',
    override: 'Override {n}',
    addOverride: 'Add an override',
    removeOverride: 'Remove override {n}',
    overridePerson: 'Who is on duty',
    nobody: 'Nobody (gap)',
    from: 'From',
    to: 'To',
    'l_no-name': 'Give the layer a name.',
    'l_no-people': 'Choose at least one person.',
    'l_bad-start': 'Type when the first turn begins.',
    'l_bad-length': 'The length of a turn is a whole number from 1 to 1000.',
    'l_bad-window': 'Fill in the restriction’s times (start and end may not be the same).',
    'o_bad-time': 'Fill in when the override begins and ends.',
    'o_ends-first': 'The override must end after it begins.',
    'f_no-name': 'Give the schedule a name.',
    'f_no-layers': 'Add at least one layer.',
    f_layer: 'Correct the marked layers before saving.',
    f_override: 'Correct the marked overrides before saving.',
    save: 'Save the schedule',
    savedNote: 'The schedule {name} was saved.',
    delete: 'Delete…',
    deleteTitle: 'Delete the schedule {name}?',
    deleteBody: 'The people stay. A schedule a segment uses cannot be deleted until the rule is removed.',
    deleteConfirm: 'Delete the schedule',
    deleted: 'The schedule {name} was deleted.',
    calendar: 'The schedule for the coming two weeks',
    calendarIncomplete: 'Correct what is marked to see the schedule.',
    gapsTitle: 'Nobody is on duty {n} {n|time|times} in the coming two weeks',
    gap: 'Nobody on duty {span}',
    noGaps: 'Someone is on duty all the time in the coming two weeks.',
    nobodyShort: 'Nobody',
    shift: '{name} {span}',
    layerCount: '{n} {n|layer|layers}',
  },
};
type T = Translate<keyof (typeof dict)['sv']>;

const DAYS = 14;

export function SchedulesPage({ route }: { route: Route }) {
  const t = useT(dict);
  const rpc = useRpc();
  const notify = useNotify();
  const list = useQuery('schedules.list', {});
  const onDuty = useQuery('schedules.onDuty', {});
  useEvent('schedules.changed', () => {
    list.reload();
    onDuty.reload();
  });
  const schedules = useMemo(() => list.data?.schedules ?? [], [list.data]);
  const openId = route.params[0] ?? null;
  const opened = useQuery('schedules.get', { id: openId ?? '' }, { enabled: openId !== null });
  const [form, setForm] = useState<ScheduleForm>(() => newScheduleForm(Date.now()));
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // Opening #/schedules/<id> loads that schedule into the editor.
  useEffect(() => {
    setForm(openId && opened.data?.id === openId ? formOf(opened.data) : newScheduleForm(Date.now()));
    setTried(false);
    setError(null);
  }, [openId, opened.data]);

  const problems = formProblems(form);
  const save = () => {
    setTried(true);
    if (problems.length) return;
    setError(null);
    rpc.call('schedules.save', inputOf(form)).then((s) => {
      notify.done(t('savedNote', { name: s.name }));
      if (s.id === openId) opened.reload();
      navigate('schedules', s.id);
    }, setError);
  };
  const setLayer = (i: number, l: ScheduleLayer) => setForm({ ...form, layers: form.layers.map((x, j) => (j === i ? l : x)) });
  const setOverride = (i: number, o: ScheduleOverride) => setForm({ ...form, overrides: form.overrides.map((x, j) => (j === i ? o : x)) });
  const people = [...new Set(form.layers.flatMap((l) => l.people))];

  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text maw={760}>{t('intro')}</Text>
      <Row align="flex-start" wrap="nowrap" gap="lg">
        <Paper withBorder p="md" w={280} component="nav" aria-labelledby="schedules-saved">
          <Stack gap="xs">
            <Title order={3} size="h4" id="schedules-saved">
              {t('saved')}
            </Title>
            <ErrorAlert error={list.error} />
            {schedules.length === 0 && <Text size="sm">{t('none')}</Text>}
            {schedules.map((s) => {
              const now = onDuty.data?.onDuty.find((x) => x.scheduleId === s.id);
              return (
                <UnstyledButton key={s.id} onClick={() => navigate('schedules', s.id)} aria-current={s.id === openId ? 'page' : undefined}>
                  <Paper p="xs" withBorder bg={s.id === openId ? 'var(--mantine-color-blue-light)' : undefined}>
                    <Text fw={600}>{s.name}</Text>
                    <Text size="sm">{t('layerCount', { n: s.layers.length })}</Text>
                    {now && (
                      <Text size="sm" c={now.person ? undefined : 'var(--gdial-danger-text)'}>
                        {now.person ? t('onDutyNow', { name: now.person.displayName }) : t('nobodyNow')}
                      </Text>
                    )}
                  </Paper>
                </UnstyledButton>
              );
            })}
            <Button variant="default" onClick={() => navigate('schedules')}>
              {t('newSchedule')}
            </Button>
          </Stack>
        </Paper>
        <Stack style={{ flex: 1, minWidth: 0 }} component="section" aria-label={form.name || t('newSchedule')}>
          <TextInput
            label={t('name')}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
            error={tried && problems.includes('no-name') ? t('f_no-name') : undefined}
            required
          />
          <TextInput
            label={t('description')}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
          />
          <Title order={3} size="h4">
            {t('layers')}
          </Title>
          <Text size="sm">{t('layerHelp')}</Text>
          {form.layers.map((l, i) => (
            <LayerEditor
              key={i}
              t={t}
              index={i}
              layer={l}
              showProblem={tried}
              onChange={(x) => setLayer(i, x)}
              onRemove={() => setForm({ ...form, layers: form.layers.filter((_, j) => j !== i) })}
            />
          ))}
          <Button
            variant="default"
            w="fit-content"
            onClick={() => setForm({ ...form, layers: [...form.layers, blankLayer(form.layers.length + 1, Date.now())] })}
          >
            {t('addLayer')}
          </Button>
          <Title order={3} size="h4">
            {t('overrides')}
          </Title>
          <Text size="sm">{t('overridesHelp')}</Text>
          {form.overrides.map((o, i) => (
            <OverrideEditor
              key={i}
              t={t}
              index={i}
              override={o}
              people={people}
              showProblem={tried}
              onChange={(x) => setOverride(i, x)}
              onRemove={() => setForm({ ...form, overrides: form.overrides.filter((_, j) => j !== i) })}
            />
          ))}
          <Button
            variant="default"
            w="fit-content"
            onClick={() => setForm({ ...form, overrides: [...form.overrides, blankOverride(Date.now())] })}
          >
            {t('addOverride')}
          </Button>
          {tried && problems.includes('no-layers') && <Text c="red.8">{t('f_no-layers')}</Text>}
          {tried && problems.includes('layer') && <Text c="red.8">{t('f_layer')}</Text>}
          {tried && problems.includes('override') && <Text c="red.8">{t('f_override')}</Text>}
          <ErrorAlert error={error} />
          <SaveDeleteButtons
            save={{ method: 'schedules.save', label: t('save'), onClick: save }}
            remove={
              form.id
                ? {
                    method: 'schedules.delete',
                    label: t('delete'),
                    confirm: { title: t('deleteTitle', { name: form.name }), confirmLabel: t('deleteConfirm'), body: t('deleteBody') },
                    run: () =>
                      rpc.call('schedules.delete', { id: form.id! }).then(() => {
                        notify.done(t('deleted', { name: form.name }));
                        navigate('schedules');
                      }),
                  }
                : undefined
            }
          />
          <FinalSchedule t={t} form={form} />
        </Stack>
      </Row>
    </Stack>
  );
}

function Removable({
  label,
  removeLabel,
  onRemove,
  problem,
  children,
}: {
  label: string;
  removeLabel: string;
  onRemove: () => void;
  problem: string | null;
  children: React.ReactNode;
}) {
  return (
    <Paper
      withBorder
      p="sm"
      component="fieldset"
      aria-label={label}
      style={{ borderColor: problem ? 'var(--mantine-color-red-7)' : undefined }}
    >
      <Row justify="space-between" mb="xs">
        <Badge variant="outline">{label}</Badge>
        <ActionIcon variant="subtle" color="red" aria-label={removeLabel} onClick={onRemove}>
          ✕
        </ActionIcon>
      </Row>
      <Stack gap="xs">{children}</Stack>
      {problem && (
        <Text c="red.8" size="sm" mt={4}>
          {problem}
        </Text>
      )}
    </Paper>
  );
}

const weekdayNumbers: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

function LayerEditor({
  t,
  index,
  layer,
  showProblem,
  onChange,
  onRemove,
}: {
  t: T;
  index: number;
  layer: ScheduleLayer;
  showProblem: boolean;
  onChange: (l: ScheduleLayer) => void;
  onRemove: () => void;
}) {
  const { language } = useLanguage();
  const problem = layerProblem(layer);
  const label = t('layer', { n: index + 1 });
  const r = layer.restriction;
  // Monday 7 Dec 2026 and the days after: the names of the weekdays.
  const dayData = weekdayNumbers.map((d) => ({ value: String(d), label: dayText(`2026-12-0${6 + d}`, language).split(' ')[0]! }));
  const setRestriction = (x: Restriction | null) => onChange({ ...layer, restriction: x });
  return (
    <Removable
      label={label}
      removeLabel={t('removeLayer', { n: index + 1 })}
      onRemove={onRemove}
      problem={showProblem && problem ? t(`l_${problem}`) : null}
    >
      <TextInput label={t('layerName')} value={layer.name} onChange={(e) => onChange({ ...layer, name: e.currentTarget.value })} />
      <ContactPicker
        label={`${label}: ${t('people')}`}
        help={t('peopleHelp')}
        value={layer.people}
        onChange={(people) => onChange({ ...layer, people })}
      />
      <Row align="flex-end">
        <TextInput
          type="datetime-local"
          label={t('start')}
          value={layer.start}
          onChange={(e) => onChange({ ...layer, start: e.currentTarget.value })}
        />
        <NumberInput
          label={t('turnLength')}
          value={layer.turnLength}
          min={1}
          max={1000}
          allowDecimal={false}
          onChange={(v) => onChange({ ...layer, turnLength: typeof v === 'number' ? v : Number(v) || 0 })}
          w={130}
        />
        <Select
          label={t('turnUnit')}
          data={turnUnits.map((u) => ({ value: u, label: t(`u_${u}`) }))}
          value={layer.turnUnit}
          onChange={(v) => onChange({ ...layer, turnUnit: (v ?? 'weeks') as ScheduleLayer['turnUnit'] })}
          allowDeselect={false}
          w={130}
        />
      </Row>
      <Text size="xs">{t('unitNote')}</Text>
      <Select
        label={t('restriction')}
        data={(['none', 'daily', 'weekly'] as const).map((k) => ({ value: k, label: t(`r_${k}`) }))}
        value={r?.kind ?? 'none'}
        onChange={(v) =>
          setRestriction(
            v === 'daily'
              ? { kind: 'daily', from: '17:00', to: '08:00' }
              : v === 'weekly'
                ? { kind: 'weekly', windows: [{ fromDay: 5, from: '17:00', toDay: 1, to: '08:00' }] }
                : null,
          )
        }
        allowDeselect={false}
        w={300}
      />
      {r?.kind === 'daily' && (
        <>
          <Row align="flex-end">
            <TextInput
              type="time"
              label={t('dailyFrom')}
              value={r.from}
              onChange={(e) => setRestriction({ ...r, from: e.currentTarget.value })}
            />
            <TextInput
              type="time"
              label={t('dailyTo')}
              value={r.to}
              onChange={(e) => setRestriction({ ...r, to: e.currentTarget.value })}
            />
          </Row>
          <Text size="xs">{t('overMidnight')}</Text>
        </>
      )}
      {r?.kind === 'weekly' && (
        <>
          {r.windows.map((w, j) => {
            const setWindow = (x: typeof w) => setRestriction({ ...r, windows: r.windows.map((y, k) => (k === j ? x : y)) });
            return (
              <Row key={j} align="flex-end" aria-label={t('window', { n: j + 1 })} role="group">
                <Select
                  label={t('fromDay')}
                  data={dayData}
                  value={String(w.fromDay)}
                  onChange={(v) => setWindow({ ...w, fromDay: Number(v ?? 1) as Weekday })}
                  allowDeselect={false}
                  w={110}
                />
                <TextInput
                  type="time"
                  label={t('dailyFrom')}
                  value={w.from}
                  onChange={(e) => setWindow({ ...w, from: e.currentTarget.value })}
                />
                <Select
                  label={t('toDay')}
                  data={dayData}
                  value={String(w.toDay)}
                  onChange={(v) => setWindow({ ...w, toDay: Number(v ?? 1) as Weekday })}
                  allowDeselect={false}
                  w={110}
                />
                <TextInput type="time" label={t('dailyTo')} value={w.to} onChange={(e) => setWindow({ ...w, to: e.currentTarget.value })} />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mb={6}
                  aria-label={t('removeWindow', { n: j + 1 })}
                  onClick={() => setRestriction({ ...r, windows: r.windows.filter((_, k) => k !== j) })}
                >
                  ✕
                </ActionIcon>
              </Row>
            );
          })}
          <Button
            size="compact-sm"
            variant="default"
            w="fit-content"
            onClick={() => setRestriction({ ...r, windows: [...r.windows, { fromDay: 1, from: '08:00', toDay: 1, to: '17:00' }] })}
          >
            {t('addWindow')}
          </Button>
        </>
      )}
    </Removable>
  );
}

/** Names of the people a schedule names, looked up once each. */
function usePeopleNames(ids: readonly number[]): Record<number, string> {
  const rpc = useRpc();
  const [names, setNames] = useState<Record<number, string>>({});
  const missing = ids.filter((id) => !(id in names)).join(',');
  useEffect(() => {
    if (!missing) return;
    let live = true;
    void Promise.all(
      missing.split(',').map((id) =>
        rpc.call('contacts.get', { id: Number(id) }).then(
          (c) => [c.id, c.displayName] as const,
          () => null,
        ),
      ),
    ).then((found) => {
      if (live) setNames((n) => ({ ...n, ...Object.fromEntries(found.filter((x) => x !== null)) }));
    });
    return () => {
      live = false;
    };
  }, [missing, rpc]);
  return names;
}

function OverrideEditor({
  t,
  index,
  override,
  people,
  showProblem,
  onChange,
  onRemove,
}: {
  t: T;
  index: number;
  override: ScheduleOverride;
  people: number[];
  showProblem: boolean;
  onChange: (o: ScheduleOverride) => void;
  onRemove: () => void;
}) {
  const problem = overrideProblem(override);
  const ids = override.contactId === null || people.includes(override.contactId) ? people : [...people, override.contactId];
  const names = usePeopleNames(ids);
  return (
    <Removable
      label={t('override', { n: index + 1 })}
      removeLabel={t('removeOverride', { n: index + 1 })}
      onRemove={onRemove}
      problem={showProblem && problem ? t(`o_${problem}`) : null}
    >
      <Row align="flex-end">
        <Select
          label={t('overridePerson')}
          data={[{ value: 'none', label: t('nobody') }, ...ids.map((id) => ({ value: String(id), label: names[id] ?? `#${id}` }))]}
          value={override.contactId === null ? 'none' : String(override.contactId)}
          onChange={(v) => onChange({ ...override, contactId: !v || v === 'none' ? null : Number(v) })}
          allowDeselect={false}
          w={220}
        />
        <TextInput
          type="datetime-local"
          label={t('from')}
          value={override.from}
          onChange={(e) => onChange({ ...override, from: e.currentTarget.value })}
        />
        <TextInput
          type="datetime-local"
          label={t('to')}
          value={override.to}
          onChange={(e) => onChange({ ...override, to: e.currentTarget.value })}
        />
      </Row>
    </Removable>
  );
}

/** The colour of a person on the timeline (light, so the dark text keeps its contrast). */
const palette = ['blue', 'teal', 'grape', 'orange', 'cyan', 'lime', 'indigo', 'yellow'];
const colourOf = (id: number) => `var(--mantine-color-${palette[id % palette.length]}-1)`;

/** The final schedule of the coming two weeks for the form as it stands, with its gaps. */
function FinalSchedule({ t, form }: { t: T; form: ScheduleForm }) {
  const { language } = useLanguage();
  const complete = form.layers.length > 0 && formProblems({ ...form, name: form.name || '-' }).length === 0;
  // The range: from today's midnight, Swedish time, for 14 days (a new day starts a new range).
  const today = swedishLocal(Date.now()).slice(0, 10);
  const days = useMemo(() => {
    const out: string[] = [];
    const d = new Date(`${today}T00:00:00Z`);
    for (let i = 0; i <= DAYS; i++) {
      out.push(d.toISOString().slice(0, 10));
      d.setUTCDate(d.getUTCDate() + 1);
    }
    return out;
  }, [today]);
  const range = {
    from: new Date(swedishInstant(`${days[0]}T00:00`)).toISOString(),
    to: new Date(swedishInstant(`${days[DAYS]}T00:00`)).toISOString(),
  };
  const [params] = useDebouncedValue({ ...range, schedule: inputOf(form, form.name || '-') }, 300);
  const resolved = useQuery('schedules.resolve', params, { enabled: complete });
  useEvent('contacts.changed', () => resolved.reload());
  const now = Date.now();
  const gaps = (resolved.data?.gaps ?? [])
    .map((g) => ({ from: Math.max(Date.parse(g.from), now), to: Date.parse(g.to) }))
    .filter((g) => g.to > g.from);
  return (
    <Stack gap="xs" component="section" aria-labelledby="schedule-calendar">
      <Title order={3} size="h4" id="schedule-calendar">
        {t('calendar')}
      </Title>
      {!complete && <Text size="sm">{t('calendarIncomplete')}</Text>}
      <ErrorAlert error={resolved.error} />
      {complete && resolved.data && (
        <>
          {gaps.length > 0 ? (
            <Alert
              color="red"
              title={t('gapsTitle', { n: gaps.length })}
              role="alert"
              styles={{ title: { color: 'var(--gdial-danger-text)' } }}
            >
              <List size="sm">
                {gaps.slice(0, 20).map((g) => (
                  <List.Item key={g.from}>{t('gap', { span: spanText(g.from, g.to, language) })}</List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            <Alert color="green">{t('noGaps')}</Alert>
          )}
          <NowLine t={t} data={resolved.data} now={now} />
          <Timeline t={t} days={days} data={resolved.data} />
        </>
      )}
    </Stack>
  );
}

function NowLine({ t, data, now }: { t: T; data: ScheduleResolution; now: number }) {
  const shift = data.shifts.find((s) => Date.parse(s.from) <= now && now < Date.parse(s.to));
  if (!shift) return null;
  return (
    <Text fw={700} size="lg" role="status">
      {shift.person ? t('onDutyNow', { name: shift.person.displayName }) : t('nobodyNow')}
    </Text>
  );
}

/** One row per day, the day's stretches side by side in proportion to their length. */
function Timeline({ t, days, data }: { t: T; days: string[]; data: ScheduleResolution }) {
  const { language } = useLanguage();
  const shifts = data.shifts.map((s) => ({ ...s, a: Date.parse(s.from), b: Date.parse(s.to) }));
  return (
    <Stack gap={2} role="list" aria-label={t('calendar')}>
      {days.slice(0, DAYS).map((day, i) => {
        const start = swedishInstant(`${day}T00:00`);
        const end = swedishInstant(`${days[i + 1]}T00:00`);
        const parts = shifts.filter((s) => s.b > start && s.a < end).map((s) => ({ ...s, a: Math.max(s.a, start), b: Math.min(s.b, end) }));
        return (
          <Row key={day} gap={6} wrap="nowrap" role="listitem">
            <Text size="sm" w={90} style={{ flexShrink: 0 }}>
              {dayText(day, language)}
            </Text>
            <div
              style={{
                display: 'flex',
                flex: 1,
                minWidth: 0,
                border: '1px solid var(--mantine-color-gray-4)',
                borderRadius: 4,
                overflow: 'hidden',
              }}
            >
              {parts.map((p) => {
                const name = p.person?.displayName ?? t('nobodyShort');
                const span = timesOfDay(p.a, p.b);
                return (
                  <div
                    key={p.a}
                    title={t('shift', { name, span })}
                    style={{
                      width: `${((p.b - p.a) / (end - start)) * 100}%`,
                      background: p.person ? colourOf(p.person.id) : 'var(--mantine-color-red-1)',
                      color: p.person ? 'var(--mantine-color-dark-9)' : 'var(--mantine-color-red-9)',
                      borderRight: '1px solid var(--mantine-color-gray-4)',
                      fontSize: 12,
                      padding: '2px 4px',
                      whiteSpace: 'nowrap',
                      overflow: 'hidden',
                      textOverflow: 'ellipsis',
                    }}
                  >
                    {t('shift', { name, span })}
                  </div>
                );
              })}
            </div>
          </Row>
        );
      })}
    </Stack>
  );
}
