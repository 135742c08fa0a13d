// The relay's identity audit (sign-ins, failed sign-ins, lockouts, role changes, invitations,
// revocations) copied into the organisation's shared audit: each entry becomes an
// organisation-sync operation on the `audit` entity, appended to the tenant's log like a
// desktop's push, so every desktop's audit page shows it (the engine's audit codec writes
// it). The operations come from the pseudo-device "relay"; their counter is the relay's
// audit id, so a retry cannot log one twice. Actions are "relay.<action>"; the summary is
// Swedish, as the console shows it for actions it does not phrase itself.
import { contactFieldLabels, formatHlc, roleInfo, type AuthAuditEntry, type Role, type SyncOp } from '@gdial/protocol';
import type { RelayDb } from '../store/db';
import type { EventAppender } from './appender';
import { pushSyncOps } from './sync';

/** The device id the relay's own operations carry. */
export const RELAY_SYNC_DEVICE = 'relay';

const roleName = (r: unknown): string => (typeof r === 'string' && r in roleInfo ? roleInfo[r as Role].sv : String(r));

const phrases: Record<AuthAuditEntry['action'], (who: string, d: AuthAuditEntry['detail']) => string> = {
  'sign-in': (who) => `${who} loggade in`,
  'sign-in-failed': (who, d) => `Misslyckad inloggning som ${who}${d.reason === 'locked' ? ' (kontot är låst)' : ''}`,
  lockout: (who, d) => `${who} låstes efter ${String(d.attempts ?? 5)} misslyckade inloggningar`,
  'sign-out': (who) => `${who} loggade ut`,
  'refresh-reuse': () => 'En gammal förnyelsetoken användes igen; hela sessionen avslutades',
  'password-changed': (who, d) => (d.reset ? `Lösenordet för användaren byttes av administratör` : `${who} bytte lösenord`),
  'totp-enabled': (who) => `${who} slog på engångskoder`,
  'totp-disabled': (who) => `${who} slog av engångskoder`,
  'user-created': (who, d) => `${who} lade till användaren ${String(d.username ?? '')} (${roleName(d.role)})`,
  'user-updated': (who, d) => `${who} ändrade användaren ${String(d.username ?? '')}`,
  'role-changed': (who, d) => `${who} ändrade rollen för ${String(d.username ?? '')} från ${roleName(d.from)} till ${roleName(d.to)}`,
  'invitation-created': (who, d) => `${who} bjöd in en ${roleName(d.role)}`,
  'invitation-accepted': (who, d) => `${who} tackade ja till en inbjudan (${roleName(d.role)})`,
  'invitation-revoked': (who) => `${who} drog tillbaka en inbjudan`,
  'session-revoked': (who) => `${who} avslutade en session`,
  'device-revoked': (who) => `${who} spärrade en arbetsplats`,
  'webhook-created': (who, d) => `${who} lade till webhooken ${String(d.url ?? '')}`,
  'webhook-changed': (who, d) => `${who} ändrade webhooken ${String(d.url ?? '')}`,
  'webhook-deleted': (who, d) => `${who} tog bort webhooken ${String(d.url ?? '')}`,
  'webhook-secret-rotated': (who, d) => `${who} bytte hemligheten för webhooken ${String(d.url ?? '')}`,
  'webhook-resent': (who, d) => `${who} skickade händelsen ${String(d.type ?? '')} igen till ${String(d.url ?? '')}`,
  'webhook-tested': (who, d) => `${who} skickade en testhändelse till ${String(d.url ?? '')}`,
  'webhook-disabled': (_who, d) => `Webhooken ${String(d.url ?? '')} stängdes av: mottagaren svarade 410 Gone`,
  'api-key-created': (who, d) => `${who} skapade API-nyckeln ”${String(d.name ?? '')}” (${String(d.scopes ?? '')})`,
  'api-key-revoked': (who, d) => `${who} återkallade API-nyckeln ”${String(d.name ?? '')}”`,
  'api-key-used': (_who, d) => `API-nyckeln ”${String(d.name ?? '')}” användes: ${String(d.route ?? '')} från ${String(d.client ?? '')}`,
  'api-key-refused': (_who, d) =>
    `API-nyckeln ”${String(d.name ?? '')}” nekades (${apiKeyRefusals[String(d.reason)] ?? String(d.reason)}): ${String(d.route ?? '')} från ${String(d.client ?? '')}`,
  'api-contact-written': (_who, d) => apiContactPhrase(d),
  'api-alert-requested': (who, d) =>
    `API-nyckeln ”${who}” begärde larmet ”${String(d.preparedAlert ?? '')}”${d.test === 1 ? ' (test)' : ''}${d.desktopOnline === 0 ? '; ingen arbetsplats är ansluten, larmet väntar' : ''}`,
  'api-alert-progressed': (who, d) =>
    `Larmet som API-nyckeln ”${who}” begärde (”${String(d.preparedAlert ?? '')}”): ${apiAlertSteps[String(d.status)] ?? String(d.status)}${d.desktop ? ` av ${String(d.desktop)}` : ''}${d.reason ? ` – ${String(d.reason)}` : ''}`,
  'api-alert-cancel-requested': (who, d) => `API-nyckeln ”${who}” bad att larmet ”${String(d.preparedAlert ?? '')}” avbryts`,
};

const apiAlertSteps: Record<string, string> = {
  accepted: 'togs emot',
  draft: 'blev ett utkast som en operatör granskar och startar',
  'awaiting-approval': 'väntar på godkännande av en andra person',
  running: 'startades',
  completed: 'är klart',
  cancelled: 'avbröts',
  refused: 'nekades',
};

/** A contact's history line for a write through the API (ingest/api-contacts.ts): "Ändrad via API-nyckeln ”HR” (roll, telefonnummer)". */
function apiContactPhrase(d: AuthAuditEntry['detail']): string {
  const via = `via API-nyckeln ”${String(d.name ?? '')}”`;
  const fields = String(d.fields ?? '')
    .split(' ')
    .filter(Boolean)
    .map((f) => contactFieldLabels.sv[f] ?? f)
    .join(', ');
  switch (String(d.change)) {
    case 'created':
      return `Skapad ${via}`;
    case 'updated':
      return `Ändrad ${via}${fields ? ` (${fields})` : ''}`;
    case 'deleted':
      return `Borttagen ${via}`;
    case 'erased':
      return `En person raderades (GDPR) ${via}`;
    case 'member-added':
      return `Lagd i gruppen ”${String(d.group ?? '')}” ${via}`;
    case 'member-removed':
      return `Borttagen ur gruppen ”${String(d.group ?? '')}” ${via}`;
    default:
      return `Ändrad ${via}`;
  }
}

const apiKeyRefusals: Record<string, string> = {
  revoked: 'återkallad',
  expired: 'har gått ut',
  source: 'otillåten avsändaradress',
  scope: 'saknar behörighet',
  rate: 'för många anrop',
};

const subjectType = (action: AuthAuditEntry['action']): string =>
  action === 'api-contact-written'
    ? 'contact'
    : action.startsWith('api-key')
      ? 'apiKey'
      : action.startsWith('api-alert')
        ? 'apiAlertRequest'
        : action.startsWith('webhook')
          ? 'webhook'
          : action.startsWith('invitation')
            ? 'invitation'
            : action === 'session-revoked'
              ? 'session'
              : action === 'device-revoked'
                ? 'device'
                : 'user';

export function auditOp(e: AuthAuditEntry): SyncOp {
  const who = e.actorUsername ?? 'okänd';
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(e.detail)) if (typeof v === 'string' || typeof v === 'number') params[k] = v;
  if (e.deviceId) params.device = e.deviceId;
  return {
    device: RELAY_SYNC_DEVICE,
    counter: e.id,
    hlc: formatHlc({ wall: Date.parse(e.at), count: 0 }),
    entity: 'audit',
    id: `relay-audit:${e.id}`,
    kind: 'put',
    fields: {
      at: e.at,
      actor: who,
      action: `relay.${e.action}`,
      subjectType: subjectType(e.action),
      subject: e.subject,
      summary: phrases[e.action](who, e.detail),
      params,
    },
  };
}

/**
 * Failed sign-ins under names no user has stay in the relay's own audit: anyone can make
 * them, and each would otherwise travel to every desktop of the organisation.
 */
export const sharedWithDesktops = (e: AuthAuditEntry): boolean => !(e.action === 'sign-in-failed' && e.actorUserId === null);

export async function appendAuditToLog(deps: { db: RelayDb; appender: EventAppender }, tenantId: string, e: AuthAuditEntry): Promise<void> {
  if (sharedWithDesktops(e)) await pushSyncOps(deps, tenantId, RELAY_SYNC_DEVICE, [auditOp(e)]);
}
