// Export of contacts to a file the browser downloads: CSV that Swedish Excel opens as is
// (semicolons, UTF-8 with BOM) or vCard for phones and mail programs; all contacts, one
// group (with its subgroups) or the contacts the operator selected.
import { Button, Checkbox, Group as Row, Modal, Radio, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ContactScope, Group } from '@gdial/protocol';
import { ErrorAlert } from './ErrorAlert';
import { useNotify } from './useNotify';
import { downloadBase64 } from './download';
import { useFormat, useT } from '../i18n';
import { useRpc } from '../rpc/react';
import { groupOptions } from './groupTree';
import contrast from './contrast.module.css';

const dict = {
  sv: {
    title: 'Exportera kontakter',
    format: 'Filformat',
    csv: 'CSV för Excel (semikolon)',
    csvComma: 'CSV med komma (andra program)',
    vcard: 'vCard (.vcf) för telefoner och e-postprogram',
    scope: 'Vilka kontakter',
    all: 'Alla kontakter',
    group: 'En grupp',
    selection: 'Markerade kontakter ({n})',
    pickGroup: 'Grupp',
    subgroups: 'Ta med undergrupper',
    cancel: 'Avbryt',
    export: 'Exportera',
    working: 'Exporterar…',
    done: '{n} {n|kontakt|kontakter} exporterades till {file}.',
    needGroup: 'Välj vilken grupp som ska exporteras.',
  },
  en: {
    title: 'Export contacts',
    format: 'File format',
    csv: 'CSV for Excel (semicolon)',
    csvComma: 'CSV with commas (other programs)',
    vcard: 'vCard (.vcf) for phones and mail programs',
    scope: 'Which contacts',
    all: 'All contacts',
    group: 'One group',
    selection: 'Selected contacts ({n})',
    pickGroup: 'Group',
    subgroups: 'Include subgroups',
    cancel: 'Cancel',
    export: 'Export',
    working: 'Exporting…',
    done: '{n} {n|contact|contacts} exported to {file}.',
    needGroup: 'Choose the group to export.',
  },
};

type Format = 'csv' | 'csv-comma' | 'vcard';
type ScopeKind = 'all' | 'group' | 'ids';

export interface ExportDialogProps {
  opened: boolean;
  onClose: () => void;
  groups: readonly Group[];
  selectedIds: readonly number[];
  /** Preselects a scope when opened (e.g. from the Groups page or the bulk bar). */
  initialScope?: ScopeKind;
  initialGroupId?: number | null;
}

export function ExportDialog({ opened, onClose, groups, selectedIds, initialScope = 'all', initialGroupId = null }: ExportDialogProps) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const notify = useNotify();
  const [format, setFormat] = useState<Format>('csv');
  const [scopeKind, setScopeKind] = useState<ScopeKind>(initialScope);
  const [groupId, setGroupId] = useState<string | null>(initialGroupId === null ? null : String(initialGroupId));
  const [subgroups, setSubgroups] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!opened) return;
    setScopeKind(initialScope === 'ids' && selectedIds.length === 0 ? 'all' : initialScope);
    setGroupId(initialGroupId === null ? null : String(initialGroupId));
    setError(null);
  }, [opened, initialScope, initialGroupId, selectedIds.length]);

  const run = () => {
    let scope: ContactScope;
    switch (scopeKind) {
      case 'all':
        scope = { kind: 'all' };
        break;
      case 'group':
        if (groupId === null) {
          setError(new Error(t('needGroup')));
          return;
        }
        scope = { kind: 'group', groupId: Number(groupId), includeSubgroups: subgroups };
        break;
      case 'ids':
        scope = { kind: 'ids', ids: [...selectedIds] };
        break;
      default: {
        const never: never = scopeKind;
        throw new Error(`Unknown scope ${String(never)}`);
      }
    }
    setBusy(true);
    setError(null);
    rpc
      .call('contacts.export', {
        format: format === 'vcard' ? 'vcard' : 'csv',
        delimiter: format === 'csv-comma' ? ',' : ';',
        scope,
      })
      .then(
        (out) => {
          downloadBase64(out.fileName, out.mimeType, out.dataBase64);
          notify.done(t('done', { n: f.number(out.count), file: out.fileName }));
          setBusy(false);
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
          {t('title')}
        </Text>
      }
      size="lg"
    >
      <Stack>
        <Radio.Group label={t('format')} value={format} onChange={(v) => setFormat(v as Format)}>
          <Stack gap="xs" mt="xs">
            <Radio value="csv" label={t('csv')} />
            <Radio value="csv-comma" label={t('csvComma')} />
            <Radio value="vcard" label={t('vcard')} />
          </Stack>
        </Radio.Group>
        <Radio.Group label={t('scope')} value={scopeKind} onChange={(v) => setScopeKind(v as ScopeKind)}>
          <Stack gap="xs" mt="xs">
            <Radio value="all" label={t('all')} />
            <Radio value="group" label={t('group')} />
            {scopeKind === 'group' && (
              <Stack gap="xs" pl="xl">
                <Select label={t('pickGroup')} data={groupOptions(groups)} value={groupId} onChange={setGroupId} searchable />
                <Checkbox label={t('subgroups')} checked={subgroups} onChange={(e) => setSubgroups(e.currentTarget.checked)} />
              </Stack>
            )}
            <Radio value="ids" label={t('selection', { n: f.number(selectedIds.length) })} disabled={selectedIds.length === 0} />
          </Stack>
        </Radio.Group>
        <ErrorAlert error={error} />
        <Row justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {t('cancel')}
          </Button>
          <Button onClick={run} loading={busy}>
            {busy ? t('working') : t('export')}
          </Button>
        </Row>
      </Stack>
    </Modal>
  );
}
