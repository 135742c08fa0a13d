// A relay in a process of its own, for the convergence harness: the harness can SIGKILL it,
// start it again on the same database, or restore that database from a backup first.
// Configured by GDIAL_HARNESS_RELAY (JSON: database, encryption key, tenant); answers the
// harness's requests over IPC (enrolment codes, the organisation's merged states and log).
import { relayWebhookUrls } from '@gdial/protocol';
import { startRelay } from '@gdial/relay';
import { notify, serve } from './ipc';

export interface RelayChildConfig {
  /** PostgreSQL (with its own schema and role), or PGlite in `dataDir`. */
  databaseUrl?: string;
  dbSchema?: string;
  dataDir?: string;
  encryptionKey: string;
  tenant: string;
  /** The stream's heartbeat (the relay's default, 15 s, when absent). */
  heartbeatMs?: number;
}

const config = JSON.parse(process.env.GDIAL_HARNESS_RELAY ?? '{}') as RelayChildConfig;
const relay = await startRelay({
  encryptionKey: Buffer.from(config.encryptionKey, 'base64'),
  ...(config.databaseUrl
    ? { databaseUrl: config.databaseUrl, dbSchema: config.dbSchema, dbAppRole: `${config.dbSchema}_app` }
    : { dataDir: config.dataDir }),
  rateLimitPerSecond: 1_000_000,
  ...(config.heartbeatMs ? { heartbeatMs: config.heartbeatMs } : {}),
  pollIntervalMs: 200,
  logLevel: process.env.GDIAL_HARNESS_RELAY_LOG ?? 'silent',
});
if (!(await relay.admin.listTenants()).some((t) => t.slug === config.tenant)) {
  const created = await relay.admin.createTenant(config.tenant, 'Harness');
  if (!created.ok) throw new Error(created.problem);
}

serve({
  async enrol() {
    const e = await relay.admin.createEnrolment(config.tenant, 1);
    if (!e.ok) throw new Error(e.problem);
    return e.value.token;
  },
  /** The organisation's merged state of every shared entity, as Postgres holds it. */
  async entities() {
    const rows = await relay.db.asOwner((q) =>
      q.query<{ state: unknown }>(
        'SELECT s.state FROM sync_entities s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = $1 ORDER BY s.entity, s.entity_id',
        [config.tenant],
      ),
    );
    return rows.map((r) => (typeof r.state === 'string' ? (JSON.parse(r.state) as unknown) : r.state));
  },
  /** The organisation's logged sync events (operations, and states re-pushed after a restore), in sequence order. */
  async log() {
    const rows = await relay.db.asOwner((q) =>
      q.query<{ payload: unknown }>(
        `SELECT e.payload FROM events e JOIN tenants t ON t.id = e.tenant_id WHERE t.slug = $1 AND e.kind = 'sync' ORDER BY e.seq`,
        [config.tenant],
      ),
    );
    return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload));
  },
  /** The tenant takes the simulator's Twilio webhooks; answers the URLs to give the simulator and the desktops. */
  async providerSetup({ twilioAuthToken }: { twilioAuthToken: string }) {
    const r = await relay.admin.setCredentials(config.tenant, { twilioAuthToken });
    if (!r.ok) throw new Error(r.problem);
    return relayWebhookUrls(relay.publicBaseUrl, config.tenant);
  },
  /** What an operator does after restoring the database from a backup: a new sync epoch. */
  async newEpoch() {
    const r = await relay.admin.newEpoch(config.tenant);
    if (!r.ok) throw new Error(r.problem);
    return r.value;
  },
  async close() {
    await relay.close();
    setImmediate(() => process.exit(0));
  },
});
notify('ready', { port: relay.port, url: relay.url });
