// Demo mode: with no provider credentials configured, the browser host runs the whole
// world on this machine — the loopback provider simulator and an embedded relay on PGlite —
// and enrols this desktop with the relay exactly as a real installation would. Calls,
// messages and webhooks then take the same path as in production (signed callbacks into
// the relay, the relay's event stream back to the engine), only nobody's phone rings.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { relayWebhookUrls } from '@gdial/protocol';
import { enrolDevice, type ConnectivitySettings, type Logger } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';
import { startSimulator, type ProfileInput, type Simulator } from '@gdial/simulator';

export const DEMO_TENANT = 'demo';
/** The demo sender number: a Swedish mobile, so people can reply "1" to it. */
export const DEMO_FROM = '+46701740000';

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
    });
    const admin = relay.admin;
    if (!(await admin.listTenants()).some((t) => t.slug === DEMO_TENANT)) {
      const created = await admin.createTenant(DEMO_TENANT, 'GDial demo');
      if (!created.ok) throw new Error(`Creating the demo tenant failed: ${created.problem}`);
    }
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
    const creds = await admin.setCredentials(DEMO_TENANT, {
      twilioAuthToken: simulator.credentials.authToken,
      sendgridPublicKey: simulator.credentials.sendgridPublicKey,
      telegramSecretToken: state.telegramSecret,
    });
    if (!creds.ok) throw new Error(`Storing the demo credentials failed: ${creds.problem}`);
    const urls = relayWebhookUrls(relay.publicBaseUrl, DEMO_TENANT);
    simulator.configure({
      inboundMessageUrl: urls.twilioInbound,
      sendgridEventWebhookUrl: urls.sendgridEvents,
      telegramWebhookUrl: urls.telegramUpdate,
      telegramSecretToken: state.telegramSecret,
    });
    log.info({ simulator: simulator.url, relay: relay.url }, 'demo world started');
    const r = relay;
    return {
      simulator,
      relay: r,
      connectivity: {
        providers: {
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
        },
        relay: { url: r.url, deviceToken: state.deviceToken, tenant: DEMO_TENANT },
      },
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
