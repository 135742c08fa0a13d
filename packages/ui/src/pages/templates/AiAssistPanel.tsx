// The template editor's AI help (issue #18): "Föreslå text" drafts SMS, voice script and
// e-mail from a few words in MSB's structure within the chosen SMS length; "Lättläst"
// rewrites the Swedish SMS in easy Swedish; "Översätt" translates it into one of the
// organisation's languages, beside a back-translation into Swedish, and the translation can
// be used only once someone has ticked that they reviewed it (their name is shown). Each
// proposal says which model answered and what it cost. A proposal only fills the editor: the
// operator edits and saves, and the template is approved as any other — AI approves nothing.
// With AI off or unreachable the panel says so and the editor works as before.
import { Alert, Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { AiLanguage, AiUse, AlertDraft } from '@gdial/protocol';
import { AiUseLine, useAiWords } from '../../components/aiWords';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RoleGuard } from '../../components/RoleGuard';
import { useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useSession } from '../../session';

const dict = {
  sv: {
    title: 'AI-stöd',
    off: 'AI-stödet är avstängt. Du skriver texterna själv; en administratör kan slå på AI under Inställningar → AI-stöd.',
    note: 'AI föreslår bara. Läs, ändra och spara själv; mallen godkänns som vanligt av en person.',
    draftTab: 'Föreslå text',
    simplifyTab: 'Lättläst',
    translateTab: 'Översätt',
    notes: 'Vad har hänt? Några ord räcker',
    notesPlaceholder: 'brand Ystad hamn, rök, håll fönster stängda',
    segments: 'SMS-längd',
    segment1: '1 SMS (160 tecken)',
    segmentN: '{n} SMS ({chars} tecken)',
    propose: 'Föreslå text',
    sms: 'SMS',
    voice: 'Röstmeddelande',
    email: 'E-post',
    useDraft: 'Använd förslaget i mallen',
    source: 'Svensk SMS-text att utgå från',
    noSource: 'Skriv eller föreslå den svenska SMS-texten först.',
    simplify: 'Skriv om till lättläst',
    simplified: 'Lättläst förslag',
    useSimplified: 'Använd som svensk SMS-text',
    language: 'Språk',
    translate: 'Översätt',
    translation: 'Översättning',
    back: 'Tillbakaöversättning till svenska (för granskningen)',
    reviewed: 'Jag har granskat översättningen mot tillbakaöversättningen',
    reviewedBy: 'Granskad av {name}',
    notReviewed: 'Inte granskad: översättningen kan inte användas än.',
    useTranslation: 'Använd som engelsk SMS-text',
    copyOnly: 'GDial skickar ännu bara svenska och engelska. Den granskade översättningen kan kopieras till en egen mall för språket.',
    copy: 'Kopiera översättningen',
    copied: 'Kopierad.',
    noLanguages: 'Organisationen har inte valt några språk (Inställningar → AI-stöd).',
  },
  en: {
    title: 'AI assistance',
    off: 'AI assistance is turned off. You write the texts yourself; an administrator can turn AI on under Settings → AI assistance.',
    note: 'AI only proposes. Read, edit and save yourself; the template is approved by a person as usual.',
    draftTab: 'Propose text',
    simplifyTab: 'Easy Swedish',
    translateTab: 'Translate',
    notes: 'What has happened? A few words are enough',
    notesPlaceholder: 'fire Ystad harbour, smoke, keep windows closed',
    segments: 'SMS length',
    segment1: '1 SMS (160 characters)',
    segmentN: '{n} SMS ({chars} characters)',
    propose: 'Propose text',
    sms: 'SMS',
    voice: 'Voice message',
    email: 'E-mail',
    useDraft: 'Use the proposal in the template',
    source: 'Swedish SMS text to start from',
    noSource: 'Write or propose the Swedish SMS text first.',
    simplify: 'Rewrite in easy Swedish',
    simplified: 'Easy Swedish proposal',
    useSimplified: 'Use as the Swedish SMS text',
    language: 'Language',
    translate: 'Translate',
    translation: 'Translation',
    back: 'Back-translation into Swedish (for the review)',
    reviewed: 'I have reviewed the translation against the back-translation',
    reviewedBy: 'Reviewed by {name}',
    notReviewed: 'Not reviewed: the translation cannot be used yet.',
    useTranslation: 'Use as the English SMS text',
    copyOnly:
      'GDial sends only Swedish and English so far. The reviewed translation can be copied into a template of its own for the language.',
    copy: 'Copy the translation',
    copied: 'Copied.',
    noLanguages: 'The organisation has chosen no languages (Settings → AI assistance).',
  },
};

export interface AiAssistPanelProps {
  /** The Swedish SMS text the rewrite and translation start from. */
  swedishSms: string;
  variables: string[];
  onUseDraft: (draft: AlertDraft) => void;
  onUseSimplified: (text: string) => void;
  onUseEnglish: (text: string) => void;
}

export function AiAssistPanel(props: AiAssistPanelProps) {
  const t = useT(dict);
  const status = useQuery('ai.status', {});
  if (!status.data) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="ai-assist-title">
      <Stack>
        <Title order={3} id="ai-assist-title">
          {t('title')}
        </Title>
        {status.data.settings.enabled ? (
          <>
            <Text size="sm" c="dimmed">
              {t('note')}
            </Text>
            <Tabs defaultValue="draft" variant="pills">
              <Tabs.List>
                <Tabs.Tab value="draft">{t('draftTab')}</Tabs.Tab>
                <Tabs.Tab value="simplify">{t('simplifyTab')}</Tabs.Tab>
                <Tabs.Tab value="translate">{t('translateTab')}</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="draft" pt="md">
                <DraftTab {...props} />
              </Tabs.Panel>
              <Tabs.Panel value="simplify" pt="md">
                <SimplifyTab {...props} />
              </Tabs.Panel>
              <Tabs.Panel value="translate" pt="md">
                <TranslateTab {...props} languages={status.data.settings.languages} />
              </Tabs.Panel>
            </Tabs>
          </>
        ) : (
          <Text size="sm">{t('off')}</Text>
        )}
      </Stack>
    </Paper>
  );
}

function DraftTab({ variables, onUseDraft }: AiAssistPanelProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const [notes, setNotes] = useState('');
  const [segments, setSegments] = useState('1');
  const [result, setResult] = useState<{ draft: AlertDraft; use: AiUse } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const propose = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('ai.draftAlert', { notes, smsSegments: Number(segments), variables })
      .then((r) => setResult({ draft: r.draft, use: r.use }), setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack>
      <Textarea
        label={t('notes')}
        placeholder={t('notesPlaceholder')}
        value={notes}
        onChange={(e) => setNotes(e.currentTarget.value)}
        autosize
        minRows={2}
      />
      <Group align="end">
        <Select
          label={t('segments')}
          value={segments}
          onChange={(v) => setSegments(v ?? '1')}
          data={[1, 2, 3].map((n) => ({ value: String(n), label: n === 1 ? t('segment1') : t('segmentN', { n, chars: n * 153 }) }))}
          allowDeselect={false}
          w={240}
        />
        <RoleGuard method="ai.draftAlert">
          {(refused) => (
            <Button onClick={propose} loading={busy} disabled={refused || notes.trim().length < 3}>
              {t('propose')}
            </Button>
          )}
        </RoleGuard>
      </Group>
      <ErrorAlert error={error} />
      {result && (
        <Stack gap="xs">
          <Textarea label={t('sms')} value={result.draft.sms} readOnly autosize />
          <Textarea label={t('voice')} value={result.draft.voice} readOnly autosize />
          <Textarea label={t('email')} value={`${result.draft.emailSubject}\n\n${result.draft.emailBody}`} readOnly autosize />
          <AiUseLine use={result.use} />
          <Button variant="light" onClick={() => onUseDraft(result.draft)} style={{ alignSelf: 'flex-start' }}>
            {t('useDraft')}
          </Button>
        </Stack>
      )}
    </Stack>
  );
}

function SimplifyTab({ swedishSms, onUseSimplified }: AiAssistPanelProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const [result, setResult] = useState<{ text: string; use: AiUse } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('ai.simplify', { text: swedishSms })
      .then(setResult, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack>
      {swedishSms.trim() ? <Textarea label={t('source')} value={swedishSms} readOnly autosize /> : <Text size="sm">{t('noSource')}</Text>}
      <RoleGuard method="ai.simplify">
        {(refused) => (
          <Button onClick={run} loading={busy} disabled={refused || !swedishSms.trim()} style={{ alignSelf: 'flex-start' }}>
            {t('simplify')}
          </Button>
        )}
      </RoleGuard>
      <ErrorAlert error={error} />
      {result && (
        <Stack gap="xs">
          <Textarea label={t('simplified')} value={result.text} readOnly autosize />
          <AiUseLine use={result.use} />
          <Button variant="light" onClick={() => onUseSimplified(result.text)} style={{ alignSelf: 'flex-start' }}>
            {t('useSimplified')}
          </Button>
        </Stack>
      )}
    </Stack>
  );
}

function TranslateTab({ swedishSms, onUseEnglish, languages }: AiAssistPanelProps & { languages: AiLanguage[] }) {
  const t = useT(dict);
  const words = useAiWords();
  const rpc = useRpc();
  const { state } = useSession();
  const [language, setLanguage] = useState<AiLanguage | null>(languages[0] ?? null);
  const [result, setResult] = useState<{ language: AiLanguage; translation: string; backTranslation: string; use: AiUse } | null>(null);
  const [reviewed, setReviewed] = useState(false);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (languages.length === 0) return <Text size="sm">{t('noLanguages')}</Text>;
  const run = () => {
    if (!language) return;
    setBusy(true);
    setError(null);
    setReviewed(false);
    setCopied(false);
    rpc
      .call('ai.translate', { text: swedishSms, language })
      .then((r) => setResult({ ...r, language }), setError)
      .finally(() => setBusy(false));
  };
  const reviewer = state?.user?.displayName ?? '';
  return (
    <Stack>
      {swedishSms.trim() ? <Textarea label={t('source')} value={swedishSms} readOnly autosize /> : <Text size="sm">{t('noSource')}</Text>}
      <Group align="end">
        <Select
          label={t('language')}
          value={language}
          onChange={(v) => setLanguage(v as AiLanguage | null)}
          data={languages.map((l) => ({ value: l, label: words.language[l] }))}
          allowDeselect={false}
          w={240}
        />
        <RoleGuard method="ai.translate">
          {(refused) => (
            <Button onClick={run} loading={busy} disabled={refused || !swedishSms.trim() || !language}>
              {t('translate')}
            </Button>
          )}
        </RoleGuard>
      </Group>
      <ErrorAlert error={error} />
      {result && (
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Textarea
              label={`${t('translation')} (${words.language[result.language]})`}
              value={result.translation}
              readOnly
              autosize
              dir={['ar', 'fa', 'prs', 'yi'].includes(result.language) ? 'rtl' : 'ltr'}
            />
            <Textarea label={t('back')} value={result.backTranslation} readOnly autosize />
          </SimpleGrid>
          <AiUseLine use={result.use} />
          <Checkbox label={t('reviewed')} checked={reviewed} onChange={(e) => setReviewed(e.currentTarget.checked)} />
          {reviewed ? (
            <Alert color="green" role="status">
              {t('reviewedBy', { name: reviewer })}
            </Alert>
          ) : (
            <Text size="sm" c="dimmed">
              {t('notReviewed')}
            </Text>
          )}
          {result.language === 'en' ? (
            <Button
              variant="light"
              disabled={!reviewed}
              onClick={() => onUseEnglish(result.translation)}
              style={{ alignSelf: 'flex-start' }}
            >
              {t('useTranslation')}
            </Button>
          ) : (
            <Stack gap={4}>
              <Text size="sm">{t('copyOnly')}</Text>
              <Group>
                <Button
                  variant="light"
                  disabled={!reviewed}
                  onClick={() => void navigator.clipboard.writeText(result.translation).then(() => setCopied(true))}
                >
                  {t('copy')}
                </Button>
                {copied && <Text size="sm">{t('copied')}</Text>}
              </Group>
            </Stack>
          )}
        </Stack>
      )}
    </Stack>
  );
}
