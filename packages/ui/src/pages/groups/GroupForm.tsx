// Creating or changing a group: name, description, colour and where it sits in the tree.
// A group cannot be put under itself or one of its own subgroups, so those are not offered.
import { Button, ColorInput, Group as Row, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { Group } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { RpcError } from '../../rpc/client';
import { useRpc } from '../../rpc/react';
import { groupOptions, subtreeIds } from '../../components/groupTree';
import contrast from '../../components/contrast.module.css';

const dict = {
  sv: {
    newTitle: 'Ny grupp',
    editTitle: 'Ändra gruppen {name}',
    name: 'Namn',
    description: 'Beskrivning',
    colour: 'Färg',
    colourHelp: 'Syns som en prick vid kontakterna. Skriv t.ex. #1c7ed6 eller välj nedan.',
    parent: 'Ligger under',
    top: 'Översta nivån',
    cancel: 'Avbryt',
    create: 'Skapa grupp',
    save: 'Spara gruppen',
    nameTaken: 'Det finns redan en grupp som heter ”{name}”. Välj ett annat namn.',
  },
  en: {
    newTitle: 'New group',
    editTitle: 'Change the group {name}',
    name: 'Name',
    description: 'Description',
    colour: 'Colour',
    colourHelp: 'Shown as a dot next to contacts. Type e.g. #1c7ed6 or choose below.',
    parent: 'Placed under',
    top: 'Top level',
    cancel: 'Cancel',
    create: 'Create group',
    save: 'Save group',
    nameTaken: 'There is already a group called “{name}”. Choose another name.',
  },
};

const SWATCHES = ['#c92a2a', '#e8590c', '#f08c00', '#2f9e44', '#0c8599', '#1c7ed6', '#5f3dc4', '#a61e4d', '#495057'];

export interface GroupFormProps {
  opened: boolean;
  /** The group to change, or null to create one. */
  group: Group | null;
  /** Parent preselected for a new group (from "New subgroup"). */
  parentId?: number | null;
  groups: readonly Group[];
  onClose: () => void;
  onSaved: (g: Group) => void;
}

export function GroupForm({ opened, group, parentId = null, groups, onClose, onSaved }: GroupFormProps) {
  const t = useT(dict);
  const rpc = useRpc();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [colour, setColour] = useState('');
  const [parent, setParent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!opened) return;
    setName(group?.name ?? '');
    setDescription(group?.description ?? '');
    setColour(group?.colour ?? '');
    const p = group ? group.parentId : parentId;
    setParent(p === null ? null : String(p));
    setError(null);
  }, [opened, group, parentId]);

  const parentOptions = useMemo(
    () => [{ value: '', label: t('top') }, ...groupOptions(groups, group ? subtreeIds(groups, group.id) : new Set())],
    [groups, group, t],
  );
  const issues = new Map((error instanceof RpcError ? error.fieldIssues : []).map((i) => [i.path.replace(/^changes\./, ''), i.message]));
  // Another group has the name: said at the field in the operator's language, not as the engine's English sentence.
  const nameTaken = error instanceof RpcError && error.code === 'CONFLICT' && /already exists/.test(error.message);
  if (nameTaken) issues.set('name', t('nameTaken', { name: name.trim() }));

  const submit = () => {
    const fields = {
      name: name.trim(),
      description: description.trim() === '' ? null : description.trim(),
      colour: colour.trim() === '' ? null : colour.trim(),
      parentId: parent === null || parent === '' ? null : Number(parent),
    };
    setBusy(true);
    setError(null);
    const call = group ? rpc.call('groups.update', { id: group.id, changes: fields }) : rpc.call('groups.create', fields);
    call.then(
      (g) => {
        setBusy(false);
        onSaved(g);
        onClose();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('cancel') }}
      className={contrast.scope}
      opened={opened}
      onClose={() => !busy && onClose()}
      title={
        <Text fw={700} size="lg">
          {group ? t('editTitle', { name: group.name }) : t('newTitle')}
        </Text>
      }
      size="lg"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack>
          <TextInput
            label={t('name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={issues.get('name')}
            maxLength={100}
            data-autofocus
          />
          <Textarea
            label={t('description')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={issues.get('description')}
            autosize
            minRows={2}
          />
          <ColorInput
            label={t('colour')}
            description={t('colourHelp')}
            value={colour}
            onChange={setColour}
            format="hex"
            swatches={SWATCHES}
            swatchesPerRow={9}
            withEyeDropper={false}
            error={issues.get('colour')}
          />
          <Select
            label={t('parent')}
            data={parentOptions}
            value={parent ?? ''}
            onChange={setParent}
            allowDeselect={false}
            searchable
            error={issues.get('parentId')}
          />
          <ErrorAlert error={nameTaken ? null : error} />
          <Row justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {group ? t('save') : t('create')}
            </Button>
          </Row>
        </Stack>
      </form>
    </Modal>
  );
}
