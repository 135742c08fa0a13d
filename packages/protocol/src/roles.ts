// The roles of the console's users, what each is called and what it may do: plain data, without
// the contract's schemas, so the console's first code (the session, the refusals' words) can
// read them without building any (auth.ts makes the schema from the same list).

export const roles = ['admin', 'operator', 'editor', 'reader'] as const;
export type Role = (typeof roles)[number];

/** What a role is called and what it may do, in Swedish (default) and English. */
export const roleInfo: Record<Role, { sv: string; en: string; summarySv: string; summaryEn: string }> = {
  admin: {
    sv: 'Administratör',
    en: 'Administrator',
    summarySv: 'Användare, arbetsplatser, leverantörer och organisationens inställningar; nödåsidosättning med angivet skäl.',
    summaryEn: 'Users, desktops, providers and organisation settings; emergency override with a typed reason.',
  },
  operator: {
    sv: 'Larmoperatör',
    en: 'Alert operator',
    summarySv: 'Startar, pausar och avbryter larm; godkänner andras larm.',
    summaryEn: 'Starts, pauses and cancels alerts; approves other people’s alerts.',
  },
  editor: {
    sv: 'Redaktör',
    en: 'Editor',
    summarySv: 'Kontakter, grupper, mallar, inspelningar och utkast; kan inte starta ett skarpt larm.',
    summaryEn: 'Contacts, groups, templates, recordings and drafts; cannot start a live alert.',
  },
  reader: {
    sv: 'Läsare',
    en: 'Reader',
    summarySv: 'Ser allt, ändrar ingenting.',
    summaryEn: 'Sees everything, changes nothing.',
  },
};

/** The Swedish label of each role, e.g. for a refusal that names the roles needed. */
export const roleLabel = (role: Role, lang: 'sv' | 'en' = 'sv'): string => roleInfo[role][lang];

export const isRole = (value: unknown): value is Role => (roles as readonly unknown[]).includes(value);
