// Settings → Tvåpersonsregeln: the organisation's rule for which alerts need a second
// operator's approval before they start — a live alert to more than N recipients (default
// 10) and every alert flagged Skarpt VMA-underlag — and the organisation's test group, whose
// test alerts are exempt. Shared by every workstation of the organisation; only an
// Administratör changes it, and each change is audited.
import { Alert, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RoleGuard } from '../../components/RoleGuard';
import { useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'Tvåpersonsregeln',
    intro:
      'Ett skarpt larm till fler mottagare än gränsen, och varje larm markerat som skarpt VMA-underlag, måste godkännas av en annan larmoperatör innan det startar. Testlarm till organisationens testgrupp behöver inget godkännande. Gäller alla organisationens arbetsplatser.',
    threshold: 'Gräns (antal mottagare)',
    thresholdHelp: 'Larm till fler än så här många personer kräver godkännande. 0 betyder att alla skarpa larm kräver det.',
    thresholdBad: 'Skriv ett heltal, 0 eller mer.',
    testGroup: 'Organisationens testgrupp',
    testGroupHelp: 'Testlarm till den här gruppen startar utan godkännande och visas som TEST.',
    noTestGroup: 'Ingen testgrupp',
    author: 'Den som skriver en mall får godkänna den själv',
    authorHelp: 'Bara för en organisation där en och samma person skriver och godkänner mallar. Annars godkänner en annan larmoperatör.',
    save: 'Spara regeln',
    saved: 'Regeln sparades.',
  },
  en: {
    title: 'Two-person rule',
    intro:
      'A live alert to more recipients than the limit, and every alert flagged as a live VMA, must be approved by another alert operator before it starts. Test alerts to the organisation’s test group need no approval. Applies to every workstation of the organisation.',
    threshold: 'Limit (number of recipients)',
    thresholdHelp: 'Alerts to more people than this need approval. 0 means every live alert needs it.',
    thresholdBad: 'Enter a whole number, 0 or more.',
    testGroup: 'The organisation’s test group',
    testGroupHelp: 'Test alerts to this group start without approval and are shown as TEST.',
    noTestGroup: 'No test group',
    author: 'The one who writes a template may approve it themselves',
    authorHelp: 'Only for an organisation where one person both writes and approves templates. Otherwise another alert operator approves.',
    save: 'Save the rule',
    saved: 'The rule was saved.',
  },
};

export function ApprovalRuleSection() {
  const t = useT(dict);
  const rpc = useRpc();
  const current = useQuery('campaigns.approvals', {});
  const groups = useQuery('groups.list', {});
  useEvent('groups.changed', () => groups.reload());
  const [threshold, setThreshold] = useState<number | string>('');
  const [testGroup, setTestGroup] = useState<string | null>(null);
  const [authorApproves, setAuthorApproves] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const rule = current.data?.rule;
  useEffect(() => {
    if (!rule) return;
    setThreshold(rule.threshold);
    setTestGroup(rule.testGroupId === null ? null : String(rule.testGroupId));
    setAuthorApproves(rule.authorMayApproveTemplates);
  }, [rule]);

  const valid = typeof threshold === 'number' && Number.isInteger(threshold) && threshold >= 0;
  const save = () => {
    if (!valid) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    rpc
      .call('campaigns.approvalRule.set', {
        threshold,
        testGroupId: testGroup === null ? null : Number(testGroup),
        authorMayApproveTemplates: authorApproves,
      })
      .then(() => {
        setSaved(true);
        current.reload();
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="approval-rule-title">
      <Stack>
        <Title order={3} id="approval-rule-title">
          {t('title')}
        </Title>
        <Text>{t('intro')}</Text>
        <Group align="flex-start">
          <NumberInput
            label={t('threshold')}
            description={t('thresholdHelp')}
            value={threshold}
            onChange={(v) => {
              setThreshold(v);
              setSaved(false);
            }}
            min={0}
            allowDecimal={false}
            error={threshold !== '' && !valid ? t('thresholdBad') : undefined}
            w={280}
          />
          <Select
            label={t('testGroup')}
            description={t('testGroupHelp')}
            placeholder={t('noTestGroup')}
            data={(groups.data?.groups ?? []).map((g) => ({ value: String(g.id), label: g.name }))}
            value={testGroup}
            onChange={(v) => {
              setTestGroup(v);
              setSaved(false);
            }}
            clearable
            w={320}
          />
        </Group>
        <Checkbox
          label={t('author')}
          description={t('authorHelp')}
          checked={authorApproves}
          onChange={(e) => {
            setAuthorApproves(e.currentTarget.checked);
            setSaved(false);
          }}
        />
        <ErrorAlert error={error ?? current.error} />
        {saved && (
          <Alert color="green" role="status">
            {t('saved')}
          </Alert>
        )}
        <Group>
          <RoleGuard method="campaigns.approvalRule.set">
            {(refused) => (
              <Button onClick={save} loading={busy} disabled={refused || !valid}>
                {t('save')}
              </Button>
            )}
          </RoleGuard>
        </Group>
      </Stack>
    </Paper>
  );
}
