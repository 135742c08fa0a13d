// Swedish by default, English switchable. Each component declares its own strings next
// to it with `useT({ sv: {...}, en: {...} })`; the type makes both languages carry the
// same keys, so a missing translation is a compile error, not a blank label.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export type Language = 'sv' | 'en';
export const languages: Language[] = ['sv', 'en'];

interface LanguageState {
  language: Language;
  setLanguage: (l: Language) => void;
}

const LanguageContext = createContext<LanguageState>({ language: 'sv', setLanguage: () => {} });
const STORAGE_KEY = 'gdial.language';

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => (localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'sv'));
  const value = useMemo<LanguageState>(
    () => ({
      language,
      setLanguage: (l) => {
        localStorage.setItem(STORAGE_KEY, l);
        document.documentElement.lang = l;
        setLanguageState(l);
      },
    }),
    [language],
  );
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export const useLanguage = (): LanguageState => useContext(LanguageContext);

export type Dictionary<K extends string> = { sv: Record<K, string>; en: Record<K, string> };
export type Translate<K extends string> = (key: K, vars?: Record<string, string | number>) => string;

/**
 * Fills `{name}` from vars, and picks a plural form with `{name|one|many}`: "{n} {n|medlem|medlemmar}"
 * says "1 medlem" and "3 medlemmar" (the value may be formatted, "1 234").
 */
export function translate<K extends string>(dict: Dictionary<K>, language: Language): Translate<K> {
  const table = dict[language];
  return (key, vars) => {
    const text = table[key];
    if (!vars) return text;
    return text
      .replace(/\{(\w+)\|([^|}]*)\|([^|}]*)\}/g, (m, name: string, one: string, many: string) =>
        name in vars ? (String(vars[name]).replace(/\s/g, '') === '1' ? one : many) : m,
      )
      .replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

export function useT<K extends string>(dict: Dictionary<K>): Translate<K> {
  const { language } = useLanguage();
  return useMemo(() => translate(dict, language), [dict, language]);
}

/** Numbers and dates the way the operator's language writes them (1 234,5 in Swedish). */
export function useFormat() {
  const { language } = useLanguage();
  return useMemo(() => {
    const locale = language === 'sv' ? 'sv-SE' : 'en-GB';
    const num = new Intl.NumberFormat(locale);
    const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    return {
      number: (n: number) => num.format(n),
      dateTime: (iso: string) => dt.format(new Date(iso)),
      locale,
    };
  }, [language]);
}
