// The set-up the API-key tests share: a relay on a fresh Postgres sandbox with one
// organisation, its enrolled desktop and a signed-in administrator (who makes the keys).
import { startRelay, type RelayHandle } from '../src/index';
import { addUser, signIn, testPasswordCost } from './auth-helpers';
import { encryptionKey, pgSandbox, type PgSandbox } from './helpers';
import { addTenant, type TenantFixture } from './setup';

export interface AdminRelay {
  sandbox: PgSandbox;
  relay: RelayHandle;
  t: TenantFixture;
  /** The administrator's access token. */
  admin: string;
}

export async function relayWithAdmin(tenantId: string): Promise<AdminRelay> {
  const sandbox = pgSandbox();
  const relay = await startRelay({
    encryptionKey: encryptionKey(),
    databaseUrl: sandbox.databaseUrl,
    dbSchema: sandbox.schema,
    dbAppRole: sandbox.appRole,
    passwordCost: testPasswordCost,
  });
  const t = await addTenant(relay, tenantId);
  await addUser(relay, tenantId, 'chef', 'admin');
  const admin = (await signIn(relay, t.deviceToken, 'chef')).accessToken;
  return { sandbox, relay, t, admin };
}
