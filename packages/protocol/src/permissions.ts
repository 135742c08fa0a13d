// Who may call what: every RPC method with the least role that may call it. The engine's
// RPC layer checks it before any handler runs; the console reads the same table to disable
// (never only hide) what the signed-in role may not use and to say why. The roles are
// ordered, each with everything the one below it has: a Läsare reads, a Redaktör also
// edits contacts, groups, templates, recordings and drafts, a Larmoperatör also starts,
// pauses and cancels alerts and approves, an Administratör also manages users, desktops,
// providers and the organisation's settings. `satisfies` makes a method declared without
// a rule a compile error; a test also walks every method.
import { roles, type Role } from './roles';
import type { MethodName } from './rpc';

/** The least role that may call a method, or `anyone`: callable before signing in (to sign in). */
export type Clearance = Role | 'anyone';

/** Higher ranks include every lower one. */
export const roleRank: Record<Role, number> = { reader: 0, editor: 1, operator: 2, admin: 3 };

export const methodClearance = {
  // Before signing in: what the sign-in page needs.
  'system.info': 'anyone',
  'session.current': 'anyone',
  'session.signIn': 'anyone',
  'session.createFirstAdmin': 'anyone',
  // Any signed-in user: their own session and their own name.
  'session.lock': 'reader',
  'session.signOut': 'reader',
  'system.setOperator': 'reader',
  // Reads: a Läsare sees everything.
  'audit.list': 'reader',
  'tts.voices.list': 'reader',
  'tts.normalise': 'reader',
  'tts.synthesise': 'reader',
  'audio.get': 'reader',
  'audio.describe': 'reader',
  'audio.list': 'reader',
  'contacts.search': 'reader',
  'contacts.get': 'reader',
  // Whoever may see the contact may see what happened to them in alerts.
  'contacts.history': 'reader',
  'contacts.tags': 'reader',
  'contacts.checkPhone': 'reader',
  'contacts.optOuts.list': 'reader',
  'groups.list': 'reader',
  'groups.get': 'reader',
  'templates.list': 'reader',
  'templates.get': 'reader',
  'templates.preview': 'reader',
  'campaigns.list': 'reader',
  'campaigns.get': 'reader',
  'campaigns.plan': 'reader',
  'campaigns.progress': 'reader',
  'campaigns.report': 'reader',
  'campaigns.exportCsv': 'reader',
  'campaigns.history': 'reader',
  'campaigns.afterAction': 'reader',
  'analytics.overview': 'reader',
  'campaigns.reportExported': 'reader',
  'campaigns.priceTable.get': 'reader',
  'inbox.list': 'reader',
  'conversations.list': 'reader',
  'conversations.get': 'reader',
  // AI assistance: whether it is on and the stored suggestions are for everyone to see.
  'ai.status': 'reader',
  'ai.replySuggestions': 'reader',
  'preparedAlerts.list': 'reader',
  'segments.list': 'reader',
  'segments.preview': 'reader',
  'segments.points': 'reader',
  'schedules.list': 'reader',
  'schedules.get': 'reader',
  'schedules.resolve': 'reader',
  'schedules.onDuty': 'reader',
  'connectivity.status': 'reader',
  'connectivity.setup': 'reader',
  'sync.status': 'reader',
  'sync.organisation': 'reader',
  'sync.alertOwner': 'reader',
  // Taking over an alert another workstation stopped sending is an alert operator's act; the organisation's switch is an admin's.
  'sync.takeOver': 'operator',
  'sync.setAutoTakeOver': 'admin',
  'backups.list': 'reader',
  'health.list': 'reader',
  'notifications.list': 'reader',
  'notifications.markRead': 'reader',
  // Content: contacts, groups, templates, recordings, voices and drafts.
  'tts.voices.install': 'editor',
  'tts.voices.remove': 'editor',
  'tts.voices.setDefault': 'editor',
  'audio.saveRecording': 'editor',
  'contacts.create': 'editor',
  'contacts.update': 'editor',
  'contacts.delete': 'editor',
  'contacts.addTags': 'editor',
  'contacts.removeTags': 'editor',
  'contacts.setDoNotContact': 'editor',
  // A one-time link binding a contact's Telegram chat to them.
  'telegram.link': 'editor',
  // A draft alert sending people their link (starting it is an operator's, as for any alert).
  'telegram.linkAlert': 'editor',
  // Personal data leaving the desktop, and erasing it, is content work too (and audited).
  'contacts.exportPersonalData': 'editor',
  'contacts.export': 'editor',
  'contacts.erase': 'editor',
  'contacts.import.inspect': 'editor',
  'contacts.import.preview': 'editor',
  'contacts.import.run': 'editor',
  'contacts.import.cancel': 'editor',
  'contacts.optOuts.add': 'editor',
  'contacts.optOuts.remove': 'editor',
  'groups.create': 'editor',
  'groups.update': 'editor',
  'groups.delete': 'editor',
  'groups.addMembers': 'editor',
  'groups.removeMembers': 'editor',
  'templates.create': 'editor',
  // AI proposals for whoever writes texts; each use counts against the month's token budget.
  'ai.draftAlert': 'editor',
  'ai.simplify': 'editor',
  'ai.translate': 'editor',
  'ai.summariseReplies': 'editor',
  'templates.update': 'editor',
  'templates.delete': 'editor',
  'templates.whatsappContent': 'editor',
  'campaigns.create': 'editor',
  'campaigns.update': 'editor',
  'campaigns.delete': 'editor',
  'preparedAlerts.save': 'editor',
  'preparedAlerts.delete': 'editor',
  'segments.save': 'editor',
  'segments.delete': 'editor',
  'schedules.save': 'editor',
  'schedules.delete': 'editor',
  'preparedAlerts.use': 'editor',
  'preparedAlerts.requestApproval': 'editor',
  'campaigns.repeat': 'editor',
  // CAP: reading an alert as CAP is a read; a CAP file becomes a draft like any other.
  'cap.export': 'reader',
  'cap.import': 'editor',
  // Alerts: starting, pausing, cancelling, approving, and answering what comes back.
  'campaigns.start': 'operator',
  'campaigns.pause': 'operator',
  'campaigns.resume': 'operator',
  'campaigns.cancel': 'operator',
  'campaigns.skipHeld': 'operator',
  'campaigns.confirmByPhone': 'operator',
  'templates.approve': 'operator',
  'inbox.markHandled': 'operator',
  'conversations.assign': 'operator',
  'conversations.reply': 'operator',
  'conversations.markHandled': 'operator',
  'ai.classifyReplies': 'operator',
  // A health alert is acknowledged by whoever handles the room: an alert operator.
  'health.acknowledge': 'operator',
  // The VMA underlag to SOS Alarm: an operator's request on the organisation's behalf.
  'vma.underlag': 'operator',
  // The two-person rule: any operator submits, another one decides; only an admin overrides or sets the rule.
  'campaigns.approvals': 'reader',
  'campaigns.submitForApproval': 'operator',
  'campaigns.approve': 'operator',
  'preparedAlerts.approve': 'operator',
  'preparedAlerts.reject': 'operator',
  'campaigns.reject': 'operator',
  'campaigns.override': 'admin',
  'campaigns.approvalRule.set': 'admin',
  'ai.settings.save': 'admin',
  'ai.usage.list': 'admin',
  // The installation and the organisation: users, providers, relay, prices, settings.
  'session.settings.set': 'admin',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.setRole': 'admin',
  'users.remove': 'admin',
  // The organisation's users and desktops, at the relay (which checks the role as well).
  'session.acceptInvitation': 'anyone',
  'organisation.users.list': 'admin',
  'organisation.users.update': 'admin',
  'organisation.invitations.create': 'admin',
  'organisation.sessions.list': 'admin',
  'organisation.sessions.revoke': 'admin',
  'organisation.devices.list': 'admin',
  'organisation.devices.revoke': 'admin',
  'organisation.apiKeys.list': 'admin',
  'organisation.apiKeys.create': 'admin',
  'organisation.apiKeys.revoke': 'admin',
  // Outgoing webhooks: subscribing, secrets, re-sends and reading the delivery log are the administrator's (the relay checks too).
  'organisation.webhooks.list': 'admin',
  'organisation.webhooks.create': 'admin',
  'organisation.webhooks.update': 'admin',
  'organisation.webhooks.delete': 'admin',
  'organisation.webhooks.rotateSecret': 'admin',
  'organisation.webhooks.test': 'admin',
  'organisation.webhooks.deliveries': 'admin',
  'organisation.webhooks.resend': 'admin',
  'connectivity.saveSetup': 'admin',
  'connectivity.reloadSetup': 'admin',
  'connectivity.checkRelay': 'admin',
  'campaigns.priceTable.set': 'admin',
  'health.setThresholds': 'admin',
  // The database itself: making a backup and replacing everything with one.
  'backups.create': 'admin',
  'backups.restore': 'admin',
} as const satisfies Record<MethodName, Clearance>;

/** The roles that may call a method (empty never: admin may call everything). */
export function rolesAllowed(method: MethodName): Role[] {
  const c: Clearance = methodClearance[method];
  if (c === 'anyone') return [...roles];
  return roles.filter((r) => roleRank[r] >= roleRank[c]);
}

/** Whether a signed-in role (or nobody, `null`) may call a method. */
export function mayCall(role: Role | null, method: MethodName): boolean {
  const c: Clearance = methodClearance[method];
  if (c === 'anyone') return true;
  return role !== null && roleRank[role] >= roleRank[c];
}

/** The role named in a refusal: the least one that may call the method. */
export function leastRoleFor(method: MethodName): Role | null {
  const c: Clearance = methodClearance[method];
  return c === 'anyone' ? null : c;
}
