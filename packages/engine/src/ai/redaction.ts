// What leaves the desktop for the AI: every phone number, e-mail address and personal
// identity number (personnummer) in a text is replaced by a placeholder ([TELEFON_1],
// [EPOST_1], [PERSONNUMMER_1]) before the text is sent, and the answer gets the originals
// back. Names are known only as the contacts' names GDial holds; when the organisation does
// not allow names to be sent, those become [NAMN_1]. Any run of seven or more digits counts as
// a number (a phone number written with spaces, hyphens or parentheses included), so no such
// run is ever sent, whatever it was.

export type PlaceholderKind = 'TELEFON' | 'EPOST' | 'PERSONNUMMER' | 'NAMN';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** Seven or more digits, with at most two separators (space, hyphen, slash, parentheses, a plus) between them. */
const NUMBER = /(?:\+|\b00)?\d(?:[\s\-/()+]{0,2}\d){6,}/gu;
const PLACEHOLDER = /\[(TELEFON|EPOST|PERSONNUMMER|NAMN)_(\d+)\]/giu;

/** A personnummer or samordningsnummer: (YY)YYMMDD, optionally - or +, then four digits. */
function isPersonnummer(text: string): boolean {
  const m = /^(?:19|20)?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})$/.exec(text.trim());
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  // A 10-digit number starting with 0 written without a separator is read as a phone number.
  if (/^0\d{9}$/.test(text.trim())) return false;
  return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
}

export class Redactor {
  private readonly byOriginal = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counts: Record<PlaceholderKind, number> = { TELEFON: 0, EPOST: 0, PERSONNUMMER: 0, NAMN: 0 };
  private readonly names: string[];

  /** `names`: the contacts' names to hide (empty when the organisation allows names to be sent). */
  constructor(names: readonly string[] = []) {
    // Longest first, so "Anna Svensson" is one placeholder rather than "Anna" plus a surname.
    this.names = [...new Set(names.map((n) => n.trim()).filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length);
  }

  /** The text with every phone number, e-mail, personnummer (and name) replaced by a placeholder. */
  redact(text: string): string {
    let out = text.replace(EMAIL, (m) => this.placeholder('EPOST', m));
    out = out.replace(NUMBER, (m) => this.placeholder(isPersonnummer(m) ? 'PERSONNUMMER' : 'TELEFON', m));
    for (const name of this.names) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'giu');
      out = out.replace(pattern, (m) => this.placeholder('NAMN', m));
    }
    return out;
  }

  /** The answer with the placeholders put back (in any letter case the model wrote them). */
  restore(text: string): string {
    return text.replace(PLACEHOLDER, (m, kind: string, n: string) => this.byPlaceholder.get(`[${kind.toUpperCase()}_${n}]`) ?? m);
  }

  /** Every string in a parsed answer restored. */
  restoreDeep<T>(value: T): T {
    if (typeof value === 'string') return this.restore(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.restoreDeep(v)) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.restoreDeep(v)])) as T;
    return value;
  }

  /** How many values were replaced, by kind (for the audit: counts, never the values). */
  replaced(): Record<PlaceholderKind, number> {
    return { ...this.counts };
  }

  private placeholder(kind: PlaceholderKind, original: string): string {
    const key = `${kind}\u0000${original}`;
    const known = this.byOriginal.get(key);
    if (known) return known;
    const placeholder = `[${kind}_${++this.counts[kind]}]`;
    this.byOriginal.set(key, placeholder);
    this.byPlaceholder.set(placeholder, original);
    return placeholder;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
