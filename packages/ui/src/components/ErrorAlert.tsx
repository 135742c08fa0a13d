// Shows a failed call the way an operator can act on it: what happened and what to do.
import { Alert, List } from '@mantine/core';
import { RpcError } from '../rpc/client';
import { useLanguage, useT } from '../i18n';
import { issueText } from './labels';
import { refusalText } from './refusals';

const dict = {
  sv: {
    title: 'Något gick fel',
    UNAVAILABLE: 'Kontakten med GDial-motorn bröts. Vänta tills den är tillbaka (se statusen uppe till höger) och försök igen.',
    TIMEOUT: 'Motorn svarade inte i tid. Kontrollera resultatet innan du försöker igen.',
    VALIDATION: 'Rätta fälten nedan och försök igen.',
    other: 'Försök igen. Om felet kvarstår, kontakta IT med texten ovan.',
  },
  en: {
    title: 'Something went wrong',
    UNAVAILABLE: 'The connection to the GDial engine was lost. Wait until it is back (see the status at the top right) and try again.',
    TIMEOUT: 'The engine did not answer in time. Check the result before trying again.',
    VALIDATION: 'Correct the fields below and try again.',
    other: 'Try again. If it keeps failing, contact IT with the text above.',
  },
};

/** `advice` replaces the advice for the error's code, for a caller that knows better (a refused file is not a form). */
export function ErrorAlert({ error, title, advice: given }: { error: unknown; title?: string; advice?: string }) {
  const t = useT(dict);
  const { language } = useLanguage();
  if (!error) return null;
  const rpc = error instanceof RpcError ? error : null;
  const advice =
    given ?? (rpc && (rpc.code === 'UNAVAILABLE' || rpc.code === 'TIMEOUT' || rpc.code === 'VALIDATION') ? t(rpc.code) : t('other'));
  return (
    <Alert color="red" title={title ?? t('title')} role="alert" variant="light">
      {(rpc?.refusal && refusalText(rpc.refusal, language)) ?? (error as Error).message}
      {rpc && rpc.reasons.length > 0 && (
        <List size="sm" mt="xs">
          {rpc.reasons.map((r, i) => (
            <List.Item key={i}>{refusalText(r, language) ?? r.code}</List.Item>
          ))}
        </List>
      )}
      {rpc && rpc.fieldIssues.length > 0 && (
        <List size="sm" mt="xs">
          {rpc.fieldIssues.map((i) => (
            <List.Item key={i.path}>
              <strong>{i.path}</strong>: {issueText(i, language)}
            </List.Item>
          ))}
        </List>
      )}
      <div style={{ marginTop: 8 }}>{advice}</div>
    </Alert>
  );
}
