// The pages of the console in navigation order. A page is added with one entry here.
// Each page is its own chunk of the build, loaded when it is first opened or its menu link
// is pointed at or focused: the page an operator opens does not wait for the code of the
// others (charts, the alert wizard, reports…).
import { lazy, type ComponentType } from 'react';
import type { Route } from '../router';

type PageComponent = ComponentType<{ route: Route }>;

/** A page loaded on first use; `preload` fetches its chunk ahead of that. */
function page(load: () => Promise<PageComponent>): { component: PageComponent; preload: () => Promise<unknown> } {
  let loading: Promise<PageComponent> | null = null;
  const preload = () => (loading ??= load());
  return { component: lazy(() => preload().then((c) => ({ default: c }))), preload };
}

export interface PageDef {
  id: string;
  label: { sv: string; en: string };
  component: PageComponent;
  /** Fetches the page's code without showing it. */
  preload: () => Promise<unknown>;
}

export const pages: PageDef[] = [
  {
    id: 'dashboard',
    label: { sv: 'Översikt', en: 'Overview' },
    ...page(() => import('./dashboard/DashboardPage').then((m) => m.DashboardPage)),
  },
  { id: 'campaigns', label: { sv: 'Larm', en: 'Alerts' }, ...page(() => import('./campaigns/CampaignsPage').then((m) => m.CampaignsPage)) },
  {
    id: 'templates',
    label: { sv: 'Mallar', en: 'Templates' },
    ...page(() => import('./templates/TemplatesPage').then((m) => m.TemplatesPage)),
  },
  {
    id: 'contacts',
    label: { sv: 'Kontakter', en: 'Contacts' },
    ...page(() => import('./contacts/ContactsPage').then((m) => m.ContactsPage)),
  },
  { id: 'groups', label: { sv: 'Grupper', en: 'Groups' }, ...page(() => import('./groups/GroupsPage').then((m) => m.GroupsPage)) },
  { id: 'segments', label: { sv: 'Urval', en: 'Segments' }, ...page(() => import('./segments/SegmentsPage').then((m) => m.SegmentsPage)) },
  {
    id: 'schedules',
    label: { sv: 'Jourscheman', en: 'On-call schedules' },
    ...page(() => import('./schedules/SchedulesPage').then((m) => m.SchedulesPage)),
  },
  { id: 'import', label: { sv: 'Importera', en: 'Import' }, ...page(() => import('./import/ImportPage').then((m) => m.ImportPage)) },
  {
    id: 'analytics',
    label: { sv: 'Analys', en: 'Analytics' },
    ...page(() => import('./analytics/AnalyticsPage').then((m) => m.AnalyticsPage)),
  },
  { id: 'inbox', label: { sv: 'Inkorg', en: 'Inbox' }, ...page(() => import('./inbox/InboxPage').then((m) => m.InboxPage)) },
  {
    id: 'conversations',
    label: { sv: 'Konversationer', en: 'Conversations' },
    ...page(() => import('./inbox/ConversationsPage').then((m) => m.ConversationsPage)),
  },
  { id: 'vma', label: { sv: 'VMA-underlag', en: 'VMA underlag' }, ...page(() => import('./vma/VmaPage').then((m) => m.VmaPage)) },
  { id: 'audit', label: { sv: 'Händelselogg', en: 'Audit log' }, ...page(() => import('./AuditPage').then((m) => m.AuditPage)) },
  { id: 'settings', label: { sv: 'Inställningar', en: 'Settings' }, ...page(() => import('./SettingsPage').then((m) => m.SettingsPage)) },
];
