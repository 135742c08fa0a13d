// The edit drawer: every field of one contact (or a new one), saved in one call. The
// engine's verdict on each phone number (valid? SMS or calls only?) shows as the operator
// types; a refused save shows each problem next to its field. GDPR requests for the
// contact (export everything as JSON, erase completely) live here too, and the person's
// history across alerts (PersonTimeline). The fields
// themselves are in ContactFormFields, the words in contactDrawerWords.
import { Alert, Box, Button, Divider, Drawer, Group as Row, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Contact, Group } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/useNotify';
import { downloadJson } from '../../components/download';
import { useLanguage, useT, type Translate } from '../../i18n';
import { RpcError } from '../../rpc/client';
import { useRpc } from '../../rpc/react';
import { draftFromContact, draftToFields, emptyDraft, issuesByField, phoneCheckIsCurrent, type ContactDraft } from './contactForm';
import { dict, fieldLabel, type DrawerKey } from './contactDrawerWords';
import { AddressConsentPanel } from './AddressConsentPanel';
import { ContactFormFields } from './ContactFormFields';
import { PersonTimeline } from './PersonTimeline';
import { TelegramLinkPanel } from './TelegramLinkPanel';
import contrast from '../../components/contrast.module.css';

export interface ContactDrawerProps {
  /** A contact id, 'new' for a blank form, or null when closed. */
  target: number | 'new' | null;
  groups: readonly Group[];
  onClose: () => void;
  onSaved: (contact: Contact) => void;
  onErased: (id: number) => void;
}

export function ContactDrawer({ target, groups, onClose, onSaved, onErased }: ContactDrawerProps) {
  const t = useT(dict);
  const { language } = useLanguage();
  const rpc = useRpc();
  const notify = useNotify();
  const [stored, setStored] = useState<Contact | null>(null);
  const [draft, setDraft] = useState<ContactDraft>(emptyDraft);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState('');
  const [checking, setChecking] = useState<ReadonlySet<string>>(new Set());
  const [eraseOpen, setEraseOpen] = useState(false);
  const [discardOpen, setDiscardOpen] = useState(false);
  const baseline = useRef('');

  const heldId = useRef<number | null>(null);
  heldId.current = stored?.id ?? null;

  useEffect(() => {
    // A contact just created here becomes the target; it is already held, so keep its status.
    if (typeof target === 'number' && heldId.current === target) return;
    setSaveError(null);
    setLoadError(null);
    setStatus('');
    if (target === null) {
      // Reopening the same contact later must fetch it afresh.
      setStored(null);
      return;
    }
    if (target === 'new') {
      const d = emptyDraft();
      setStored(null);
      setDraft(d);
      baseline.current = JSON.stringify(draftToFields(d));
      return;
    }
    let live = true;
    setStored(null);
    rpc.call('contacts.get', { id: target }).then(
      (c) => {
        if (!live) return;
        const d = draftFromContact(c);
        setStored(c);
        setDraft(d);
        baseline.current = JSON.stringify(draftToFields(d));
      },
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [rpc, target]);

  // Ask the engine about each number the operator has typed, once typing pauses.
  const phoneTexts = draft.phones.map((p) => `${p.key}=${p.number}`).join('|');
  useEffect(() => {
    const pending = draft.phones.filter((p) => p.number.trim() !== '' && !phoneCheckIsCurrent(p));
    if (pending.length === 0) return;
    const timer = setTimeout(() => {
      for (const p of pending) {
        const text = p.number.trim();
        setChecking((s) => new Set(s).add(p.key));
        rpc.call('contacts.checkPhone', { number: text }).then(
          (check) => {
            setDraft((d) => ({
              ...d,
              phones: d.phones.map((q) => (q.key === p.key && q.number.trim() === text ? { ...q, check, checkedNumber: text } : q)),
            }));
            setChecking((s) => {
              const n = new Set(s);
              n.delete(p.key);
              return n;
            });
          },
          () =>
            setChecking((s) => {
              const n = new Set(s);
              n.delete(p.key);
              return n;
            }),
        );
      }
    }, 400);
    return () => clearTimeout(timer);
    // Re-run only when a number's text changes, not when a check result arrives.
  }, [phoneTexts]);

  const issues = useMemo(
    () => (saveError instanceof RpcError ? issuesByField(saveError.fieldIssues, draft, language) : new Map<string, string>()),
    [saveError, draft, language],
  );
  const dirty = JSON.stringify(draftToFields(draft)) !== baseline.current;
  const opened = target !== null;
  const isNew = target === 'new';
  const title = isNew ? t('newTitle') : t('editTitle', { name: stored?.displayName ?? '…' });

  const save = () => {
    if (!dirty && !isNew) {
      setStatus(t('unchanged'));
      return;
    }
    setSaving(true);
    setSaveError(null);
    setStatus('');
    const fields = draftToFields(draft);
    const call =
      isNew || stored === null ? rpc.call('contacts.create', fields) : rpc.call('contacts.update', { id: stored.id, changes: fields });
    call.then(
      (c) => {
        setSaving(false);
        const d = draftFromContact(c);
        setStored(c);
        setDraft(d);
        baseline.current = JSON.stringify(draftToFields(d));
        // Said in the drawer's own footer: a toast would cover the Save button.
        setStatus(isNew ? t('created') : t('saved'));
        onSaved(c);
      },
      (e: unknown) => {
        setSaving(false);
        setSaveError(e);
      },
    );
  };

  const exportData = () => {
    if (!stored) return;
    rpc.call('contacts.exportPersonalData', { id: stored.id }).then((data) => {
      const file = `personuppgifter-kontakt-${stored.id}.json`;
      downloadJson(file, data);
      setStatus(t('exported', { file }));
    }, setSaveError);
  };

  /** Closing with unsaved edits asks first: a half-edited number must not be lost silently. */
  const requestClose = () => {
    if (dirty && (isNew || stored !== null)) setDiscardOpen(true);
    else onClose();
  };

  return (
    <Drawer
      opened={opened}
      onClose={requestClose}
      position="right"
      className={contrast.scope}
      size={640}
      title={
        <Text fw={700} size="xl">
          {title}
        </Text>
      }
      closeButtonProps={{ 'aria-label': t('close') }}
      padding="lg"
    >
      {loadError ? (
        <ErrorAlert error={loadError} />
      ) : !isNew && stored === null ? (
        <Row>
          <Loader size="sm" />
          <Text>{t('loading')}</Text>
        </Row>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <Stack gap="lg" pb={90}>
            <ContactFormFields draft={draft} setDraft={setDraft} issues={issues} checking={checking} groups={groups} />
            {stored && (
              <>
                <Divider />
                <TelegramLinkPanel contactId={stored.id} name={stored.displayName} chatId={stored.telegramChatId} />
                <Divider />
                <AddressConsentPanel key={stored.id} contact={stored} />
                <Divider />
                <PersonTimeline contactId={stored.id} />
                <Divider />
                <Stack gap="xs">
                  <Text fw={700} size="lg">
                    {t('gdpr')}
                  </Text>
                  <Row>
                    <Button variant="default" onClick={exportData}>
                      {t('exportData')}
                    </Button>
                    <Button variant="light" color="red" onClick={() => setEraseOpen(true)}>
                      {t('erase')}
                    </Button>
                  </Row>
                </Stack>
              </>
            )}
          </Stack>

          <Box
            pos="sticky"
            bottom={0}
            py="sm"
            bg="var(--mantine-color-body)"
            style={{ borderTop: '1px solid var(--mantine-color-gray-3)', zIndex: 5 }}
          >
            {saveError !== null && (
              <Box mb="sm" mah={220} style={{ overflow: 'auto' }}>
                {saveError instanceof RpcError && saveError.code === 'VALIDATION' ? (
                  <Alert color="red" role="alert" title={t('fixFields')}>
                    <ErrorList issues={issues} t={t} />
                  </Alert>
                ) : (
                  <ErrorAlert error={saveError} />
                )}
              </Box>
            )}
            <Row justify="space-between">
              <Text role="status" c="var(--gdial-ok-text)" fw={600}>
                {status}
              </Text>
              <Row>
                <Button variant="default" onClick={requestClose}>
                  {t('close')}
                </Button>
                <Button type="submit" loading={saving} size="md">
                  {isNew ? t('create') : t('save')}
                </Button>
              </Row>
            </Row>
          </Box>
        </form>
      )}
      <ConfirmDialog
        opened={discardOpen}
        title={t('discardTitle')}
        confirmLabel={t('discard')}
        cancelLabel={t('keepEditing')}
        onClose={() => setDiscardOpen(false)}
        onConfirm={async () => {
          setDiscardOpen(false);
          onClose();
        }}
      >
        <Text>{t('discardBody')}</Text>
      </ConfirmDialog>
      {stored && (
        <ConfirmDialog
          opened={eraseOpen}
          title={t('eraseTitle', { name: stored.displayName })}
          confirmLabel={t('eraseConfirm', { name: stored.displayName })}
          onClose={() => setEraseOpen(false)}
          onConfirm={() =>
            rpc.call('contacts.erase', { id: stored.id }).then(() => {
              notify.done(t('erased'));
              onErased(stored.id);
            })
          }
        >
          <Text>{t('eraseBody', { id: stored.id })}</Text>
        </ConfirmDialog>
      )}
    </Drawer>
  );
}

function ErrorList({ issues, t }: { issues: ReadonlyMap<string, string>; t: Translate<DrawerKey> }) {
  return (
    <Stack gap={2}>
      {[...issues.entries()].map(([path, message]) => (
        <Text key={path} size="sm">
          <strong>{fieldLabel(path, t)}</strong>: {message}
        </Text>
      ))}
    </Stack>
  );
}
