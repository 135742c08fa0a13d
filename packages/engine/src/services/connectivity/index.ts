// Wires the engine to the outside world from what the host configured: provider adapters
// become the dispatcher's channel senders; the relay hosts call flows and audio and streams
// the providers' webhooks back. Each relay event is parsed and applied in the same SQLite
// transaction that advances the stored cursor, so it takes effect exactly once even across
// crashes. State changes are pushed to the console as `connectivity.changed`.
// `reconfigure` swaps providers and relay while the engine runs: the old relay stream is
// stopped after the event it is applying is committed, provider calls in flight finish on
// the adapters they started with, and queued deliveries go out through the new ones.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { channels, type Channel, type ConnectivityStatus, type RelayEvent, type RelayState } from '@gdial/protocol';
import { AudioUnavailableError, callFlowHost } from '../../campaigns/call-flows';
import type { AppliedEvents } from '../../campaigns/events';
import { applyProviderEvents } from '../../campaigns/events';
import { applyBurnOpened } from '../../burn/opened';
import type { RelayBurnPublisher } from '../../burn/outgoing';
import type { RelayCallbackPublisher } from '../../callbacks/publisher';
import type { RateLimit } from '../../campaigns/dispatcher';
import type { CampaignService } from '../../campaigns/service';
import { sendersFromProviders } from '../../campaigns/senders';
import type { EngineContext } from '../../context';
import { createProviders, type ProviderSettings, type Providers } from '../../providers/factory';
import type { TelegramBotProvider } from '../../providers/telegram';
import { parseWebhook, WebhookParseError } from '../../providers/webhooks';
import { RelayApi, RelayClient, type RelayConnectionState } from '../../relay-client';
import type { Tx } from '../../store/db';
import type { TtsService } from '../../tts/service';
import type { SyncService } from '../sync';
import type { AudioMedia } from '../audio-media';
import { readSetting, writeSetting, type SettingDef } from '../../store/settings';

export interface RelaySettings {
  /** The relay's base URL as this desktop reaches it. */
  url: string;
  /** This desktop's device token (from enrolment). */
  deviceToken: string;
  /** The organisation on the relay the provider callbacks go to, when known: checked against the one the device token belongs to. */
  tenant?: string;
}

export interface ConnectivitySettings {
  providers?: ProviderSettings;
  relay?: RelaySettings;
}

/** Where the relay stream was read up to; tied to the relay and token it came from. */
const cursorSetting: SettingDef<{ relay: string; seq: number } | null> = {
  key: 'relay.cursor',
  schema: z.object({ relay: z.string(), seq: z.number().int().nonnegative() }).nullable(),
  fallback: null,
};

const providerOf = (p: Providers, ch: Channel): string | null => {
  const adapter = p[ch];
  return adapter ? adapter.provider : null;
};

/** The providers' sender throughput from the settings, as the dispatcher takes it (burst: one second's worth). */
function ratesOf(p: ProviderSettings | undefined): Record<string, Partial<Record<Channel, RateLimit>>> | undefined {
  if (!p?.rates) return undefined;
  const out: Record<string, Partial<Record<Channel, RateLimit>>> = {};
  for (const [provider, r] of Object.entries(p.rates)) {
    if (!r) continue;
    const limit = (perSecond: number): RateLimit => ({ perSecond, burst: Math.max(1, Math.round(perSecond)) });
    out[provider] = { ...(r.sms ? { sms: limit(r.sms) } : {}), ...(r.voice ? { voice: limit(r.voice) } : {}) };
  }
  return out;
}

/** The id of a Telegram button press in a relay event, to answer after it is applied. */
function telegramPressOf(webhook: { kind: string; body: unknown }): string | null {
  if (webhook.kind !== 'telegram.update') return null;
  const id = (webhook.body as { callback_query?: { id?: unknown } } | null)?.callback_query?.id;
  return typeof id === 'string' && id !== '' ? id : null;
}

export class Connectivity {
  private relayClient: RelayClient | null = null;
  private relay: RelayState;
  private providers: Providers;
  private settings: ConnectivitySettings;
  /** Serialises reconfigurations, so two saves never interleave their stop and start. */
  private switching: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: {
      campaigns: CampaignService;
      tts: TtsService;
      /** Another desktop's audio is fetched before its calls are placed. */
      audioMedia: AudioMedia;
      sync: SyncService;
      /** Where burn messages are stored: this desktop's relay, set on each start. */
      burn?: RelayBurnPublisher;
      /** Who was sent which alert, for people who call back: this desktop's relay, set on each start. */
      callbacks?: RelayCallbackPublisher;
      /** The relay's log says alert requests from its API wait (or ask to be cancelled); also called on every connect. */
      onAlertRequests?: () => void;
    },
  ) {
    this.settings = {};
    this.providers = createProviders({}, ctx.logger);
    this.relay = initialRelayState(this.settings);
  }

  /** The relay this desktop is enrolled with now, or null (not joined to an organisation). */
  currentRelay(): RelaySettings | null {
    return this.settings.relay ?? null;
  }

  /**
   * Runs with the settings the engine starts with (see ConnectivitySetupService.initialSettings):
   * hands the providers and the call-flow host to the dispatcher and starts the relay stream.
   */
  begin(settings: ConnectivitySettings): void {
    this.settings = settings;
    this.providers = createProviders(settings.providers ?? {}, this.ctx.logger);
    this.relay = initialRelayState(settings);
    this.start();
  }

  private start(): void {
    const { campaigns, tts, audioMedia } = this.deps;
    const relay = this.settings.relay;
    const api = relay ? new RelayApi(relay.url, relay.deviceToken) : null;
    this.deps.burn?.setRelay(api);
    this.deps.callbacks?.setRelay(api);
    const flows = api
      ? callFlowHost({
          async registerFlow(flow) {
            const r = await api.registerCallFlow(flow);
            if (!r.ok) throw new Error(`The relay refused the call flow: ${r.error.message}`);
            return { url: r.value.url };
          },
          audioUrl: async (audioId) => {
            try {
              await audioMedia.ensureLocal(audioId);
            } catch (err) {
              throw new AudioUnavailableError(err instanceof Error ? err.message : String(err));
            }
            const audio = tts.telephonyAudio(audioId);
            const r = await api.uploadMedia(audio.bytes, audio.contentType);
            if (!r.ok) throw new Error(`Uploading the call audio to the relay failed: ${r.error.message}`);
            return r.value.url;
          },
        })
      : null;
    const p = this.providers;
    campaigns.setChannels(
      sendersFromProviders({
        sms: p.sms ?? undefined,
        whatsapp: p.whatsapp ?? undefined,
        voice: p.voice ?? undefined,
        email: p.email ?? undefined,
        telegram: p.telegram ?? undefined,
        chains: p.chains,
      }),
      flows,
      ratesOf(this.settings.providers),
    );
    if (relay && api) this.startRelayStream(relay, api);
    else this.deps.sync.detach();
    this.publish();
  }

  /**
   * Runs with new settings from now on, without restarting the engine. The adapters are
   * built first, so settings they refuse leave the running connectivity untouched.
   */
  reconfigure(settings: ConnectivitySettings): Promise<void> {
    const next = this.switching.then(async () => {
      const providers = createProviders(settings.providers ?? {}, this.ctx.logger);
      const old = this.relayClient;
      this.relayClient = null;
      await old?.stop();
      this.settings = settings;
      this.providers = providers;
      this.relay = initialRelayState(settings);
      this.ctx.logger
        .child({ module: 'connectivity' })
        .info({ relay: settings.relay?.url ?? null, channels: channels.filter((c) => providers[c] !== null) }, 'connectivity reconfigured');
      this.start();
    });
    this.switching = next.catch(() => {});
    return next;
  }

  private startRelayStream(relay: RelaySettings, api: RelayApi): void {
    const { store, logger } = this.ctx;
    const log = logger.child({ module: 'connectivity' });
    const { campaigns, sync } = this.deps;
    // Same relay and token: resume; anything else starts from the beginning of what it keeps.
    // The key holds a digest of the token, never the token itself.
    const relayKey = `${relay.url}#${createHash('sha256').update(relay.deviceToken).digest('hex').slice(0, 16)}`;
    // Cursors stored before the digest held the token's first 12 characters; they still resume.
    const legacyKey = `${relay.url}#${relay.deviceToken.slice(0, 12)}`;
    let applied: AppliedEvents[] = [];
    /** Telegram button presses to answer once their events are committed (the person's app waits for it). */
    let presses: string[] = [];
    /** Whether the batch held an alert request (the pick-up then asks the relay for the open ones). */
    let alertRequests = false;
    let streamTx: Tx | null = null;
    const client = new RelayClient({
      relayUrl: relay.url,
      deviceToken: relay.deviceToken,
      logger,
      cursor: {
        load: async () => {
          const c = readSetting(store.read, cursorSetting);
          if (c && (c.relay === relayKey || c.relay === legacyKey)) return c.seq;
          // Joining this relay: the organisation's shared data first. The log is then read
          // from its start (what the snapshot already holds merges to no change), so no
          // provider event of this desktop's deliveries is skipped.
          if ((await sync.snapshot(api)) !== null)
            store.transaction((tx) => writeSetting(tx, cursorSetting, { relay: relayKey, seq: 0 }), { origin: 'relay' });
          return 0;
        },
        epoch: () => sync.epoch(),
        applyAndAdvance: (seq, apply) => {
          applied = [];
          presses = [];
          alertRequests = false;
          store.transaction(
            (tx) => {
              streamTx = tx;
              try {
                const r = apply();
                if (r instanceof Promise) throw new Error('relay events must be applied synchronously inside the transaction');
              } finally {
                streamTx = null;
              }
              writeSetting(tx, cursorSetting, { relay: relayKey, seq });
            },
            { origin: 'relay' },
          );
          for (const result of applied) campaigns.afterProviderEvents(result);
          const telegram = this.providers.telegram;
          if (telegram && 'answerCallback' in telegram)
            for (const id of presses) void (telegram as TelegramBotProvider).answerCallback(id, 'Tack! Bekräftelsen är registrerad.');
          sync.applied();
          if (alertRequests) this.deps.onAlertRequests?.();
        },
      },
      apply: (event: RelayEvent, seq) => {
        if (event.type === 'sync' || event.type === 'sync-state') {
          if (!streamTx) throw new Error('a sync operation must be applied inside the cursor transaction');
          if (event.type === 'sync') sync.applyOp(streamTx, event.op);
          else sync.applyState(streamTx, event.state);
          return;
        }
        // Another system asked for an alert through the relay's API: looked at once the batch is committed.
        if (event.type === 'alert-request') {
          alertRequests = true;
          return;
        }
        // A burn message was opened: its delivery shows as opened in the roll-call.
        if (event.type === 'burn-opened') {
          if (!streamTx) throw new Error('relay events are applied only inside the cursor transaction');
          applied.push(applyBurnOpened(streamTx, event));
          return;
        }
        let events;
        try {
          events = parseWebhook(event.webhook);
        } catch (err) {
          // A webhook we cannot read must not stop the stream behind it: it is logged and passed.
          if (err instanceof WebhookParseError) {
            log.warn({ seq, kind: event.webhook.kind, err: err.message }, 'skipped a relay event that could not be parsed');
            return;
          }
          throw err;
        }
        if (!streamTx) throw new Error('relay events are applied only inside the cursor transaction');
        applied.push(applyProviderEvents(streamTx, events));
        const press = telegramPressOf(event.webhook);
        if (press) presses.push(press);
      },
    });
    client.onState((s) => {
      // A client being replaced still reports its last states; only the current one counts.
      if (this.relayClient !== client) return;
      this.relay = relayStateOf(s, relay.url);
      if (s.status === 'connected') {
        sync.attach(api, s.deviceId);
        // Requests made while this desktop was away wait for it.
        this.deps.onAlertRequests?.();
      }
      if (s.status === 'reconnecting' && s.silent) sync.lineLost();
      if (s.status === 'resync-required') void this.resync(client, api, relayKey, s);
      if (s.status === 'connected' && relay.tenant && s.tenant !== relay.tenant) {
        // Callbacks would go to another organisation's hooks and never come back here.
        this.relay = {
          ...this.relay,
          detail: `The device token belongs to the relay organisation "${s.tenant}", but the provider callbacks are set to go to "${relay.tenant}". Correct the organisation in Settings.`,
        };
        log.error({ tokenTenant: s.tenant, configuredTenant: relay.tenant }, 'relay tenant mismatch');
      }
      this.publish();
    });
    this.relayClient = client;
    client.start();
  }

  /**
   * The relay no longer keeps the events after our cursor (pruned after its retention), or
   * its database was restored from a backup (a new sync epoch): take the organisation's
   * snapshot again and resume from the oldest event it keeps, so the shared picture is
   * complete and later events still come. After a restore this desktop first re-pushes its
   * merged states (the restored log lacks what was logged after the backup) and resumes where
   * the restored log ended, or from its own cursor when that is earlier.
   */
  private async resync(
    client: RelayClient,
    api: RelayApi,
    relayKey: string,
    s: Extract<RelayConnectionState, { status: 'resync-required' }>,
  ): Promise<void> {
    const log = this.ctx.logger.child({ module: 'connectivity' });
    for (let attempt = 1; this.relayClient === client; attempt++) {
      try {
        let resumeFrom = s.prunedThrough;
        if (s.epoch) {
          await this.deps.sync.repush(api, s.epoch.id);
          const cursor = readSetting(this.ctx.store.read, cursorSetting);
          const mine = cursor?.relay === relayKey ? cursor.seq : 0;
          resumeFrom = Math.max(s.prunedThrough, Math.min(mine, s.epoch.seq));
        }
        await this.deps.sync.snapshot(api);
        this.ctx.store.transaction((tx) => writeSetting(tx, cursorSetting, { relay: relayKey, seq: resumeFrom }), { origin: 'relay' });
        log.info(
          { resumeFrom, epoch: s.epoch?.id ?? null },
          s.epoch
            ? 'resynchronised with the relay after its database was restored'
            : 'resynchronised with the relay after its log was pruned',
        );
        client.resync();
        return;
      } catch (err) {
        log.warn({ err, attempt }, 'resynchronising with the relay failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    }
  }

  status(): ConnectivityStatus {
    return {
      demo: this.ctx.demo,
      relay: this.relay,
      channels: channels.map((channel) => {
        const provider = providerOf(this.providers, channel);
        return { channel, configured: provider !== null, provider };
      }),
    };
  }

  /** The last relay sequence applied here (stored with the events it applied), or null before the first. */
  appliedSeq(): number | null {
    return readSetting(this.ctx.store.read, cursorSetting)?.seq ?? null;
  }

  private publish(): void {
    this.ctx.events.emit('connectivity.changed', this.status());
  }

  async stop(): Promise<void> {
    await this.switching;
    this.deps.callbacks?.stop();
    this.deps.sync.detach();
    await this.relayClient?.stop();
    this.relayClient = null;
  }
}

const initialRelayState = (settings: ConnectivitySettings): RelayState =>
  settings.relay ? relayStateOf({ status: 'stopped' }, settings.relay.url) : notConfigured;

const notConfigured: RelayState = { status: 'not-configured', url: null, since: null, offlineSince: null, detail: null, retryAt: null };

export function relayStateOf(s: RelayConnectionState, url: string): RelayState {
  const base = { url, since: null, offlineSince: null, detail: null, retryAt: null };
  switch (s.status) {
    case 'stopped':
      return { ...base, status: 'stopped' };
    case 'connecting':
      return { ...base, status: 'connecting', offlineSince: s.offlineSince };
    case 'connected':
      return { ...base, status: 'connected', since: s.since };
    case 'reconnecting':
      return {
        ...base,
        status: 'reconnecting',
        offlineSince: s.offlineSince,
        detail: s.lastError,
        retryAt: s.retryAt,
        ...(s.silent ? { silent: true } : {}),
      };
    case 'resync-required':
      return {
        ...base,
        status: 'resync-required',
        since: s.since,
        detail: `The relay no longer keeps events after ${s.lastSeq}; statuses are reconciled with the providers.`,
      };
    case 'unauthorized':
      return { ...base, status: 'unauthorized', since: s.since, detail: s.message };
    default: {
      const never: never = s;
      throw new Error(`unknown relay state ${JSON.stringify(never)}`);
    }
  }
}
