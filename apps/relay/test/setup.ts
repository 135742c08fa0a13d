// Starting a relay with a tenant, credentials and an enrolled device, on either backend.
import { startRelay, type RelayHandle, type StartRelayOptions } from '../src/index';
import { encryptionKey, pgSandbox, sendgridKey, type Backend, type PgSandbox, type SendgridKey } from './helpers';

export interface TenantFixture {
  slug: string;
  twilioAuthToken: string;
  telegramSecret: string;
  sendgrid: SendgridKey;
  deviceToken: string;
  deviceId: string;
}

export interface RelayFixture {
  relay: RelayHandle;
  sandbox: PgSandbox | null;
  key: Buffer;
  stop(): Promise<void>;
}

/** The /metrics bearer token every test relay is started with. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';
export const metricsHeaders = { authorization: `Bearer ${METRICS_TOKEN}` };

export async function startTestRelay(backend: Backend, extra: Partial<StartRelayOptions> = {}): Promise<RelayFixture> {
  const sandbox = backend === 'postgres' ? pgSandbox() : null;
  const key = extra.encryptionKey ?? encryptionKey();
  const relay = await startRelay({
    encryptionKey: key,
    metricsToken: METRICS_TOKEN,
    ...(sandbox ? { databaseUrl: sandbox.databaseUrl, dbSchema: sandbox.schema, dbAppRole: sandbox.appRole } : {}),
    ...extra,
  });
  return {
    relay,
    sandbox,
    key,
    async stop() {
      await relay.close();
      await sandbox?.drop();
    },
  };
}

export async function addTenant(relay: RelayHandle, slug: string): Promise<TenantFixture> {
  const created = await relay.admin.createTenant(slug, `Org ${slug}`);
  if (!created.ok) throw new Error(created.problem);
  const twilioAuthToken = `auth-${slug}-${Math.random().toString(36).slice(2)}`;
  const telegramSecret = `tg_${slug}_${Math.random().toString(36).slice(2)}`;
  const sendgrid = sendgridKey();
  const set = await relay.admin.setCredentials(slug, {
    twilioAuthToken,
    telegramSecretToken: telegramSecret,
    sendgridPublicKey: sendgrid.publicKeyBase64,
  });
  if (!set.ok) throw new Error(set.problem);
  const enrolment = await relay.admin.createEnrolment(slug);
  if (!enrolment.ok) throw new Error(enrolment.problem);
  const res = await fetch(`${relay.url}/api/v1/devices/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrolmentToken: enrolment.value.token, deviceName: `desk-${slug}` }),
  });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { deviceToken: string; deviceId: string };
  return { slug, twilioAuthToken, telegramSecret, sendgrid, deviceToken: body.deviceToken, deviceId: body.deviceId };
}
