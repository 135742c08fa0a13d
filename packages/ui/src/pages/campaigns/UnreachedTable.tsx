// The after-action report's list of everyone not reached, with every attempt and its reason.
// A report of 10,000 people can hold thousands of them, and the list is printed to PDF as
// well, so the rows are plain table cells (no component per row or per attempt): less to
// render on screen and less for Chromium to lay out into pages.
import { memo } from 'react';
import type { RecipientReport } from '@gdial/protocol';
import { useWords } from '../../components/labels';
import { providerReasonText } from '../../components/providerReasons';
import { useFormat, useLanguage, useT } from '../../i18n';
import { WaveMark } from './WaveMark';
import classes from './UnreachedTable.module.css';

const dict = {
  sv: { name: 'Namn', attempts: 'Försök och skäl', attempt: '{ch} {a}: {state}{why}' },
  en: { name: 'Name', attempts: 'Attempts and reasons', attempt: '{ch} {a}: {state}{why}' },
};

export const UnreachedTable = memo(function UnreachedTable({ rows }: { rows: readonly RecipientReport[] }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const { language } = useLanguage();
  const attempt = (d: RecipientReport['deliveries'][number]): string => {
    const why = providerReasonText(d.errorCode, d.error, language);
    return t('attempt', {
      ch: words.channel[d.channel],
      a: d.address,
      state: words.deliveryState[d.state],
      why: `${why ? ` – ${why}` : ''}${d.finishedAt ? ` (${f.dateTime(d.finishedAt)})` : ''}`,
    });
  };
  return (
    <table className={classes.table} data-report-unreached>
      <thead>
        <tr>
          <th className={classes.name}>{t('name')}</th>
          <th>{t('attempts')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              {r.displayName}
              <WaveMark wave={r.wave} />
            </td>
            <td>
              {r.deliveries.map((d) => (
                <div key={d.id}>{attempt(d)}</div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
