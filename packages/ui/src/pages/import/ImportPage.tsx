// The import wizard: choose a file (CSV from Excel or vCard) → check the column mapping →
// dry run with every bad row and every duplicate listed → import with a progress bar →
// the result. Nothing is written before the last step; the engine keeps the parsed file
// between the dry run and the import. Choosing the file only reads its columns (the rows
// are checked once, in the dry run), and a new dry run of the same file lets go of the last.
import { Stack, Stepper, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import type { ColumnMapping, DuplicateMode, ImportInspection, ImportPreview, ImportReport } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { readFileAsBase64 } from '../../components/readFile';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useEvent, useRpc } from '../../rpc/react';
import { FileStep, type FileOptions } from './FileStep';
import { MappingStep } from './MappingStep';
import { PreviewStep } from './PreviewStep';
import { ResultStep, RunningStep } from './RunStep';
import type { ImportProgress } from './ProgressPanel';
import contrast from '../../components/contrast.module.css';

const dict = {
  sv: {
    title: 'Importera kontakter',
    file: 'Fil',
    fileDesc: 'CSV eller vCard',
    mapping: 'Kolumner',
    mappingDesc: 'Vilket fält är vad',
    preview: 'Kontroll',
    previewDesc: 'Fel och dubbletter',
    run: 'Import',
    runDesc: 'Sparar',
    result: 'Resultat',
    resultDesc: 'Vad som hände',
    steps: 'Steg i importen',
    readFailed: 'Filen kunde inte läsas: {reason}. Kontrollera att filen finns och inte är öppen i ett annat program, och välj den igen.',
  },
  en: {
    title: 'Import contacts',
    file: 'File',
    fileDesc: 'CSV or vCard',
    mapping: 'Columns',
    mappingDesc: 'Which field is which',
    preview: 'Check',
    previewDesc: 'Errors and duplicates',
    run: 'Import',
    runDesc: 'Saving',
    result: 'Result',
    resultDesc: 'What happened',
    steps: 'Import steps',
    readFailed: 'The file could not be read: {reason}. Check that it exists and is not open in another program, and choose it again.',
  },
};

type Step = 'file' | 'mapping' | 'preview' | 'running' | 'result';
const stepIndex: Record<Step, number> = { file: 0, mapping: 1, preview: 2, running: 3, result: 4 };

export function ImportPage() {
  const t = useT(dict);
  const rpc = useRpc();
  const [step, setStep] = useState<Step>('file');
  const [file, setFile] = useState<{ name: string; size: number; dataBase64: string } | null>(null);
  const [options, setOptions] = useState<FileOptions>({ format: 'auto', encoding: 'auto', delimiter: 'auto' });
  const [inspection, setInspection] = useState<ImportInspection | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping[]>([]);
  const [onDuplicate, setOnDuplicate] = useState<DuplicateMode>('update');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const running = useRef<string | null>(null);
  const previewing = useRef(false);
  const lastDryRun = useRef<string | null>(null);

  useEvent('contacts.import.progress', (p) => {
    // During a dry run the import id is not known yet; any validation progress is ours.
    if ((previewing.current && p.phase === 'validating') || p.importId === running.current) {
      setProgress({ phase: p.phase, processed: p.processed, total: p.total });
    }
  });

  const runPreview = (
    f: { name: string; dataBase64: string },
    opts: FileOptions,
    map: ColumnMapping[] | undefined,
    dup: DuplicateMode,
    next: Step | null,
  ) => {
    // The engine holds each dry run's parsed file until it is imported; the last one is not needed any more.
    const replaces = lastDryRun.current ?? undefined;
    setBusy(true);
    setError(null);
    setProgress(null);
    previewing.current = true;
    rpc
      .call('contacts.import.preview', {
        source: { kind: 'inline', fileName: f.name, dataBase64: f.dataBase64 },
        format: opts.format,
        encoding: opts.encoding,
        delimiter: opts.delimiter,
        ...(map ? { mapping: map } : {}),
        onDuplicate: dup,
        ...(replaces ? { replaces } : {}),
      })
      .then(
        (p) => {
          lastDryRun.current = p.importId;
          previewing.current = false;
          setBusy(false);
          setProgress(null);
          setPreview(p);
          setMapping(p.columns.map((c) => ({ column: c.index, field: c.field })));
          if (next) setStep(next);
        },
        (e: unknown) => {
          previewing.current = false;
          setBusy(false);
          setProgress(null);
          setError(e);
        },
      );
  };

  const chooseFile = (picked: File, opts: FileOptions) => {
    setError(null);
    setOptions(opts);
    setBusy(true);
    setProgress({ phase: 'reading', processed: 0, total: picked.size });
    readFileAsBase64(picked, (loaded, total) => setProgress({ phase: 'reading', processed: loaded, total })).then(
      (dataBase64) => {
        const f = { name: picked.name, size: picked.size, dataBase64 };
        setFile(f);
        // The columns first; a vCard has none to map and goes straight to the dry run.
        rpc
          .call('contacts.import.inspect', {
            source: { kind: 'inline', fileName: f.name, dataBase64 },
            format: opts.format,
            encoding: opts.encoding,
            delimiter: opts.delimiter,
          })
          .then(
            (found) => {
              setInspection(found);
              setPreview(null);
              if (found.format === 'vcard') {
                runPreview(f, opts, undefined, onDuplicate, 'preview');
                return;
              }
              setBusy(false);
              setProgress(null);
              setMapping(found.columns.map((c) => ({ column: c.index, field: c.field })));
              setStep('mapping');
            },
            (e: unknown) => {
              setBusy(false);
              setProgress(null);
              setError(e);
            },
          );
      },
      (e: unknown) => {
        setBusy(false);
        setProgress(null);
        setError(new Error(t('readFailed', { reason: (e as Error).message })));
      },
    );
  };

  const startImport = () => {
    if (!preview) return;
    setError(null);
    running.current = preview.importId;
    lastDryRun.current = null; // the import takes it
    setProgress({ phase: 'writing', processed: 0, total: preview.validRows });
    setStep('running');
    rpc.call('contacts.import.run', { importId: preview.importId, onDuplicate }).then(
      (r) => {
        running.current = null;
        setReport(r);
        setStep('result');
      },
      (e: unknown) => {
        running.current = null;
        setError(e);
        setStep('preview');
      },
    );
  };

  const restart = () => {
    setStep('file');
    setFile(null);
    setInspection(null);
    setPreview(null);
    setReport(null);
    setError(null);
    setProgress(null);
  };

  return (
    <Stack className={contrast.scope}>
      <Title order={2}>{t('title')}</Title>
      <Stepper active={stepIndex[step]} allowNextStepsSelect={false} size="sm" aria-label={t('steps')}>
        <Stepper.Step label={t('file')} description={t('fileDesc')} allowStepSelect={false} />
        <Stepper.Step label={t('mapping')} description={t('mappingDesc')} allowStepSelect={false} />
        <Stepper.Step label={t('preview')} description={t('previewDesc')} allowStepSelect={false} />
        <Stepper.Step label={t('run')} description={t('runDesc')} allowStepSelect={false} />
        <Stepper.Step label={t('result')} description={t('resultDesc')} allowStepSelect={false} />
      </Stepper>

      {step === 'file' && <FileStep busy={busy} progress={progress} initial={options} onChoose={chooseFile} />}
      {step === 'mapping' && inspection && file && (
        <MappingStep
          file={inspection}
          mapping={mapping}
          busy={busy}
          progress={progress}
          onChange={setMapping}
          onBack={restart}
          onNext={() => runPreview(file, options, mapping, onDuplicate, 'preview')}
        />
      )}
      {step === 'preview' && preview && file && (
        <PreviewStep
          preview={preview}
          onDuplicate={onDuplicate}
          busy={busy}
          progress={progress}
          onDuplicateChange={(mode) => {
            setOnDuplicate(mode);
            runPreview(file, options, preview.format === 'csv' ? mapping : undefined, mode, null);
          }}
          onBack={() => (preview.format === 'csv' ? setStep('mapping') : restart())}
          onImport={startImport}
        />
      )}
      {step === 'running' && preview && (
        <RunningStep
          progress={progress}
          onCancel={() => {
            rpc.call('contacts.import.cancel', { importId: preview.importId }).catch(setError);
          }}
        />
      )}
      {step === 'result' && report && <ResultStep report={report} onAnother={restart} onShowContacts={() => navigate('contacts')} />}
      <ErrorAlert error={error} />
    </Stack>
  );
}
