// Handlers for who is at the console: signing in, locking, signing out, the first
// administrator, the lock and offline settings, and the desktop's accounts.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function identityHandlers({ identity, users }: Pick<EngineServices, 'identity' | 'users'>): HandlersFor<'session.' | 'users.'> {
  return {
    'session.current': () => identity.state(),
    'session.signIn': ({ username, password }) => identity.signIn(username, password),
    'session.lock': () => identity.lock(),
    'session.signOut': () => identity.signOut(),
    'session.createFirstAdmin': (input) => identity.createFirstAdmin(input),
    'session.settings.set': (s) => identity.setSettings(s),
    'users.list': () => users.list(),
    'users.create': (input) => users.create(input),
    'users.setRole': ({ id, role }) => users.setRole(id, role),
    'users.remove': ({ id }) => users.remove(id),
  };
}
