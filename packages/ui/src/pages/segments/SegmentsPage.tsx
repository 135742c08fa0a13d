// The Segments page (Urval): saved segments on the left; on the right the rule builder —
// a name, whether people must fit all rules or any, and the rules — with the number of
// people who fit right now and the first of them, counted again as the rules change.
// A segment is chosen in the alert wizard like a group; its members are worked out when
// the alert starts. #/segments/<id> opens a segment.
import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group as Row,
  List,
  Menu,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { channels, segmentFieldOps, segmentOpTakesValue, type SegmentRule } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SaveDeleteButtons } from '../../components/SaveDeleteButtons';
import { groupOptions } from '../../components/groupTree';
import { useWords } from '../../components/labels';
import { useNotify } from '../../components/useNotify';
import { useT, type Translate } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { AreaRuleFields } from './AreaRuleFields';
import { blankRule, completeRules, formOf, formProblems, newSegmentForm, ruleKinds, ruleProblem, type SegmentForm } from './segmentForm';

const dict = {
  sv: {
    title: 'Urval',
    intro:
      'Ett urval är regler som väljer ut kontakter, t.ex. ”rökdykare i Göteborg som kan nås med SMS”. Vilka som ingår räknas fram på nytt när ett larm startar.',
    saved: 'Sparade urval',
    none: 'Inga sparade urval ännu.',
    newSegment: 'Nytt urval',
    name: 'Namn på urvalet',
    description: 'Beskrivning (valfri)',
    match: 'Vilka ingår',
    all: 'De som uppfyller alla regler',
    any: 'De som uppfyller någon regel',
    rules: 'Regler',
    addRule: 'Lägg till regel',
    removeRule: 'Ta bort regel {n}',
    rule: 'Regel {n}',
    k_group: 'Grupp',
    k_tags: 'Taggar',
    k_field: 'Eget fält',
    k_language: 'Språk',
    k_reachable: 'Kan nås via kanal',
    k_doNotContact: 'Spärr (kontakta inte)',
    k_onDuty: 'I tjänst (jourschema)',
    schedule: 'Jourschema',
    onDutyHelp: 'Den som har jour i schemat när larmet startar.',
    'p_no-schedule': 'Välj ett jourschema.',
    k_area: 'Område (adress, karta)',
    'p_no-area': 'Ange området: minst en kommun eller ett postnummer (fem siffror), en radie, eller minst tre hörn på kartan.',
    groups: 'Grupper',
    inGroup: 'Är med i någon av grupperna',
    notInGroup: 'Är inte med i någon av grupperna',
    subgroups: 'Ta med undergrupper',
    tags: 'Taggar',
    t_any: 'Har någon av taggarna',
    t_all: 'Har alla taggarna',
    t_none: 'Har ingen av taggarna',
    key: 'Fältets namn',
    op: 'Villkor',
    value: 'Värde',
    o_eq: 'är lika med',
    o_ne: 'är inte lika med',
    o_contains: 'innehåller',
    o_empty: 'är tomt',
    'o_not-empty': 'är ifyllt',
    o_lt: 'är mindre än (tal)',
    o_gt: 'är större än (tal)',
    languages: 'Språk',
    sv: 'Svenska',
    en: 'Engelska',
    channel: 'Kanal',
    anyChannel: 'Någon kanal',
    reachable: 'Kan nås',
    notReachable: 'Kan inte nås',
    marked: 'Har spärr',
    notMarked: 'Har ingen spärr',
    'p_no-groups': 'Välj minst en grupp.',
    'p_no-tags': 'Välj minst en tagg.',
    'p_no-key': 'Skriv fältets namn.',
    'p_bad-key': 'Fältets namn får inte innehålla " eller \\.',
    'p_no-value': 'Skriv ett värde att jämföra med.',
    'p_not-a-number': 'Skriv ett tal, t.ex. 60 eller 3,5.',
    'p_no-languages': 'Välj minst ett språk.',
    'f_no-name': 'Ge urvalet ett namn.',
    'f_no-rules': 'Lägg till minst en regel.',
    f_rule: 'Rätta reglerna som är markerade innan du sparar.',
    count: '{n} {n|kontakt|kontakter} ingår just nu',
    countPartial: '{n} {n|kontakt|kontakter} ingår just nu (ofullständiga regler räknas inte)',
    first: 'De första i bokstavsordning',
    save: 'Spara urvalet',
    savedNote: 'Urvalet {name} sparades.',
    delete: 'Radera…',
    deleteTitle: 'Radera urvalet {name}?',
    deleteBody: 'Kontakterna finns kvar. Larm och larmmallar som går till urvalet kan inte startas förrän mottagarna valts om.',
    deleteConfirm: 'Radera urvalet',
    deleted: 'Urvalet {name} raderades.',
    ruleCount: '{n} {n|regel|regler}',
  },
  en: {
    title: 'Segments',
    intro:
      'A segment is rules that pick out contacts, e.g. "smoke divers in Göteborg who can be reached by SMS". Who is in it is worked out again when an alert starts.',
    saved: 'Saved segments',
    none: 'No saved segments yet.',
    newSegment: 'New segment',
    name: 'Name of the segment',
    description: 'Description (optional)',
    match: 'Who is in it',
    all: 'Those who fit all rules',
    any: 'Those who fit any rule',
    rules: 'Rules',
    addRule: 'Add a rule',
    removeRule: 'Remove rule {n}',
    rule: 'Rule {n}',
    k_group: 'Group',
    k_tags: 'Tags',
    k_field: 'Custom field',
    k_language: 'Language',
    k_reachable: 'Reachable on a channel',
    k_doNotContact: 'Do not contact',
    k_onDuty: 'On duty (on-call schedule)',
    schedule: 'On-call schedule',
    onDutyHelp: 'Whoever is on duty in the schedule when the alert starts.',
    'p_no-schedule': 'Choose an on-call schedule.',
    k_area: 'Area (address, map)',
    'p_no-area': 'Give the area: at least one municipality or postcode (five digits), a radius, or at least three corners on the map.',
    groups: 'Groups',
    inGroup: 'Is in any of the groups',
    notInGroup: 'Is in none of the groups',
    subgroups: 'Include subgroups',
    tags: 'Tags',
    t_any: 'Has any of the tags',
    t_all: 'Has all the tags',
    t_none: 'Has none of the tags',
    key: 'Field name',
    op: 'Condition',
    value: 'Value',
    o_eq: 'equals',
    o_ne: 'does not equal',
    o_contains: 'contains',
    o_empty: 'is empty',
    'o_not-empty': 'is filled in',
    o_lt: 'is less than (number)',
    o_gt: 'is greater than (number)',
    languages: 'Languages',
    sv: 'Swedish',
    en: 'English',
    channel: 'Channel',
    anyChannel: 'Any channel',
    reachable: 'Can be reached',
    notReachable: 'Cannot be reached',
    marked: 'Marked do not contact',
    notMarked: 'Not marked',
    'p_no-groups': 'Choose at least one group.',
    'p_no-tags': 'Choose at least one tag.',
    'p_no-key': 'Type the field name.',
    'p_bad-key': 'The field name may not contain " or \\.',
    'p_no-value': 'Type a value to compare with.',
    'p_not-a-number': 'Type a number, e.g. 60 or 3.5.',
    'p_no-languages': 'Choose at least one language.',
    'f_no-name': 'Give the segment a name.',
    'f_no-rules': 'Add at least one rule.',
    f_rule: 'Correct the marked rules before saving.',
    count: '{n} {n|contact|contacts} in it right now',
    countPartial: '{n} {n|contact|contacts} in it right now (incomplete rules are not counted)',
    first: 'The first in alphabetical order',
    save: 'Save the segment',
    savedNote: 'The segment {name} was saved.',
    delete: 'Delete…',
    deleteTitle: 'Delete the segment {name}?',
    deleteBody: 'The contacts stay. Alerts and prepared alerts that go to the segment cannot start until their audience is chosen again.',
    deleteConfirm: 'Delete the segment',
    deleted: 'The segment {name} was deleted.',
    ruleCount: '{n} {n|rule|rules}',
  },
};
type T = Translate<keyof (typeof dict)['sv']>;

export function SegmentsPage({ route }: { route: Route }) {
  const t = useT(dict);
  const rpc = useRpc();
  const notify = useNotify();
  const list = useQuery('segments.list', {});
  useEvent('segments.changed', () => list.reload());
  const segments = useMemo(() => list.data?.segments ?? [], [list.data]);
  const openId = route.params[0] ?? null;
  const [form, setForm] = useState<SegmentForm>(newSegmentForm);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // Opening #/segments/<id> loads that segment into the builder.
  useEffect(() => {
    const s = openId ? segments.find((x) => x.id === openId) : null;
    setForm(s ? formOf(s) : newSegmentForm());
    setTried(false);
    setError(null);
  }, [openId, segments]);

  const problems = formProblems(form);
  const save = () => {
    setTried(true);
    if (problems.length) return;
    setError(null);
    rpc
      .call('segments.save', {
        ...(form.id ? { id: form.id } : {}),
        name: form.name,
        description: form.description.trim() || null,
        match: form.match,
        rules: form.rules,
      })
      .then((s) => {
        notify.done(t('savedNote', { name: s.name }));
        navigate('segments', s.id);
      }, setError);
  };

  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text maw={760}>{t('intro')}</Text>
      <Row align="flex-start" wrap="nowrap" gap="lg">
        <Paper withBorder p="md" w={280} component="nav" aria-labelledby="segments-saved">
          <Stack gap="xs">
            <Title order={3} size="h4" id="segments-saved">
              {t('saved')}
            </Title>
            <ErrorAlert error={list.error} />
            {segments.length === 0 && <Text size="sm">{t('none')}</Text>}
            {segments.map((s) => (
              <UnstyledButton key={s.id} onClick={() => navigate('segments', s.id)} aria-current={s.id === openId ? 'page' : undefined}>
                <Paper p="xs" withBorder bg={s.id === openId ? 'var(--mantine-color-blue-light)' : undefined}>
                  <Text fw={600}>{s.name}</Text>
                  <Text size="sm">{t('ruleCount', { n: s.rules.length })}</Text>
                </Paper>
              </UnstyledButton>
            ))}
            <Button variant="light" onClick={() => navigate('segments')}>
              {t('newSegment')}
            </Button>
          </Stack>
        </Paper>
        <Stack style={{ flex: 1 }} component="section" aria-label={form.name || t('newSegment')}>
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
          <Stack gap={4}>
            <Text fw={500} size="sm" id="segment-match">
              {t('match')}
            </Text>
            <SegmentedControl
              aria-labelledby="segment-match"
              value={form.match}
              onChange={(v) => setForm({ ...form, match: v as 'all' | 'any' })}
              data={[
                { value: 'all', label: t('all') },
                { value: 'any', label: t('any') },
              ]}
            />
          </Stack>
          <Title order={3} size="h4">
            {t('rules')}
          </Title>
          {form.rules.map((rule, i) => (
            <RuleEditor
              key={i}
              t={t}
              index={i}
              rule={rule}
              showProblem={tried}
              onChange={(r) => setForm({ ...form, rules: form.rules.map((x, j) => (j === i ? r : x)) })}
              onRemove={() => setForm({ ...form, rules: form.rules.filter((_, j) => j !== i) })}
            />
          ))}
          <Menu>
            <Menu.Target>
              <Button variant="default" w="fit-content">
                {t('addRule')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {ruleKinds.map((k) => (
                <Menu.Item key={k} onClick={() => setForm({ ...form, rules: [...form.rules, blankRule(k)] })}>
                  {t(`k_${k}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          {tried && problems.includes('no-rules') && <Text c="red.8">{t('f_no-rules')}</Text>}
          {tried && problems.includes('rule') && <Text c="red.8">{t('f_rule')}</Text>}
          <Preview t={t} form={form} />
          <ErrorAlert error={error} />
          <SaveDeleteButtons
            save={{ method: 'segments.save', label: t('save'), onClick: save }}
            remove={
              form.id
                ? {
                    method: 'segments.delete',
                    label: t('delete'),
                    confirm: { title: t('deleteTitle', { name: form.name }), confirmLabel: t('deleteConfirm'), body: t('deleteBody') },
                    run: () =>
                      rpc.call('segments.delete', { id: form.id! }).then(() => {
                        notify.done(t('deleted', { name: form.name }));
                        navigate('segments');
                      }),
                  }
                : undefined
            }
          />
        </Stack>
      </Row>
    </Stack>
  );
}

/** Who fits the complete rules right now, counted again a moment after each change. */
function Preview({ t, form }: { t: T; form: SegmentForm }) {
  const rules = completeRules(form.rules);
  const [params] = useDebouncedValue({ match: form.match, rules, limit: 8 }, 300);
  const preview = useQuery('segments.preview', params);
  useEvent('contacts.changed', () => preview.reload());
  const n = preview.data?.count ?? 0;
  return (
    <Paper withBorder p="md" bg="var(--mantine-color-default-hover)">
      <ErrorAlert error={preview.error} />
      <Text fw={700} size="lg" role="status" aria-live="polite">
        {t(rules.length < form.rules.length ? 'countPartial' : 'count', { n })}
      </Text>
      {n > 0 && (
        <>
          <Text size="sm">{t('first')}</Text>
          <List size="sm">
            {preview.data?.members.map((m) => (
              <List.Item key={m.id}>{m.displayName}</List.Item>
            ))}
          </List>
        </>
      )}
    </Paper>
  );
}

function RuleEditor({
  t,
  index,
  rule,
  showProblem,
  onChange,
  onRemove,
}: {
  t: T;
  index: number;
  rule: SegmentRule;
  showProblem: boolean;
  onChange: (r: SegmentRule) => void;
  onRemove: () => void;
}) {
  const problem = ruleProblem(rule);
  const label = t('rule', { n: index + 1 });
  return (
    <Paper
      withBorder
      p="sm"
      component="fieldset"
      aria-label={label}
      style={{ borderColor: showProblem && problem ? 'var(--mantine-color-red-7)' : undefined }}
    >
      <Row justify="space-between" mb="xs">
        <Badge variant="light">{t(`k_${rule.kind}`)}</Badge>
        <ActionIcon variant="subtle" color="red" aria-label={t('removeRule', { n: index + 1 })} onClick={onRemove}>
          ✕
        </ActionIcon>
      </Row>
      <RuleFields t={t} rule={rule} onChange={onChange} label={label} />
      {showProblem && problem && (
        <Text c="red.8" size="sm" mt={4}>
          {t(`p_${problem}`)}
        </Text>
      )}
    </Paper>
  );
}

function RuleFields({ t, rule, onChange, label }: { t: T; rule: SegmentRule; onChange: (r: SegmentRule) => void; label: string }) {
  const words = useWords();
  const groups = useQuery('groups.list', {}, { enabled: rule.kind === 'group' });
  const tags = useQuery('contacts.tags', {}, { enabled: rule.kind === 'tags' });
  const schedules = useQuery('schedules.list', {}, { enabled: rule.kind === 'onDuty' });
  const channelData = channels.map((c) => ({ value: c, label: words.channel[c] }));
  switch (rule.kind) {
    case 'group':
      return (
        <Row align="flex-end">
          <Select
            aria-label={`${label}: ${t('inGroup')}`}
            data={[
              { value: 'in', label: t('inGroup') },
              { value: 'out', label: t('notInGroup') },
            ]}
            value={rule.negate ? 'out' : 'in'}
            onChange={(v) => onChange({ ...rule, negate: v === 'out' })}
            allowDeselect={false}
            w={290}
          />
          <MultiSelect
            label={t('groups')}
            data={groupOptions(groups.data?.groups ?? [])}
            value={rule.groupIds.map(String)}
            onChange={(v) => onChange({ ...rule, groupIds: v.map(Number) })}
            searchable
            miw={240}
          />
          <Checkbox
            label={t('subgroups')}
            checked={rule.includeSubgroups}
            onChange={(e) => onChange({ ...rule, includeSubgroups: e.currentTarget.checked })}
          />
        </Row>
      );
    case 'tags':
      return (
        <Row align="flex-end">
          <Select
            aria-label={`${label}: ${t('op')}`}
            data={(['any', 'all', 'none'] as const).map((m) => ({ value: m, label: t(`t_${m}`) }))}
            value={rule.match}
            onChange={(v) => onChange({ ...rule, match: (v ?? 'any') as typeof rule.match })}
            allowDeselect={false}
          />
          <MultiSelect
            label={t('tags')}
            data={(tags.data?.tags ?? []).map((x) => x.tag)}
            value={rule.tags}
            onChange={(v) => onChange({ ...rule, tags: v })}
            searchable
            miw={240}
          />
        </Row>
      );
    case 'field':
      return (
        <Row align="flex-end">
          <TextInput label={t('key')} value={rule.key} onChange={(e) => onChange({ ...rule, key: e.currentTarget.value })} />
          <Select
            label={t('op')}
            data={segmentFieldOps.map((o) => ({ value: o, label: t(`o_${o}`) }))}
            value={rule.op}
            onChange={(v) => onChange({ ...rule, op: (v ?? 'eq') as typeof rule.op })}
            allowDeselect={false}
          />
          {segmentOpTakesValue(rule.op) && (
            <TextInput label={t('value')} value={rule.value} onChange={(e) => onChange({ ...rule, value: e.currentTarget.value })} />
          )}
        </Row>
      );
    case 'language':
      return (
        <MultiSelect
          label={t('languages')}
          data={(['sv', 'en'] as const).map((l) => ({ value: l, label: t(l) }))}
          value={rule.languages}
          onChange={(v) => onChange({ ...rule, languages: v as ('sv' | 'en')[] })}
        />
      );
    case 'reachable':
      return (
        <Row align="flex-end">
          <Select
            aria-label={`${label}: ${t('reachable')}`}
            data={[
              { value: 'yes', label: t('reachable') },
              { value: 'no', label: t('notReachable') },
            ]}
            value={rule.negate ? 'no' : 'yes'}
            onChange={(v) => onChange({ ...rule, negate: v === 'no' })}
            allowDeselect={false}
          />
          <Select
            label={t('channel')}
            data={channelData}
            value={rule.channel}
            onChange={(v) => onChange({ ...rule, channel: (v ?? 'sms') as typeof rule.channel })}
            allowDeselect={false}
          />
        </Row>
      );
    case 'doNotContact':
      return (
        <Row align="flex-end">
          <Select
            aria-label={`${label}: ${t('marked')}`}
            data={[
              { value: 'yes', label: t('marked') },
              { value: 'no', label: t('notMarked') },
            ]}
            value={rule.negate ? 'no' : 'yes'}
            onChange={(v) => onChange({ ...rule, negate: v === 'no' })}
            allowDeselect={false}
          />
          <Select
            label={t('channel')}
            data={[{ value: 'any', label: t('anyChannel') }, ...channelData]}
            value={rule.channel}
            onChange={(v) => onChange({ ...rule, channel: (v ?? 'any') as typeof rule.channel })}
            allowDeselect={false}
          />
        </Row>
      );
    case 'onDuty':
      return (
        <Select
          label={t('schedule')}
          description={t('onDutyHelp')}
          data={(schedules.data?.schedules ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={rule.scheduleId || null}
          onChange={(v) => onChange({ ...rule, scheduleId: v ?? '' })}
          allowDeselect={false}
          w={320}
        />
      );
    case 'area':
      return <AreaRuleFields rule={rule} onChange={onChange} label={label} />;
    default: {
      const never: never = rule;
      return never;
    }
  }
}
