// Handlers for who is at the console: signing in, locking, signing out, the first
// administrator, the lock and offline settings, and the desktop's accounts.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function identityHandlers({
  identity,
  users,
  organisation,
}: Pick<EngineServices, 'identity' | 'users' | 'organisation'>): HandlersFor<'session.' | 'users.' | 'organisation.'> {
  return {
    'session.current': () => identity.state(),
    'session.signIn': ({ username, password, totp }) => identity.signIn(username, password, totp),
    'session.lock': () => identity.lock(),
    'session.signOut': () => identity.signOut(),
    'session.createFirstAdmin': (input) => identity.createFirstAdmin(input),
    'session.settings.set': (s) => identity.setSettings(s),
    'users.list': () => users.list(),
    'users.create': (input) => users.create(input),
    'users.setRole': ({ id, role }) => users.setRole(id, role),
    'users.remove': ({ id }) => users.remove(id),
    'session.acceptInvitation': (input) => organisation.acceptInvitation(input),
    'organisation.users.list': () => organisation.users(),
    'organisation.users.update': ({ id, change }) => organisation.updateUser(id, change),
    'organisation.invitations.create': (input) => organisation.invite(input),
    'organisation.sessions.list': () => organisation.sessions(),
    'organisation.sessions.revoke': ({ id }) => organisation.revokeSession(id),
    'organisation.devices.list': () => organisation.devices(),
    'organisation.devices.revoke': ({ id }) => organisation.revokeDevice(id),
    'organisation.apiKeys.list': () => organisation.apiKeys(),
    'organisation.apiKeys.create': (input) => organisation.createApiKey(input),
    'organisation.apiKeys.revoke': ({ id }) => organisation.revokeApiKey(id),
    'organisation.webhooks.list': () => organisation.webhooks(),
    'organisation.webhooks.create': (input) => organisation.createWebhook(input),
    'organisation.webhooks.update': ({ id, change }) => organisation.updateWebhook(id, change),
    'organisation.webhooks.delete': ({ id }) => organisation.deleteWebhook(id),
    'organisation.webhooks.rotateSecret': ({ id }) => organisation.rotateWebhookSecret(id),
    'organisation.webhooks.test': ({ id }) => organisation.testWebhook(id),
    'organisation.webhooks.deliveries': (query) => organisation.webhookDeliveries(query),
    'organisation.webhooks.resend': ({ id }) => organisation.resendWebhook(id),
  };
}
