// The contact fields an import column can fill, named the way an operator knows them, and
// how a column becomes a custom field. Pure, so the mapping rules can be tested.
import { importFields, type ImportField } from '@gdial/protocol';
import type { Language } from '../../i18n';

const labels: Record<(typeof importFields)[number], { sv: string; en: string }> = {
  firstName: { sv: 'Förnamn', en: 'First name' },
  lastName: { sv: 'Efternamn', en: 'Last name' },
  displayName: { sv: 'Visningsnamn', en: 'Display name' },
  organisation: { sv: 'Organisation', en: 'Organisation' },
  role: { sv: 'Roll', en: 'Role' },
  notes: { sv: 'Anteckningar', en: 'Notes' },
  language: { sv: 'Språk', en: 'Language' },
  'phone.mobile': { sv: 'Mobilnummer', en: 'Mobile number' },
  'phone.work': { sv: 'Telefon arbete', en: 'Work phone' },
  'phone.home': { sv: 'Telefon hem', en: 'Home phone' },
  'phone.other': { sv: 'Telefon annat', en: 'Other phone' },
  email: { sv: 'E-post', en: 'E-mail' },
  whatsapp: { sv: 'WhatsApp-nummer', en: 'WhatsApp number' },
  telegramChatId: { sv: 'Telegram chatt-id', en: 'Telegram chat id' },
  groups: { sv: 'Grupper', en: 'Groups' },
  tags: { sv: 'Taggar', en: 'Tags' },
  'address.street': { sv: 'Gatuadress', en: 'Street address' },
  'address.postcode': { sv: 'Postnummer', en: 'Postcode' },
  'address.town': { sv: 'Postort', en: 'Town' },
  'address.municipality': { sv: 'Kommun', en: 'Municipality' },
  'address.lat': { sv: 'Latitud (WGS 84)', en: 'Latitude (WGS 84)' },
  'address.lon': { sv: 'Longitud (WGS 84)', en: 'Longitude (WGS 84)' },
  'address.swerefN': { sv: 'SWEREF 99 TM N (x)', en: 'SWEREF 99 TM N (x)' },
  'address.swerefE': { sv: 'SWEREF 99 TM E (y)', en: 'SWEREF 99 TM E (y)' },
  'consent.sms': { sv: 'Samtycke SMS (datum)', en: 'SMS consent (date)' },
  'consent.email': { sv: 'Samtycke e-post (datum)', en: 'E-mail consent (date)' },
};

const CUSTOM = 'custom.';

export function importFieldLabel(field: ImportField | null, language: Language): string {
  if (field === null) return language === 'sv' ? 'Importeras inte' : 'Not imported';
  if (field.startsWith(CUSTOM)) return `${language === 'sv' ? 'Eget fält' : 'Custom field'}: ${field.slice(CUSTOM.length)}`;
  const known = labels[field as keyof typeof labels] as { sv: string; en: string } | undefined;
  return known ? known[language] : field;
}

/** The custom field a column's header would fill: characters the contract refuses become "_". */
export function customFieldFor(header: string): ImportField {
  const name =
    header
      .trim()
      .replace(/[^\p{L}\p{N}_ .-]/gu, '_')
      .slice(0, 64) || 'fält';
  return `${CUSTOM}${name}`;
}

export const IGNORE = '__ignore__';

/** Select options for one column: ignore, every known field, and a custom field named after the header. */
export function fieldOptions(header: string, language: Language): { value: string; label: string }[] {
  const custom = customFieldFor(header);
  return [
    { value: IGNORE, label: importFieldLabel(null, language) },
    ...importFields.map((f) => ({ value: f, label: importFieldLabel(f, language) })),
    { value: custom, label: importFieldLabel(custom, language) },
  ];
}

export const optionValue = (field: ImportField | null): string => field ?? IGNORE;
export const fieldFromOption = (value: string): ImportField | null => (value === IGNORE ? null : value);
