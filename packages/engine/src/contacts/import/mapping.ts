// Which contact field a CSV column holds, guessed from its header in Swedish or English
// (as written by people, Excel templates, Outlook and Google exports). The operator sees
// the guess in the preview and can override any column.
import type { ImportField } from '@gdial/protocol';
import { importFieldSchema } from '@gdial/protocol';

const aliases: Record<Exclude<ImportField, `custom.${string}`>, string[]> = {
  firstName: ['förnamn', 'fornamn', 'tilltalsnamn', 'first name', 'firstname', 'given name', 'givenname', 'first'],
  lastName: ['efternamn', 'last name', 'lastname', 'surname', 'family name', 'familyname', 'last'],
  displayName: [
    'namn',
    'name',
    'fullständigt namn',
    'fullt namn',
    'full name',
    'fullname',
    'display name',
    'visningsnamn',
    'kontakt',
    'kontaktperson',
    'contact',
    'person',
  ],
  organisation: [
    'organisation',
    'organization',
    'org',
    'företag',
    'foretag',
    'company',
    'bolag',
    'arbetsgivare',
    'employer',
    'myndighet',
    'förvaltning',
    'enhet',
    'avdelning',
    'department',
  ],
  role: ['roll', 'role', 'befattning', 'titel', 'title', 'job title', 'jobtitle', 'yrkestitel', 'position', 'funktion', 'function'],
  notes: ['anteckningar', 'anteckning', 'notes', 'note', 'kommentar', 'kommentarer', 'comment', 'comments', 'övrigt', 'info'],
  language: ['språk', 'sprak', 'language', 'lang'],
  'phone.mobile': [
    'mobil',
    'mobiltelefon',
    'mobilnummer',
    'mobiltel',
    'mobile',
    'mobile phone',
    'mobile number',
    'cell',
    'cellphone',
    'cell phone',
    'sms',
    'mobil telefon',
  ],
  'phone.work': [
    'arbete',
    'telefon arbete',
    'arbetstelefon',
    'tel arbete',
    'jobb',
    'jobbtelefon',
    'work',
    'work phone',
    'business phone',
    'office phone',
    'direktnummer',
    'tjänstetelefon',
    'telefon jobb',
  ],
  'phone.home': ['hem', 'hemtelefon', 'telefon hem', 'tel hem', 'bostad', 'home', 'home phone', 'private phone', 'privat'],
  'phone.other': [
    'telefon',
    'telefonnummer',
    'tel',
    'tfn',
    'phone',
    'phone number',
    'telephone',
    'nummer',
    'number',
    'annan telefon',
    'other phone',
    'telefon annan',
  ],
  email: [
    'e-post',
    'epost',
    'e-postadress',
    'epostadress',
    'e-mail',
    'email',
    'mail',
    'mejl',
    'mejladress',
    'email address',
    'e-mail address',
    'mailadress',
  ],
  whatsapp: ['whatsapp', 'whatsapp-nummer', 'whatsapp number'],
  telegramChatId: ['telegram', 'telegram chat id', 'telegram-id', 'telegram id', 'telegramchatid'],
  'address.street': ['gatuadress', 'adress', 'address', 'street', 'street address', 'utdelningsadress'],
  'address.postcode': ['postnummer', 'postnr', 'postcode', 'post code', 'zip', 'zip code'],
  'address.town': ['postort', 'town', 'city'],
  'address.municipality': ['kommun', 'municipality', 'kommunnamn'],
  'address.lat': ['lat', 'latitud', 'latitude', 'wgs84 lat'],
  'address.lon': ['lon', 'lng', 'long', 'longitud', 'longitude', 'wgs84 lon'],
  'address.swerefN': ['n', 'x', 'northing', 'sweref n', 'sweref99 n', 'sweref 99 tm n', 'sweref99tm n', 'nordlig', 'n (sweref 99 tm)'],
  'address.swerefE': [
    'e',
    'y',
    'easting',
    'sweref e',
    'sweref99 e',
    'sweref 99 tm e',
    'sweref99tm e',
    'ostlig',
    'östlig',
    'e (sweref 99 tm)',
  ],
  'consent.sms': ['samtycke sms', 'sms samtycke', 'sms consent', 'consent sms'],
  'consent.email': ['samtycke e-post', 'samtycke epost', 'e-post samtycke', 'email consent', 'consent email'],
  groups: ['grupp', 'grupper', 'group', 'groups', 'larmgrupp', 'larmgrupper'],
  tags: ['taggar', 'tagg', 'tags', 'tag', 'etiketter', 'etikett', 'kategorier', 'kategori', 'categories', 'category', 'labels'],
};

const normaliseHeader = (h: string): string =>
  h
    .trim()
    .toLocaleLowerCase('sv')
    .replace(/[_:.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .trim();

const lookup = new Map<string, ImportField>();
for (const [field, names] of Object.entries<string[]>(aliases)) {
  for (const n of names) {
    lookup.set(normaliseHeader(n), field);
    lookup.set(normaliseHeader(n).replace(/[\s-]/g, ''), field);
  }
}

/** The field a header names, or null. "custom.X" headers (our own export) map to custom fields. */
export function fieldForHeader(header: string): ImportField | null {
  const trimmed = header.trim();
  if (/^custom\./i.test(trimmed)) {
    const f = `custom.${trimmed.slice(7)}`;
    return importFieldSchema.safeParse(f).success ? f : null;
  }
  const h = normaliseHeader(trimmed);
  return lookup.get(h) ?? lookup.get(h.replace(/[\s-]/g, '')) ?? null;
}

/** Fields that hold one value per contact: a second column for them is left unmapped. */
const singleValued = new Set<ImportField>([
  'firstName',
  'lastName',
  'displayName',
  'organisation',
  'role',
  'notes',
  'language',
  'whatsapp',
  'telegramChatId',
  'address.street',
  'address.postcode',
  'address.town',
  'address.municipality',
  'address.lat',
  'address.lon',
  'address.swerefN',
  'address.swerefE',
  'consent.sms',
  'consent.email',
]);

export function autoMap(headers: readonly string[]): (ImportField | null)[] {
  const used = new Set<ImportField>();
  return headers.map((h) => {
    const f = fieldForHeader(h);
    if (f === null) return null;
    if (singleValued.has(f) && used.has(f)) return null;
    used.add(f);
    return f;
  });
}
