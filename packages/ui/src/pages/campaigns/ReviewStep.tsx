// The wizard's last screen: what the planner says would happen if the alert started now —
// how many get it, who does not and why, what each step sends, the cost, and anything
// that stops the start, and whether the plan is a pre-approved prepared alert's (then it
// needs no second approval: who approved it for how many, against how many get it now).
// Nothing is sent from here without the start dialog.
import { Alert, Badge, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { PlanReport } from '@gdial/protocol';
import { useWords } from '../../components/labels';
import { useFormat, useLanguage, useT } from '../../i18n';
import { planNoteText } from './planWords';
import { waveWords } from './waveWords';
import { refusalText } from '../../components/refusals';

const dict = {
  sv: {
    recipients: 'Får larmet',
    selected: 'Valda kontakter',
    excluded: 'Nås inte',
    deliveries: 'Utskick totalt',
    blockers: 'Larmet kan inte startas',
    warnings: 'Tänk på',
    whyExcluded: 'Vilka som inte nås och varför',
    reason: 'Orsak',
    count: 'Antal',
    examples: 'Exempel',
    missingVars: 'Saknar uppgifter för meddelandet',
    steps: 'Kanalplan',
    step: 'Steg',
    channel: 'Kanal',
    people: 'Mottagare',
    sends: 'Utskick',
    dupes: 'Dubbletter',
    optedOut: 'Avregistrerade',
    noAddress: 'Saknar nummer/adress',
    cost: 'Beräknad kostnad',
    costRange: '{min} – {max} {cur}',
    costHelp: 'Lägst om alla bekräftar i första steget, högst om alla steg körs för alla.',
    smsSeg: '{n} SMS-delar ({c} {cur})',
    callMin: '{n} samtalsminuter ({c} {cur})',
    emails: '{n} e-post',
    unpriced: 'Inget pris för: {c}',
    waves: 'Vågor',
    segments: 'Sparade urval',
    segmentName: 'Urval',
    segmentMembers: 'Passar reglerna nu',
    segmentUse: 'Används som',
    segmentIncluded: 'Mottagare',
    segmentExcluded: 'Undantas',
    approved: 'Mallen är godkänd',
    unapproved: 'Mallen är inte godkänd – du måste ange ett skäl när du startar.',
    preApproved: 'Förhandsgodkänd larmmall',
    preApprovedBody:
      'Larmmallen ”{name}” godkändes av {asked} och {approved} {date}, då med {people} {people|person|personer} i mottagarlistan. Larmet behöver inget nytt godkännande – kontrollera antalet mottagare nu innan du startar.',
    preApprovedMore: 'Nu får {n} {n|person|personer} larmet – fler än när larmmallen godkändes.',
    burn: 'Engångsmeddelande',
    burnBody:
      'Texten skickas inte i meddelandet: mottagarna får en länk som visar texten en gång. Oläst text raderas efter {hours} {hours|timme|timmar}. Samtal läser upp meddelandet som vanligt.',
  },
  en: {
    recipients: 'Get the alert',
    selected: 'Contacts chosen',
    excluded: 'Not reached',
    deliveries: 'Sends in total',
    blockers: 'The alert cannot be started',
    warnings: 'Note',
    whyExcluded: 'Who is not reached and why',
    reason: 'Reason',
    count: 'Count',
    examples: 'Examples',
    missingVars: 'Lacking details for the message',
    steps: 'Channel plan',
    step: 'Step',
    channel: 'Channel',
    people: 'Recipients',
    sends: 'Sends',
    dupes: 'Duplicates',
    optedOut: 'Opted out',
    noAddress: 'No number/address',
    cost: 'Estimated cost',
    costRange: '{min} – {max} {cur}',
    costHelp: 'Lowest if everyone confirms at the first step, highest if every step runs for everyone.',
    smsSeg: '{n} SMS parts ({c} {cur})',
    callMin: '{n} call minutes ({c} {cur})',
    emails: '{n} e-mails',
    unpriced: 'No price for: {c}',
    waves: 'Waves',
    segments: 'Saved segments',
    segmentName: 'Segment',
    segmentMembers: 'Fit the rules now',
    segmentUse: 'Used as',
    segmentIncluded: 'Recipients',
    segmentExcluded: 'Excluded',
    approved: 'The template is approved',
    unapproved: 'The template is not approved – you must give a reason when starting.',
    preApproved: 'Pre-approved prepared alert',
    preApprovedBody:
      'The prepared alert “{name}” was approved by {asked} and {approved} on {date}, with {people} {people|person|people} in its audience then. The alert needs no new approval – check the number of recipients now before you start.',
    preApprovedMore: 'Now {n} {n|person gets|people get} the alert – more than when the prepared alert was approved.',
    burn: 'One-time message',
    burnBody:
      'The text is not in the message: recipients get a link that shows it once. Unread text is deleted after {hours} {hours|hour|hours}. Calls speak the message as usual.',
  },
};

function Figure({ label, value, colour }: { label: string; value: string; colour?: string }) {
  return (
    <Paper withBorder p="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={32} fw={800} c={colour}>
        {value}
      </Text>
    </Paper>
  );
}

/** `burnHours`: the alert is an engångsmeddelande deleted unread after that many hours (absent: it is not). */
export function ReviewStep({ plan, burnHours = null }: { plan: PlanReport; burnHours?: number | null }) {
  const { language } = useLanguage();
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const excludedTotal = plan.excluded.reduce((s, e) => s + e.count, 0);
  const money = (n: number) => f.number(Math.round(n * 100) / 100);
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label={t('recipients')} value={f.number(plan.recipients)} colour="blue" />
        <Figure label={t('selected')} value={f.number(plan.selected)} />
        <Figure label={t('excluded')} value={f.number(excludedTotal)} colour={excludedTotal > 0 ? 'orange' : undefined} />
        <Figure label={t('deliveries')} value={f.number(plan.deliveries)} />
      </SimpleGrid>

      {plan.blockers.length > 0 && (
        <Alert color="red" title={t('blockers')} role="alert">
          <List>
            {plan.blockers.map((b, i) => (
              // Worded from the blocker's code when the engine sent one (the same order), else from its sentence.
              <List.Item key={b}>
                {(plan.blockerRefusals[i] && refusalText(plan.blockerRefusals[i], language)) ?? planNoteText(b, language)}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {plan.warnings.length > 0 && (
        <Alert color="orange" title={t('warnings')}>
          <List>
            {plan.warnings.map((w) => (
              <List.Item key={w}>{planNoteText(w, language)}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {plan.preApproved && (
        <Alert color={plan.recipients > plan.preApproved.people ? 'orange' : 'green'} title={t('preApproved')}>
          <Text>
            {t('preApprovedBody', {
              name: plan.preApproved.name,
              asked: plan.preApproved.requestedBy,
              approved: plan.preApproved.approvedBy,
              date: new Date(plan.preApproved.at).toLocaleDateString(f.locale),
              people: f.number(plan.preApproved.people),
            })}
          </Text>
          {plan.recipients > plan.preApproved.people && <Text fw={700}>{t('preApprovedMore', { n: f.number(plan.recipients) })}</Text>}
        </Alert>
      )}
      {burnHours !== null && (
        <Alert color="blue" title={t('burn')}>
          {t('burnBody', { hours: burnHours })}
        </Alert>
      )}
      <Badge size="lg" color={plan.templateApproved ? 'green' : 'orange'} variant="light">
        {plan.templateApproved ? t('approved') : t('unapproved')}
      </Badge>

      {plan.excluded.some((e) => e.count > 0) && (
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            {t('whyExcluded')}
          </Title>
          <Table aria-label={t('whyExcluded')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reason')}</Table.Th>
                <Table.Th>{t('count')}</Table.Th>
                <Table.Th>{t('examples')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plan.excluded
                .filter((e) => e.count > 0)
                .map((e) => {
                  const samples = plan.exclusionSamples.filter((x) => x.reason === e.reason).slice(0, 5);
                  return (
                    <Table.Tr key={e.reason}>
                      <Table.Td>{words.exclusion[e.reason]}</Table.Td>
                      <Table.Td>{f.number(e.count)}</Table.Td>
                      <Table.Td>{samples.map((x) => `${x.displayName}${x.detail ? ` (${x.detail})` : ''}`).join(', ')}</Table.Td>
                    </Table.Tr>
                  );
                })}
            </Table.Tbody>
          </Table>
        </Paper>
      )}

      {plan.missingVariables.length > 0 && (
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            {t('missingVars')}
          </Title>
          <List size="sm">
            {plan.missingVariables.slice(0, 20).map((m) => (
              <List.Item key={m.contactId}>
                {m.displayName}: {m.variables.join(', ')} ({m.channels.map((c) => words.channel[c]).join(', ')})
              </List.Item>
            ))}
          </List>
        </Paper>
      )}

      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="xs">
          {t('steps')}
        </Title>
        <Table aria-label={t('steps')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('step')}</Table.Th>
              <Table.Th>{t('channel')}</Table.Th>
              <Table.Th>{t('people')}</Table.Th>
              <Table.Th>{t('sends')}</Table.Th>
              <Table.Th>{t('noAddress')}</Table.Th>
              <Table.Th>{t('optedOut')}</Table.Th>
              <Table.Th>{t('dupes')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.steps.map((s) => (
              <Table.Tr key={s.index}>
                <Table.Td>{s.index + 1}</Table.Td>
                <Table.Td>{words.channel[s.channel]}</Table.Td>
                <Table.Td>{f.number(s.recipients)}</Table.Td>
                <Table.Td>{f.number(s.deliveries)}</Table.Td>
                <Table.Td>{f.number(s.noAddress)}</Table.Td>
                <Table.Td>{f.number(s.optedOut + s.doNotContact)}</Table.Td>
                <Table.Td>{f.number(s.duplicateAddresses)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>

      {plan.waves.length > 0 && (
        <Paper withBorder p="md" component="section" aria-label={t('waves')}>
          <Title order={3} size="h4" mb="xs">
            {t('waves')}
          </Title>
          <List>
            {plan.waves.map((w) => (
              <List.Item key={w.index}>
                <Text span fw={700}>
                  {waveWords(language).title(w.index)}:{' '}
                </Text>
                {waveWords(language).sentence(w, waveWords(language).upTo(w.people))}
              </List.Item>
            ))}
          </List>
        </Paper>
      )}

      {plan.segments.length > 0 && (
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            {t('segments')}
          </Title>
          <Table aria-label={t('segments')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('segmentName')}</Table.Th>
                <Table.Th>{t('segmentUse')}</Table.Th>
                <Table.Th>{t('segmentMembers')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plan.segments.map((s) => (
                <Table.Tr key={`${s.id}-${s.excluded ? 'x' : 'i'}`}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>{s.excluded ? t('segmentExcluded') : t('segmentIncluded')}</Table.Td>
                  <Table.Td>{f.number(s.members)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}

      <Paper withBorder p="md">
        <Title order={3} size="h4">
          {t('cost')}
        </Title>
        <Text fz={24} fw={700}>
          {t('costRange', { min: money(plan.cost.minTotal), max: money(plan.cost.maxTotal), cur: plan.cost.currency })}
        </Text>
        <Text size="sm" c="dimmed">
          {t('costHelp')}
        </Text>
        <Group gap="lg" mt="xs">
          <Text size="sm">{t('smsSeg', { n: f.number(plan.cost.smsSegments), c: money(plan.cost.smsCost), cur: plan.cost.currency })}</Text>
          <Text size="sm">
            {t('callMin', { n: f.number(plan.cost.callMinutes), c: money(plan.cost.callCost), cur: plan.cost.currency })}
          </Text>
          {plan.cost.emails > 0 && <Text size="sm">{t('emails', { n: f.number(plan.cost.emails) })}</Text>}
        </Group>
        {plan.cost.unpricedCountries.length > 0 && (
          <Text size="sm" c="var(--gdial-warn-text)">
            {t('unpriced', { c: plan.cost.unpricedCountries.join(', ') })}
          </Text>
        )}
      </Paper>
    </Stack>
  );
}
