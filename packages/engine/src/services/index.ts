// The composition root: every engine service is built here, once, and handed the services
// it depends on through its constructor. Nothing else constructs a service or looks one up;
// the RPC handlers, the engine entry and tests receive them from `buildServices`.
// The order is the dependency order: store-backed domains first (contacts, speech), then
// campaigns (which speak through the speech service), then what wires them to the outside
// world (connectivity, and its setup from saved settings and the host).
import type { EngineContext } from '../context';
import { CampaignService, type CampaignServiceOptions } from '../campaigns/service';
import { PreparedAlertService } from '../campaigns/prepared';
import { CapService } from '../cap/service';
import { ConversationService } from '../campaigns/conversations';
import { ApprovalService } from '../campaigns/approvals';
import { TemplateService } from '../campaigns/template-service';
import { createContactsModule, type ContactsModule } from '../contacts';
import { TtsService } from '../tts/service';
import { AudioMedia } from './audio-media';
import { RelayBurnPublisher } from '../burn/outgoing';
import { RelayCallbackPublisher } from '../callbacks/publisher';
import { Connectivity, type ConnectivitySettings } from './connectivity';
import type { SecretSealer } from './connectivity/secrets';
import { ConnectivitySetupService } from './connectivity/setup';
import { Replica } from '../sync/replica';
import { sharedCodecs } from '../sync/codecs';
import type { BackupService } from './backups';
import { HealthService, type HealthOptions } from './health/service';
import { LeaseService } from './leases';
import { ApiAlertPickup } from './api-alerts';
import { SyncService } from './sync';
import { IdentityService, type IdentityOptions } from './identity/service';
import { NotificationService } from './notifications';
import { UserService } from './identity/users';
import { OrganisationService } from './identity/organisation';
import { RelayAuth, sealedTokenVault } from './identity/relay-auth';
import { SystemService } from './system';
import { RollCallJournal } from '../campaigns/roll-call-journal';
import { AiService } from '../ai/service';
import { sealedAiKeyVault } from './ai-key';

export interface EngineServices extends ContactsModule {
  readonly identity: IdentityService;
  readonly notifications: NotificationService;
  readonly users: UserService;
  /** The signed-in user's session at the organisation's relay (sign-in, refresh, sign-out). */
  readonly relayAuth: RelayAuth;
  readonly organisation: OrganisationService;
  readonly system: SystemService;
  readonly tts: TtsService;
  /** The bytes of the organisation's audio: uploaded to the relay's media store, fetched on first use. */
  readonly audioMedia: AudioMedia;
  readonly templates: TemplateService;
  readonly campaigns: CampaignService;
  /** The inbox as threads per person and channel: assignment and handled state. */
  readonly conversations: ConversationService;
  /** Which roll-call lines changed, commit by commit (a live roll-call reads only those). */
  readonly rollCalls: RollCallJournal;
  readonly approvals: ApprovalService;
  readonly preparedAlerts: PreparedAlertService;
  /** CAP 1.2 import and export, and the VMA underlag. */
  readonly cap: CapService;
  readonly connectivity: Connectivity;
  readonly setup: ConnectivitySetupService;
  readonly sync: SyncService;
  /** The database's backups (made by the engine, which keeps it across a restore). */
  readonly backups: BackupService;
  readonly leases: LeaseService;
  /** Alerts other systems asked for through the relay's API: picked up, started and followed here. */
  readonly apiAlerts: ApiAlertPickup;
  readonly health: HealthService;
  /** AI assistance: proposals of text and sorting, never an act (issue #18). */
  readonly ai: AiService;
}

export interface ServiceOptions {
  /** Who may sign in and how; the host's signed-in user (tests) and demo accounts. */
  identity?: IdentityOptions;
  /** Providers and relay fixed by the host (environment, demo, tests). */
  connectivity?: ConnectivitySettings | undefined;
  connectivityEnvironment?: { name: string; set: boolean }[] | undefined;
  secrets?: SecretSealer | undefined;
  backups: BackupService;
  /** Overrides for the campaign service (tests and benchmarks plug in senders and timings). */
  campaigns?: CampaignServiceOptions;
  /** The health rules' clock, interval and disk (tests plug in their own). */
  health?: HealthOptions;
  /** This desktop's name in approval requests and their audit (the computer's name by default). */
  desktopName?: string | undefined;
  /** An AI server the host fixes (demo: the simulator's OpenAI-compatible endpoint). */
  aiServer?: { baseUrl: string; apiKey: string } | undefined;
}

export function buildServices(ctx: EngineContext, opts: ServiceOptions): EngineServices {
  // The relay is connectivity's, built below and reconfigurable while the engine runs: asked per call.
  const relayOf: { connectivity: Connectivity | null } = { connectivity: null };
  const clock = opts.identity?.now;
  const relayAuth = new RelayAuth({
    relay: () => relayOf.connectivity?.currentRelay() ?? null,
    logger: ctx.logger,
    ...(opts.identity?.relayFetch ? { fetch: opts.identity.relayFetch } : {}),
    ...(clock ? { now: () => clock().getTime() } : {}),
    vault: opts.secrets ? sealedTokenVault(ctx.store, opts.secrets, ctx.logger) : undefined,
  });
  const identity = new IdentityService(ctx, { ...opts.identity, organisation: opts.identity?.organisation ?? relayAuth });
  const users = new UserService(ctx, identity);
  const organisation = new OrganisationService(ctx, identity, relayAuth);
  const system = new SystemService(ctx, identity);
  const contacts = createContactsModule(ctx);
  const tts = new TtsService({
    dataDir: ctx.dataDir,
    resourcesDir: ctx.resourcesDir,
    store: ctx.store,
    logger: ctx.logger,
    events: ctx.events,
    actor: () => ctx.operator(),
  });
  const templates = new TemplateService(ctx, () => identity.current());
  // The health rules read what is built below; they are asked only once the engine runs.
  const later: { connectivity?: Connectivity; sync?: SyncService } = {};
  const health = new HealthService(
    ctx,
    {
      relayState: () => later.connectivity!.status().relay,
      relayApi: () => later.sync!.relayApi,
      appliedSeq: () => later.connectivity!.appliedSeq(),
      syncPending: () => {
        const s = later.sync!.status();
        return s.enabled ? s.pending : null;
      },
    },
    opts.health,
  );
  // Burn messages are stored at the relay the connectivity service joins (set on each start).
  const burnPublisher = new RelayBurnPublisher();
  // People who call back: the relay learns who was sent which alert as it goes out.
  const callbackPublisher = new RelayCallbackPublisher(ctx.logger.child({ module: 'callbacks' }));
  const campaigns = new CampaignService(ctx, {
    synthesiseVoice: callVoiceSynthesiser(ctx, tts),
    ...opts.campaigns,
    dispatcher: {
      burn: burnPublisher,
      callbacks: callbackPublisher,
      ...opts.campaigns?.dispatcher,
      onSendResult: (provider, outcome) => health.sends.record(provider, outcome),
    },
  });
  const approvals = new ApprovalService({ ctx, campaigns, user: () => identity.current(), desktop: opts.desktopName });
  const preparedAlerts = new PreparedAlertService(ctx, campaigns, { user: () => identity.current(), desktop: approvals.desktopName });
  const cap = new CapService(ctx, campaigns, templates);
  const syncLog = ctx.logger.child({ module: 'sync' });
  const replica = new Replica(ctx.store, sharedCodecs(), (err, state) =>
    syncLog.error({ err, entity: state.entity, id: state.id }, "another desktop's change could not be stored here"),
  );
  const sync = new SyncService(
    ctx,
    replica,
    (ids) => campaigns.remoteChanged(ids),
    (ids) => approvals.changed(ids),
  );
  const audioMedia = new AudioMedia(ctx, () => (replica.device === null ? null : sync.relayApi));
  sync.onAttach(() => audioMedia.connected());
  const leases = new LeaseService({
    ctx,
    api: () => sync.relayApi,
    device: () => replica.device,
    takenOver: (id) => campaigns.afterTakeOver(id),
    changed: (ids) => {
      ctx.events.emit('sync.alertOwner', { campaignIds: ids });
      campaigns.remoteChanged(ids);
    },
  });
  const apiAlerts = new ApiAlertPickup({
    ctx,
    campaigns,
    approvals,
    cap,
    actAs: (name, fn) => identity.actAs(name, fn),
    api: () => sync.relayApi,
    device: () => replica.device,
  });
  const connectivity = new Connectivity(ctx, {
    campaigns,
    tts,
    audioMedia,
    sync,
    burn: burnPublisher,
    callbacks: callbackPublisher,
    onAlertRequests: () => apiAlerts.wake(),
  });
  later.connectivity = connectivity;
  later.sync = sync;
  relayOf.connectivity = connectivity;
  const setup = new ConnectivitySetupService(ctx, connectivity, {
    host: opts.connectivity,
    sealer: opts.secrets,
    environment: opts.connectivityEnvironment,
  });
  return {
    identity,
    notifications: new NotificationService(ctx, () => identity.current()),
    users,
    relayAuth,
    organisation,
    system,
    ...contacts,
    tts,
    audioMedia,
    templates,
    campaigns,
    conversations: new ConversationService(
      ctx,
      () => identity.current(),
      (id) => {
        campaigns.dispatcher.wake();
        campaigns.progress.markDirty([id]);
      },
    ),
    rollCalls: new RollCallJournal(ctx.store),
    approvals,
    preparedAlerts,
    cap,
    connectivity,
    setup,
    sync,
    backups: opts.backups,
    leases,
    health,
    apiAlerts,
    ai: new AiService(ctx, {
      vault: opts.secrets ? sealedAiKeyVault(ctx.store, opts.secrets, ctx.logger) : null,
      hostServer: opts.aiServer,
    }),
  };
}

/**
 * Renders a call's typed message with offline TTS: with the template's voice, or the default
 * voice when it has none or it cannot speak (removed since). English has no offline voice;
 * the caller then lets the provider's voice read the script.
 */
export function callVoiceSynthesiser(
  ctx: Pick<EngineContext, 'logger'>,
  tts: TtsService,
): NonNullable<CampaignServiceOptions['synthesiseVoice']> {
  return async (script, language, voiceId) => {
    if (language !== 'sv') throw new Error('no offline English voice');
    if (voiceId) {
      try {
        return (await tts.synthesise({ text: script, voiceId })).audioId;
      } catch (err) {
        ctx.logger.warn({ err, voiceId }, "the template's voice cannot speak; using the default voice");
      }
    }
    return (await tts.synthesise({ text: script })).audioId;
  };
}
