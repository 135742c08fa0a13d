// The pages of the console in navigation order. A page is added with one entry here.
import type { ComponentType } from 'react';
import type { Route } from '../router';
import { AuditPage } from './AuditPage';
import { ContactsPage } from './contacts/ContactsPage';
import { GroupsPage } from './groups/GroupsPage';
import { ImportPage } from './import/ImportPage';
import { SettingsPage } from './SettingsPage';

export interface PageDef {
  id: string;
  label: { sv: string; en: string };
  component: ComponentType<{ route: Route }>;
}

export const pages: PageDef[] = [
  { id: 'contacts', label: { sv: 'Kontakter', en: 'Contacts' }, component: ContactsPage },
  { id: 'groups', label: { sv: 'Grupper', en: 'Groups' }, component: GroupsPage },
  { id: 'import', label: { sv: 'Importera', en: 'Import' }, component: ImportPage },
  { id: 'audit', label: { sv: 'Händelselogg', en: 'Audit log' }, component: AuditPage },
  { id: 'settings', label: { sv: 'Inställningar', en: 'Settings' }, component: SettingsPage },
];
