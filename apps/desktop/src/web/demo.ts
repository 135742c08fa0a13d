// Demo mode: with no provider credentials configured, the browser host runs the whole
// world on this machine — the loopback provider simulator and an embedded relay on PGlite —
// and enrols this desktop with the relay exactly as a real installation would. Calls,
// messages and webhooks then take the same path as in production (signed callbacks into
// the relay, the relay's event stream back to the engine), only nobody's phone rings.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { elksWebhookUrls, relayWebhookUrls } from '@gdial/protocol';
import { enrolDevice, type ConnectivitySettings, type DemoLogin, type Logger } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';
import { startSimulator, type ProfileInput, type Simulator } from '@gdial/simulator';

export const DEMO_TENANT = 'demo';
/** The demo sender number: a Swedish mobile, so people can reply "1" to it. */
export const DEMO_FROM = '+46701740000';
/** The demo's number at 46elks, the provider SMS and calls fail over to. */
export const DEMO_ELKS_FROM = '+46766860000';

/**
 * The demo's accounts on each console: shown with their passwords on the sign-in page (they
 * guard nothing; nobody's phone rings in the demo), and the first is signed in at start.
 */
export const DEMO_ACCOUNTS: DemoLogin[] = [
  { username: 'demo-admin', password: 'gdial-demo-admin', role: 'admin', displayName: 'Demo Administratör' },
  { username: 'demo-operator', password: 'gdial-demo-operator', role: 'operator', displayName: 'Demo Larmoperatör' },
  { username: 'demo-editor', password: 'gdial-demo-editor', role: 'editor', displayName: 'Demo Redaktör' },
  { username: 'demo-reader', password: 'gdial-demo-reader', role: 'reader', displayName: 'Demo Läsare' },
];

export interface DemoWorld {
  simulator: Simulator;
  relay: RelayHandle;
  connectivity: ConnectivitySettings;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** The engine's data dir; the demo keeps its relay database and keys in `<dataDir>/demo`. */
  dataDir: string;
  logger: Logger;
  /** Simulator profile: "standard" (realistic delays and outcomes) unless a test wants "fast". */
  profile?: ProfileInput | string;
}

interface DemoState {
  deviceToken: string;
  telegramSecret: string;
  /** 46elks' callback secret (the relay checks it in 46elks' callback URLs); absent in demos from before 46elks. */
  elksSecret?: string;
}

/** A secret that must survive restarts (the relay database is encrypted with it). */
function persistentKey(file: string): Buffer {
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

export async function startDemoWorld(opts: DemoOptions): Promise<DemoWorld> {
  const dir = path.join(opts.dataDir, 'demo');
  mkdirSync(dir, { recursive: true });
  const log = opts.logger.child({ module: 'demo' });
  const simulator = await startSimulator({ seed: 'gdial-demo', profile: opts.profile ?? 'standard' });
  let relay: RelayHandle | undefined;
  try {
    relay = await startRelay({
      encryptionKey: persistentKey(path.join(dir, 'relay.key')),
      dataDir: path.join(dir, 'relay-db'),
      port: 0,
      logger: opts.logger.child({ module: 'relay' }),
      // The demo's webhook receivers run on this computer (a test endpoint, a script on localhost).
      webhooks: { allowPrivate: true },
    });
    const admin = relay.admin;
    if (!(await admin.listTenants()).some((t) => t.slug === DEMO_TENANT)) {
      const created = await admin.createTenant(DEMO_TENANT, 'GDial demo');
      if (!created.ok) throw new Error(`Creating the demo tenant failed: ${created.problem}`);
    }
    await createDemoUsers(relay);
    const stateFile = path.join(dir, 'device.json');
    let state: DemoState | null = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as DemoState) : null;
    if (!state) {
      const enrolment = await admin.createEnrolment(DEMO_TENANT, 1);
      if (!enrolment.ok) throw new Error(`Creating a demo enrolment failed: ${enrolment.problem}`);
      const enrolled = await enrolDevice(relay.url, enrolment.value.token, 'GDial demo');
      if (!enrolled.ok) throw new Error(`Enrolling with the demo relay failed: ${enrolled.error.message}`);
      state = { deviceToken: enrolled.value.deviceToken, telegramSecret: randomBytes(24).toString('hex') };
      writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
    }
    let elksSecret = state.elksSecret;
    if (!elksSecret) {
      // A demo from before 46elks was part of it gets its callback secret now.
      elksSecret = randomBytes(24).toString('hex');
      state = { ...state, elksSecret };
      writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
    }
    const creds = await admin.setCredentials(DEMO_TENANT, {
      twilioAuthToken: simulator.credentials.authToken,
      sendgridPublicKey: simulator.credentials.sendgridPublicKey,
      telegramSecretToken: state.telegramSecret,
      elksCallbackSecret: elksSecret,
    });
    if (!creds.ok) throw new Error(`Storing the demo credentials failed: ${creds.problem}`);
    const urls = relayWebhookUrls(relay.publicBaseUrl, DEMO_TENANT);
    const elksUrls = elksWebhookUrls(relay.publicBaseUrl, DEMO_TENANT, elksSecret);
    simulator.configure({
      elksSmsUrl: elksUrls.elksInbound,
      inboundMessageUrl: urls.twilioInbound,
      sendgridEventWebhookUrl: urls.sendgridEvents,
      telegramWebhookUrl: urls.telegramUpdate,
      telegramSecretToken: state.telegramSecret,
    });
    // WhatsApp content templates as a real account has them: one WhatsApp approved, one under review.
    simulator.addContent({ friendlyName: 'larm_samling', body: 'Hej {{1}}! Larm från {{2}}: {{3}}. Svara 1 för att bekräfta.' });
    simulator.addContent({ friendlyName: 'ovning_utkast', body: 'Övning: {{1}}', whatsappStatus: 'pending' });
    log.info({ simulator: simulator.url, relay: relay.url }, 'demo world started');
    const r = relay;
    const providers: ConnectivitySettings['providers'] = {
      twilio: {
        accountSid: simulator.credentials.accountSid,
        authToken: simulator.credentials.authToken,
        baseUrl: simulator.url,
        sms: { from: DEMO_FROM },
        whatsapp: { from: DEMO_FROM },
        voice: { from: DEMO_FROM },
        callbacks: { messageStatusUrl: urls.twilioMessageStatus, callStatusUrl: urls.twilioCallStatus },
      },
      sendgrid: {
        apiKey: simulator.credentials.sendgridApiKey,
        baseUrl: simulator.url,
        from: { email: 'larm@demo.gdial.se', name: 'GDial demo' },
      },
      telegram: { botToken: simulator.credentials.telegramBotToken, baseUrl: simulator.url },
      // The second provider: SMS and calls fail over to 46elks when Twilio's path fails.
      elks: {
        username: simulator.credentials.elksUsername,
        password: simulator.credentials.elksPassword,
        baseUrl: simulator.url,
        sms: { from: DEMO_ELKS_FROM },
        voice: { from: DEMO_ELKS_FROM },
        callbacks: {
          deliveryReportUrl: elksUrls.elksDeliveryReport,
          callHangupUrl: elksUrls.elksCallHangup,
          callbackSecret: elksSecret,
        },
      },
    };
    await writeJoinFile(admin, dir, r.url, providers);
    return {
      simulator,
      relay: r,
      connectivity: { providers, relay: { url: r.url, deviceToken: state.deviceToken, tenant: DEMO_TENANT } },
      async close() {
        await r.close();
        await simulator.close();
      },
    };
  } catch (err) {
    await relay?.close();
    await simulator.close();
    throw err;
  }
}

/**
 * The demo accounts as users of the demo organisation at the relay, created through the
 * relay's admin service as a real organisation's first admin is (the admin CLI): the console
 * signs them in there like any user. Missing ones are created on every start.
 */
async function createDemoUsers(relay: RelayHandle): Promise<void> {
  const tenant = (await relay.admin.listTenants()).find((t) => t.slug === DEMO_TENANT);
  if (!tenant) throw new Error('The demo tenant is missing');
  const existing = new Set((await relay.authAdmin.listUsers(tenant.id)).map((u) => u.username));
  for (const a of DEMO_ACCOUNTS) {
    if (existing.has(a.username)) continue;
    const created = await relay.authAdmin.createUser(
      tenant.id,
      { username: a.username, displayName: a.displayName, role: a.role, password: a.password },
      null,
    );
    if (!created.ok) throw new Error(`Creating the demo user ${a.username} failed: ${created.failure.message}`);
  }
}

// ── a second console on the same demo world (organisation sync) ──

/** What a console started with GDIAL_DEMO_JOIN reads from the first console's data dir. */
interface JoinFile {
  relayUrl: string;
  tenant: string;
  providers: ConnectivitySettings['providers'];
  /** One-time enrolment tokens; a joining console uses the first one the relay still accepts. */
  enrolmentTokens: string[];
}

const JOIN_TOKENS = 5;

async function writeJoinFile(admin: RelayHandle['admin'], dir: string, relayUrl: string, providers: ConnectivitySettings['providers']) {
  const enrolmentTokens: string[] = [];
  for (let i = 0; i < JOIN_TOKENS; i++) {
    const e = await admin.createEnrolment(DEMO_TENANT, 24);
    if (!e.ok) throw new Error(`Creating a demo enrolment failed: ${e.problem}`);
    enrolmentTokens.push(e.value.token);
  }
  const join: JoinFile = { relayUrl, tenant: DEMO_TENANT, providers, enrolmentTokens };
  writeFileSync(path.join(dir, 'join.json'), JSON.stringify(join), { mode: 0o600 });
}

/**
 * Connectivity for a second console on the demo world another console runs (GDIAL_DEMO_JOIN =
 * that console's data dir): the same simulated providers, and its own device on the same
 * relay organisation, so the two share contacts, templates and the audit log. The device
 * token is kept in this console's data dir, so a restart joins as the same workstation.
 */
export async function joinDemoWorld(opts: {
  dataDir: string;
  joinDataDir: string;
  name: string;
  logger: Logger;
}): Promise<ConnectivitySettings> {
  const file = path.join(opts.joinDataDir, 'demo', 'join.json');
  if (!existsSync(file))
    throw new Error(`No demo console to join at ${opts.joinDataDir}: start the first console (npm start) with that GDIAL_DATA_DIR first.`);
  const join = JSON.parse(readFileSync(file, 'utf8')) as JoinFile;
  mkdirSync(opts.dataDir, { recursive: true });
  const mine = path.join(opts.dataDir, 'demo-join.json');
  const saved = existsSync(mine) ? (JSON.parse(readFileSync(mine, 'utf8')) as { relayUrl: string; deviceToken: string }) : null;
  let deviceToken = saved?.relayUrl === join.relayUrl ? saved.deviceToken : null;
  for (const token of deviceToken ? [] : join.enrolmentTokens) {
    const enrolled = await enrolDevice(join.relayUrl, token, opts.name);
    if (enrolled.ok) {
      deviceToken = enrolled.value.deviceToken;
      break;
    }
    if (enrolled.error.kind === 'network')
      throw new Error(`The first console's relay at ${join.relayUrl} cannot be reached: is it running?`);
  }
  if (!deviceToken) throw new Error('Every enrolment code of the first console is used: restart the first console to make new ones.');
  writeFileSync(mine, JSON.stringify({ relayUrl: join.relayUrl, deviceToken }), { mode: 0o600 });
  opts.logger.child({ module: 'demo' }).info({ relay: join.relayUrl }, 'joined the demo organisation');
  return { providers: join.providers, relay: { url: join.relayUrl, deviceToken, tenant: join.tenant } };
}
