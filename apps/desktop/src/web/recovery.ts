// The browser host's start error page: when the database cannot be read (damaged, or the
// key does not open it) the engine does not start empty; the host serves this page instead
// of the console. It says what happened and lists the backups with when each was made and
// whether SQLite found it whole; "Återställ senaste säkerhetskopia" (or a chosen intact
// one) puts it in place and starts the engine on it, and the console loads. Plain HTML with
// one form per backup: it must work while nothing else does. Swedish, English on ?lang=en.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoreOpenFailure } from '@gdial/engine';
import type { CheckedBackup } from '@gdial/protocol';

type Language = 'sv' | 'en';

const words = {
  sv: {
    title: 'GDial kan inte läsa databasen',
    unreadable: 'Databasfilen är skadad eller är inte en GDial-databas, t.ex. efter ett diskfel eller en avbruten kopiering.',
    wrongKey: 'Databasen går inte att öppna med nyckeln på den här datorn (fel nyckel, eller databasens första sida är skadad).',
    safe: 'GDial har inte startat med en tom databas och inte ändrat filen. Återställ en säkerhetskopia för att fortsätta.',
    latest: 'Återställ senaste säkerhetskopia',
    latestFrom: 'Den senaste hela kopian är från {when}.',
    table: 'Säkerhetskopior',
    when: 'Gjord',
    reason: 'Anledning',
    state: 'Kontroll',
    action: 'Åtgärd',
    intact: 'Hel',
    damaged: 'Skadad – kan inte användas',
    restore: 'Återställ den här',
    restoreLabel: 'Återställ kopian från {when}',
    noneIntact: 'Ingen säkerhetskopia är hel. Kontakta IT: databasen kan behöva räddas för hand.',
    restoring: 'Återställer… Sidan laddas om när GDial har startat.',
    failed: 'Återställningen misslyckades: {message}',
    details: 'Tekniska detaljer',
    other: 'English',
    r_scheduled: 'Schemalagd',
    r_manual: 'Manuell',
    'r_pre-migration': 'Före uppgradering',
    'r_pre-restore': 'Före återställning',
  },
  en: {
    title: 'GDial cannot read the database',
    unreadable: 'The database file is damaged or is not a GDial database, e.g. after a disk fault or an interrupted copy.',
    wrongKey: "The database cannot be opened with this computer's key (a wrong key, or the database's first page is damaged).",
    safe: 'GDial has not started with an empty database and has not changed the file. Restore a backup to carry on.',
    latest: 'Restore the latest backup',
    latestFrom: 'The latest whole copy is from {when}.',
    table: 'Backups',
    when: 'Made',
    reason: 'Reason',
    state: 'Check',
    action: 'Action',
    intact: 'Whole',
    damaged: 'Damaged – cannot be used',
    restore: 'Restore this one',
    restoreLabel: 'Restore the copy from {when}',
    noneIntact: 'No backup is whole. Contact IT: the database may need rescuing by hand.',
    restoring: 'Restoring… The page reloads once GDial has started.',
    failed: 'The restore failed: {message}',
    details: 'Technical details',
    other: 'Svenska',
    r_scheduled: 'Scheduled',
    r_manual: 'Manual',
    'r_pre-migration': 'Before upgrade',
    'r_pre-restore': 'Before restore',
  },
} satisfies Record<Language, Record<string, string>>;

type Word = keyof (typeof words)['sv'];

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface RecoveryState {
  reason: StoreOpenFailure;
  message: string;
  backups: CheckedBackup[];
  /** The last restore that failed, in words. */
  failure: string | null;
}

export function recoveryPage(state: RecoveryState, lang: Language): string {
  const t = (w: Word, vars: Record<string, string> = {}) => escape(words[lang][w].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? ''));
  const when = (iso: string) =>
    new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'medium',
      timeZone: 'Europe/Stockholm',
    }).format(new Date(iso));
  const latest = state.backups.find((b) => b.intact);
  const form = (name: string, label: string, text: string, primary: boolean) =>
    `<form method="post" action="/recovery/restore?lang=${lang}" onsubmit="this.querySelector('button').disabled=true;document.getElementById('restoring').hidden=false">` +
    `<input type="hidden" name="name" value="${escape(name)}">` +
    `<button type="submit" class="${primary ? 'primary' : ''}" aria-label="${label}">${text}</button></form>`;
  const rows = state.backups
    .map(
      (b) =>
        `<tr><td>${escape(when(b.createdAt))}</td><td>${t(`r_${b.reason}`)}</td>` +
        `<td class="${b.intact ? 'ok' : 'bad'}">${t(b.intact ? 'intact' : 'damaged')}</td>` +
        `<td>${b.intact ? form(b.name, t('restoreLabel', { when: when(b.createdAt) }), t('restore'), false) : ''}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${t('title')}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1b1e;line-height:1.5}
h1{font-size:1.6rem}.alert{border-left:6px solid #b02525;background:#fdeeee;padding:.75rem 1rem;margin:1rem 0}
button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #495057;background:#fff;color:#1a1b1e;cursor:pointer}
button.primary{background:#b02525;border-color:#b02525;color:#fff;font-size:1.1rem;padding:.6rem 1.2rem}
table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dee2e6}
td.ok{color:#1f6f31;font-weight:600}td.bad{color:#b02525;font-weight:600}form{margin:0}details{margin-top:1.5rem;color:#495057}
a{color:#1c5fb0}
</style></head><body>
<p><a href="/?lang=${lang === 'sv' ? 'en' : 'sv'}" lang="${lang === 'sv' ? 'en' : 'sv'}">${t('other')}</a></p>
<h1>${t('title')}</h1>
<div class="alert" role="alert"><p>${t(state.reason === 'wrong-key' ? 'wrongKey' : 'unreadable')}</p><p>${t('safe')}</p></div>
${state.failure ? `<p class="alert" role="alert">${t('failed', { message: state.failure })}</p>` : ''}
${latest ? `<p>${t('latestFrom', { when: when(latest.createdAt) })}</p>${form(latest.name, t('latest'), t('latest'), true)}` : `<p class="alert">${t('noneIntact')}</p>`}
<p id="restoring" role="status" hidden>${t('restoring')}</p>
<table aria-label="${t('table')}"><thead><tr><th>${t('when')}</th><th>${t('reason')}</th><th>${t('state')}</th><th>${t('action')}</th></tr></thead>
<tbody>${rows}</tbody></table>
<details><summary>${t('details')}</summary><pre style="white-space:pre-wrap">${escape(state.message)}</pre></details>
</body></html>`;
}

export const recoveryLanguage = (req: IncomingMessage): Language =>
  new URL(req.url ?? '/', 'http://x').searchParams.get('lang') === 'en' ? 'en' : 'sv';

/** Reads a small urlencoded form body (the restore form: one backup name). */
export async function readForm(req: IncomingMessage, limit = 4096): Promise<URLSearchParams | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'",
  });
  res.end(html);
}
