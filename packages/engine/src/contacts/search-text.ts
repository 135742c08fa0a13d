// A contact's search document, in the two forms search uses: the five columns written to
// contacts_fts, and the same words as folded tokens stored on the contact row
// (contacts.search_text). Both must agree, so one function builds them, and foldTokens
// tokenises as contacts_fts's tokenizer does ('unicode61 remove_diacritics 2': runs of
// letters, digits and private-use characters; lower case; accents removed), which the
// tests check against SQLite itself.
import type { ContactRecord } from './model';
import { phoneSearchDigits } from './phone';

export interface SearchDocument {
  name: string;
  organisation: string;
  email: string;
  tag: string;
  phone: string;
  /** " anna andersson malmo stad …": every token preceded by a space, so " ann" tests a token prefix. */
  folded: string;
}

const separators = /[^\p{L}\p{N}\p{Co}]+/u;
const marks = /\p{M}/gu;

/** The tokens contacts_fts would index for this text, folded. */
export function foldTokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(marks, '')
    .toLowerCase()
    .split(separators)
    .filter((t) => t !== '');
}

export function searchDocument(rec: Pick<ContactRecord, 'displayName' | 'firstName' | 'lastName' | 'organisation' | 'role' | 'emails' | 'tags' | 'phones' | 'whatsapp'>): SearchDocument {
  const names = new Set([rec.displayName, rec.firstName, rec.lastName].filter((v): v is string => !!v));
  const phones = rec.phones.flatMap((p) => ('digits' in p && p.digits ? p.digits : phoneSearchDigits(p.e164)));
  if (rec.whatsapp) phones.push(...phoneSearchDigits(rec.whatsapp));
  const doc = {
    name: [...names].join(' '),
    organisation: [rec.organisation, rec.role].filter(Boolean).join(' '),
    email: rec.emails.map((e) => e.address).join(' '),
    tag: rec.tags.join(' '),
    phone: [...new Set(phones)].join(' '),
  };
  const tokens = foldTokens(`${doc.name} ${doc.organisation} ${doc.email} ${doc.tag} ${doc.phone}`);
  return { ...doc, folded: tokens.length > 0 ? ` ${tokens.join(' ')}` : '' };
}
