// The pages of the console in navigation order. A page is added with one entry here.
import type { ComponentType } from 'react';
import type { Route } from '../router';
import { AnalyticsPage } from './analytics/AnalyticsPage';
import { AuditPage } from './AuditPage';
import { CampaignsPage } from './campaigns/CampaignsPage';
import { ContactsPage } from './contacts/ContactsPage';
import { DashboardPage } from './dashboard/DashboardPage';
import { GroupsPage } from './groups/GroupsPage';
import { ImportPage } from './import/ImportPage';
import { InboxPage } from './inbox/InboxPage';
import { SettingsPage } from './SettingsPage';
import { TemplatesPage } from './templates/TemplatesPage';
import { VmaPage } from './vma/VmaPage';

export interface PageDef {
  id: string;
  label: { sv: string; en: string };
  component: ComponentType<{ route: Route }>;
}

export const pages: PageDef[] = [
  { id: 'dashboard', label: { sv: 'Översikt', en: 'Overview' }, component: DashboardPage },
  { id: 'campaigns', label: { sv: 'Larm', en: 'Alerts' }, component: CampaignsPage },
  { id: 'templates', label: { sv: 'Mallar', en: 'Templates' }, component: TemplatesPage },
  { id: 'contacts', label: { sv: 'Kontakter', en: 'Contacts' }, component: ContactsPage },
  { id: 'groups', label: { sv: 'Grupper', en: 'Groups' }, component: GroupsPage },
  { id: 'import', label: { sv: 'Importera', en: 'Import' }, component: ImportPage },
  { id: 'analytics', label: { sv: 'Analys', en: 'Analytics' }, component: AnalyticsPage },
  { id: 'inbox', label: { sv: 'Inkorg', en: 'Inbox' }, component: InboxPage },
  { id: 'vma', label: { sv: 'VMA-underlag', en: 'VMA underlag' }, component: VmaPage },
  { id: 'audit', label: { sv: 'Händelselogg', en: 'Audit log' }, component: AuditPage },
  { id: 'settings', label: { sv: 'Inställningar', en: 'Settings' }, component: SettingsPage },
];
