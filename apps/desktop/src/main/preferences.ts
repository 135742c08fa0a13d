// The desktop shell's own preferences (menu language, update feed), in desktop.json in
// the user data folder. The console's settings live in the engine's database; these are
// the few the main process needs before the engine runs. A damaged file falls back to the
// defaults (and is reported), a save replaces the file atomically.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from './i18n';

export interface DesktopPreferences {
  language: Language;
  updateFeedUrl: string | null;
}

export const DEFAULT_PREFERENCES: DesktopPreferences = { language: DEFAULT_LANGUAGE, updateFeedUrl: null };

export type LoadedPreferences = { prefs: DesktopPreferences; problem: string | null };

export function loadPreferences(file: string): LoadedPreferences {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { prefs: { ...DEFAULT_PREFERENCES }, problem: null };
    return { prefs: { ...DEFAULT_PREFERENCES }, problem: `could not read ${file}: ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { prefs: { ...DEFAULT_PREFERENCES }, problem: `${file} is not valid JSON; using the defaults` };
  }
  if (typeof raw !== 'object' || raw === null)
    return { prefs: { ...DEFAULT_PREFERENCES }, problem: `${file} is not an object; using the defaults` };
  const r = raw as Record<string, unknown>;
  const problems: string[] = [];
  const language =
    r.language === undefined
      ? DEFAULT_LANGUAGE
      : isLanguage(r.language)
        ? r.language
        : (problems.push(`language ${JSON.stringify(r.language)} is not sv or en`), DEFAULT_LANGUAGE);
  const updateFeedUrl =
    r.updateFeedUrl === undefined || r.updateFeedUrl === null
      ? null
      : typeof r.updateFeedUrl === 'string'
        ? r.updateFeedUrl
        : (problems.push('updateFeedUrl is not text'), null);
  return { prefs: { language, updateFeedUrl }, problem: problems.length ? `${file}: ${problems.join('; ')}` : null };
}

export function savePreferences(file: string, prefs: DesktopPreferences): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(prefs, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
