// What the operator can do with the selected contacts at once: add them to a group or take
// them out of one, add or remove a tag, mark a channel they must not be contacted by (or
// lift that), export them, or delete them (after a confirmation that says how many and whom).
import { Button, Group as Row, List, Modal, Paper, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { channels, type Channel, type Group } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/useNotify';
import { channelWords } from '../../components/labels';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { groupOptions } from '../../components/groupTree';
import contrast from '../../components/contrast.module.css';

const dict = {
  sv: {
    selected: '{n} markerade',
    selectAll: 'Markera alla {n}',
    selectingAll: 'Hämtar {done} av {total}…',
    clear: 'Avmarkera alla',
    addToGroup: 'Lägg i grupp…',
    removeFromGroup: 'Ta ur grupp…',
    addTag: 'Lägg till tagg…',
    export: 'Exportera markerade…',
    delete: 'Radera…',
    actions: 'Åtgärder för markerade kontakter',
    addTitle: 'Lägg {who} i en grupp',
    removeTitle: 'Ta ur {who} ur en grupp',
    group: 'Grupp',
    cancel: 'Avbryt',
    addConfirm: 'Lägg {who} i gruppen',
    removeConfirm: 'Ta ur {who} ur gruppen',
    added: '{who} lades i {group}.',
    removed: '{who} togs ur {group}.',
    needGroup: 'Välj en grupp först.',
    tagTitle: 'Tagga {who}',
    tag: 'Tagg',
    tagConfirm: 'Lägg till taggen på {who}',
    tagged: 'Taggen {tag} lades på {who}.',
    needTag: 'Skriv taggen först.',
    removeTag: 'Ta bort tagg…',
    untagTitle: 'Ta bort en tagg från {who}',
    untagConfirm: 'Ta bort taggen från {who}',
    untagged: 'Taggen {tag} togs bort från {who}.',
    needUntag: 'Välj taggen först.',
    dnc: 'Får inte kontaktas…',
    dncTitle: 'Kontaktvägar för {who}',
    dncChannel: 'Kanal',
    dncChoice: 'Ska {who} kontaktas via kanalen?',
    dncBlock: 'Får inte kontaktas',
    dncAllow: 'Får kontaktas igen',
    dncBlockConfirm: 'Spärra kanalen för {who}',
    dncAllowConfirm: 'Tillåt kanalen för {who}',
    dncBlocked: '{who} kontaktas inte längre via {channel}.',
    dncAllowed: '{who} kan kontaktas via {channel} igen.',
    deleteTitle: 'Radera {who}?',
    deleteConfirm: 'Radera {who}',
    deleteBody: 'Kontakterna tas bort för gott, med alla sina nummer, adresser och gruppmedlemskap. Det går inte att ångra.',
    andMore: '… och {n} till',
    one: '1 kontakt',
    many: '{n} kontakter',
    deleted: '{who} raderades.',
  },
  en: {
    selected: '{n} selected',
    selectAll: 'Select all {n}',
    selectingAll: 'Loading {done} of {total}…',
    clear: 'Clear selection',
    addToGroup: 'Add to group…',
    removeFromGroup: 'Remove from group…',
    addTag: 'Add tag…',
    export: 'Export selected…',
    delete: 'Delete…',
    actions: 'Actions for the selected contacts',
    addTitle: 'Add {who} to a group',
    removeTitle: 'Remove {who} from a group',
    group: 'Group',
    cancel: 'Cancel',
    addConfirm: 'Add {who} to the group',
    removeConfirm: 'Remove {who} from the group',
    added: '{who} were added to {group}.',
    removed: '{who} were removed from {group}.',
    needGroup: 'Choose a group first.',
    tagTitle: 'Tag {who}',
    tag: 'Tag',
    tagConfirm: 'Add the tag to {who}',
    tagged: 'The tag {tag} was added to {who}.',
    needTag: 'Type the tag first.',
    removeTag: 'Remove tag…',
    untagTitle: 'Remove a tag from {who}',
    untagConfirm: 'Remove the tag from {who}',
    untagged: 'The tag {tag} was removed from {who}.',
    needUntag: 'Choose the tag first.',
    dnc: 'Do not contact…',
    dncTitle: 'Contact channels for {who}',
    dncChannel: 'Channel',
    dncChoice: 'May {who} be contacted by the channel?',
    dncBlock: 'Must not be contacted',
    dncAllow: 'May be contacted again',
    dncBlockConfirm: 'Block the channel for {who}',
    dncAllowConfirm: 'Allow the channel for {who}',
    dncBlocked: '{who} will no longer be contacted by {channel}.',
    dncAllowed: '{who} can be contacted by {channel} again.',
    deleteTitle: 'Delete {who}?',
    deleteConfirm: 'Delete {who}',
    deleteBody: 'The contacts are removed for good, with all their numbers, addresses and group memberships. This cannot be undone.',
    andMore: '… and {n} more',
    one: '1 contact',
    many: '{n} contacts',
    deleted: '{who} were deleted.',
  },
};

type Dialog = 'add' | 'remove' | 'tag' | 'untag' | 'dnc' | 'delete' | null;

export interface BulkBarProps {
  /** Selected contacts with their names (for the confirmation). */
  selection: ReadonlyMap<number, string>;
  total: number;
  selectingAll: { done: number; total: number } | null;
  groups: readonly Group[];
  onSelectAll: () => void;
  onClear: () => void;
  onExport: () => void;
  onDeleted: () => void;
}

export function BulkBar({ selection, total, selectingAll, groups, onSelectAll, onClear, onExport, onDeleted }: BulkBarProps) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const notify = useNotify();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const [untag, setUntag] = useState<string | null>(null);
  const [dncChannel, setDncChannel] = useState<Channel>('voice');
  const [dncValue, setDncValue] = useState<'block' | 'allow'>('block');
  const { language } = useLanguage();
  const tagsInUse = useQuery('contacts.tags', {}, { enabled: dialog === 'untag' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = [...selection.keys()];
  const n = f.number(ids.length);
  const count = (k: number) => (k === 1 ? t('one') : t('many', { n: f.number(k) }));
  const who = count(ids.length);

  const open = (d: Dialog) => {
    setError(null);
    setDialog(d);
  };
  const close = () => {
    if (!busy) setDialog(null);
  };

  const membership = (mode: 'add' | 'remove') => {
    const group = groups.find((g) => String(g.id) === groupId);
    if (!group) {
      setError(new Error(t('needGroup')));
      return;
    }
    setBusy(true);
    setError(null);
    const done = (added: number) => {
      notify.done(t(mode === 'add' ? 'added' : 'removed', { who: count(added), group: group.name }));
      setBusy(false);
      setDialog(null);
    };
    const fail = (e: unknown) => {
      setBusy(false);
      setError(e);
    };
    if (mode === 'add') rpc.call('groups.addMembers', { groupId: group.id, contactIds: ids }).then((r) => done(r.added), fail);
    else rpc.call('groups.removeMembers', { groupId: group.id, contactIds: ids }).then((r) => done(r.removed), fail);
  };

  const addTag = () => {
    const value = tag.trim();
    if (!value) {
      setError(new Error(t('needTag')));
      return;
    }
    setBusy(true);
    setError(null);
    rpc.call('contacts.addTags', { ids, tags: [value] }).then(
      (r) => {
        notify.done(t('tagged', { tag: value, who: count(r.changed) }));
        setBusy(false);
        setTag('');
        setDialog(null);
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };

  /** Runs a bulk call from a dialog: busy while it runs, the error in the dialog, a toast and the dialog closed when done. */
  const run = <T,>(call: Promise<T>, done: (r: T) => string) => {
    setBusy(true);
    setError(null);
    call.then(
      (r) => {
        notify.done(done(r));
        setBusy(false);
        setDialog(null);
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  const removeTag = () => {
    if (!untag) {
      setError(new Error(t('needUntag')));
      return;
    }
    run(rpc.call('contacts.removeTags', { ids, tags: [untag] }), (r) => t('untagged', { tag: untag, who: count(r.changed) }));
  };
  const setDoNotContact = () => {
    const channel = channelWords[language][dncChannel];
    run(rpc.call('contacts.setDoNotContact', { ids, channel: dncChannel, value: dncValue === 'block' }), (r) =>
      t(dncValue === 'block' ? 'dncBlocked' : 'dncAllowed', { who: count(r.changed), channel: channel.toLowerCase() }),
    );
  };

  const names = [...selection.values()];
  const membershipDialog = dialog === 'add' || dialog === 'remove';

  return (
    <Paper withBorder p="xs" bg="blue.0" role="region" aria-label={t('actions')}>
      <Row gap="xs">
        <Text fw={700} role="status" mr="sm">
          {t('selected', { n })}
        </Text>
        {selectingAll ? (
          <Text role="status">{t('selectingAll', { done: f.number(selectingAll.done), total: f.number(selectingAll.total) })}</Text>
        ) : (
          ids.length < total && (
            <Button variant="subtle" size="compact-md" onClick={onSelectAll}>
              {t('selectAll', { n: f.number(total) })}
            </Button>
          )
        )}
        <Button size="compact-md" variant="white" onClick={() => open('add')}>
          {t('addToGroup')}
        </Button>
        <Button size="compact-md" variant="white" onClick={() => open('remove')}>
          {t('removeFromGroup')}
        </Button>
        <Button size="compact-md" variant="white" onClick={() => open('tag')}>
          {t('addTag')}
        </Button>
        <Button size="compact-md" variant="white" onClick={() => open('untag')}>
          {t('removeTag')}
        </Button>
        <Button size="compact-md" variant="white" onClick={() => open('dnc')}>
          {t('dnc')}
        </Button>
        <Button size="compact-md" variant="white" onClick={onExport}>
          {t('export')}
        </Button>
        <Button size="compact-md" color="red" variant="light" onClick={() => open('delete')}>
          {t('delete')}
        </Button>
        <Button size="compact-md" variant="subtle" onClick={onClear}>
          {t('clear')}
        </Button>
      </Row>

      <Modal
        closeButtonProps={{ 'aria-label': t('cancel') }}
        className={contrast.scope}
        opened={membershipDialog}
        onClose={close}
        title={
          <Text fw={700} size="lg">
            {t(dialog === 'remove' ? 'removeTitle' : 'addTitle', { who })}
          </Text>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            membership(dialog === 'remove' ? 'remove' : 'add');
          }}
        >
          <Stack>
            <Select label={t('group')} data={groupOptions(groups)} value={groupId} onChange={setGroupId} searchable data-autofocus />
            <ErrorAlert error={error} />
            <Row justify="flex-end">
              <Button variant="default" onClick={close} disabled={busy}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t(dialog === 'remove' ? 'removeConfirm' : 'addConfirm', { who })}
              </Button>
            </Row>
          </Stack>
        </form>
      </Modal>

      <Modal
        closeButtonProps={{ 'aria-label': t('cancel') }}
        className={contrast.scope}
        opened={dialog === 'tag'}
        onClose={close}
        title={
          <Text fw={700} size="lg">
            {t('tagTitle', { who })}
          </Text>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            addTag();
          }}
        >
          <Stack>
            <TextInput label={t('tag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} maxLength={60} data-autofocus />
            <ErrorAlert error={error} />
            <Row justify="flex-end">
              <Button variant="default" onClick={close} disabled={busy}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('tagConfirm', { who })}
              </Button>
            </Row>
          </Stack>
        </form>
      </Modal>

      <Modal
        closeButtonProps={{ 'aria-label': t('cancel') }}
        className={contrast.scope}
        opened={dialog === 'untag'}
        onClose={close}
        title={
          <Text fw={700} size="lg">
            {t('untagTitle', { who })}
          </Text>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            removeTag();
          }}
        >
          <Stack>
            <Select
              label={t('tag')}
              data={(tagsInUse.data?.tags ?? []).map((x) => x.tag)}
              value={untag}
              onChange={setUntag}
              searchable
              data-autofocus
            />
            <ErrorAlert error={error ?? tagsInUse.error} />
            <Row justify="flex-end">
              <Button variant="default" onClick={close} disabled={busy}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('untagConfirm', { who })}
              </Button>
            </Row>
          </Stack>
        </form>
      </Modal>

      <Modal
        closeButtonProps={{ 'aria-label': t('cancel') }}
        className={contrast.scope}
        opened={dialog === 'dnc'}
        onClose={close}
        title={
          <Text fw={700} size="lg">
            {t('dncTitle', { who })}
          </Text>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setDoNotContact();
          }}
        >
          <Stack>
            <Select
              label={t('dncChannel')}
              data={channels.map((c) => ({ value: c, label: channelWords[language][c] }))}
              value={dncChannel}
              allowDeselect={false}
              onChange={(v) => v && setDncChannel(v as Channel)}
              data-autofocus
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="bulk-dnc-choice">
                {t('dncChoice', { who })}
              </Text>
              <SegmentedControl
                aria-labelledby="bulk-dnc-choice"
                value={dncValue}
                onChange={(v) => setDncValue(v as 'block' | 'allow')}
                data={[
                  { value: 'block', label: t('dncBlock') },
                  { value: 'allow', label: t('dncAllow') },
                ]}
              />
            </Stack>
            <ErrorAlert error={error} />
            <Row justify="flex-end">
              <Button variant="default" onClick={close} disabled={busy}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={busy} color={dncValue === 'block' ? 'red' : undefined}>
                {t(dncValue === 'block' ? 'dncBlockConfirm' : 'dncAllowConfirm', { who })}
              </Button>
            </Row>
          </Stack>
        </form>
      </Modal>

      <ConfirmDialog
        opened={dialog === 'delete'}
        title={t('deleteTitle', { who })}
        confirmLabel={t('deleteConfirm', { who })}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          rpc.call('contacts.delete', { ids }).then((r) => {
            notify.done(t('deleted', { who: count(r.deleted) }));
            onDeleted();
          })
        }
      >
        <Text>{t('deleteBody')}</Text>
        <List size="sm">
          {names.slice(0, 8).map((name, i) => (
            <List.Item key={ids[i]}>{name}</List.Item>
          ))}
        </List>
        {names.length > 8 && <Text size="sm">{t('andMore', { n: f.number(names.length - 8) })}</Text>}
      </ConfirmDialog>
    </Paper>
  );
}
