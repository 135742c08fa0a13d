// The pages of the console in navigation order, without React: their names, how to load each
// page's code (its own chunk of the build), and for a page whose first question is always the
// same (the contact list's first rows) how to ask it. The console's first module (main.tsx)
// starts both for the page the window opens on while the framework is still loading;
// registry.tsx makes the React components from the same loaders. A page is added here.
import type { ComponentType } from 'react';
import type { RpcClient } from '../rpc/client';
import type { Route } from '../route';
import { firstPageRequest } from './contacts/contactWindow';
import { contactSearchOf } from './contacts/contactSearch';

export type PageComponent = ComponentType<{ route: Route }>;

export interface PageSpec {
  id: string;
  label: { sv: string; en: string };
  /** Fetches the page's code (once; later calls share the first). */
  preload: () => Promise<PageComponent>;
  /** Asks the engine now for what the page will ask first on `route` (see RpcClient.prefetch). */
  prefetch?: (rpc: RpcClient, route: Route) => void;
}

function spec(id: string, label: PageSpec['label'], load: () => Promise<PageComponent>, prefetch?: PageSpec['prefetch']): PageSpec {
  let loading: Promise<PageComponent> | null = null;
  return { id, label, preload: () => (loading ??= load()), ...(prefetch ? { prefetch } : {}) };
}

export const pageList: readonly PageSpec[] = [
  spec('dashboard', { sv: 'Översikt', en: 'Overview' }, () => import('./dashboard/DashboardPage').then((m) => m.DashboardPage)),
  spec('campaigns', { sv: 'Larm', en: 'Alerts' }, () => import('./campaigns/CampaignsPage').then((m) => m.CampaignsPage)),
  spec('templates', { sv: 'Mallar', en: 'Templates' }, () => import('./templates/TemplatesPage').then((m) => m.TemplatesPage)),
  spec(
    'contacts',
    { sv: 'Kontakter', en: 'Contacts' },
    () => import('./contacts/ContactsPage').then((m) => m.ContactsPage),
    // The list's first page of the search the page opens with (a ?group= link filters it).
    (rpc, route) =>
      rpc.prefetch('contacts.search', { ...contactSearchOf({ group: route.query.get('group') }), ...firstPageRequest() }, [
        'contacts.changed',
        'groups.changed',
      ]),
  ),
  spec('groups', { sv: 'Grupper', en: 'Groups' }, () => import('./groups/GroupsPage').then((m) => m.GroupsPage)),
  spec('segments', { sv: 'Urval', en: 'Segments' }, () => import('./segments/SegmentsPage').then((m) => m.SegmentsPage)),
  spec('schedules', { sv: 'Jourscheman', en: 'On-call schedules' }, () => import('./schedules/SchedulesPage').then((m) => m.SchedulesPage)),
  spec('import', { sv: 'Importera', en: 'Import' }, () => import('./import/ImportPage').then((m) => m.ImportPage)),
  spec('analytics', { sv: 'Analys', en: 'Analytics' }, () => import('./analytics/AnalyticsPage').then((m) => m.AnalyticsPage)),
  spec('inbox', { sv: 'Inkorg', en: 'Inbox' }, () => import('./inbox/InboxPage').then((m) => m.InboxPage)),
  spec('conversations', { sv: 'Konversationer', en: 'Conversations' }, () =>
    import('./inbox/ConversationsPage').then((m) => m.ConversationsPage),
  ),
  spec('vma', { sv: 'VMA-underlag', en: 'VMA underlag' }, () => import('./vma/VmaPage').then((m) => m.VmaPage)),
  spec('audit', { sv: 'Händelselogg', en: 'Audit log' }, () => import('./AuditPage').then((m) => m.AuditPage)),
  spec('settings', { sv: 'Inställningar', en: 'Settings' }, () => import('./SettingsPage').then((m) => m.SettingsPage)),
];

/** The page a route shows (the first, the overview, for an unknown one). */
export const pageOf = (route: Route): PageSpec => pageList.find((p) => p.id === route.page) ?? pageList[0]!;
