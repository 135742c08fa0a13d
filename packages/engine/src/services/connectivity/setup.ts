// Configuring providers and the relay from the console, and starting with what was saved.
//
// Precedence: settings the host fixes (the browser host's environment variables, demo
// mode, tests) win; the configuration saved here is then shown but cannot be changed.
// Otherwise the engine runs with the saved configuration, whose secrets it opens through
// the host's sealer at start. A save is all or nothing: every field is checked, every new
// secret sealed and every kept one opened before one transaction writes the configuration,
// the sealed secrets and the audit entry; only then do the relay stream and the providers
// restart with it.
import type { ConnectivitySetup, ConnectivitySource, ConnectivityStatus, connectivityConfigInputSchema } from '@gdial/protocol';
import type { z } from 'zod';
import type { EngineContext } from '../../context';
import { DomainError, invalid } from '../../errors';
import { createProviders } from '../../providers/factory';
import { recordAudit } from '../../store/audit';
import { readSetting, writeSetting } from '../../store/settings';
import type { Connectivity, ConnectivitySettings } from './index';
import {
  allSlots,
  configIsEmpty,
  configView,
  describeChanges,
  readSealedSecrets,
  savedConfigSetting,
  settingsFromConfig,
  slotsNeeded,
  validateSetup,
  writeSecret,
  type SavedConfig,
  type SealedSecret,
} from './saved';
import type { SecretSealer, SecretSlot } from './secrets';
import { secretSlots } from './secrets';

export interface ConnectivitySetupOptions {
  /** Providers and relay fixed by the host; when they configure anything they take precedence. */
  host?: ConnectivitySettings | undefined;
  /** The host's secure storage; without it no secret is ever stored. */
  sealer?: SecretSealer | undefined;
  /** The environment variables the host reads, and which are set, for the settings page. */
  environment?: { name: string; set: boolean }[] | undefined;
}

const fieldOf: Record<SecretSlot, string> = {
  [secretSlots.relayDeviceToken]: 'relay.deviceToken',
  [secretSlots.twilioAuthToken]: 'twilio.authToken',
  [secretSlots.sendgridApiKey]: 'sendgrid.apiKey',
  [secretSlots.telegramBotToken]: 'telegram.botToken',
  [secretSlots.elksPassword]: 'elks.password',
  [secretSlots.elksCallbackSecret]: 'elks.callbackSecret',
};

const NO_SEALER =
  'This console has no secure storage for credentials (it is the browser host, which reads them from environment variables), so it never stores them. Set the GDIAL_… variables and restart it, or use the desktop app.';

const hostConfigures = (s: ConnectivitySettings | undefined): boolean =>
  s !== undefined &&
  (s.relay !== undefined || Object.entries(s.providers ?? {}).some(([k, p]) => k !== 'order' && k !== 'rates' && p !== undefined));

type SaveInput = z.output<typeof connectivityConfigInputSchema>;

export class ConnectivitySetupService {
  private source: ConnectivitySource = 'none';
  private problem: ConnectivitySetup['problem'] = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly hostFixed: boolean;

  constructor(
    private readonly ctx: EngineContext,
    private readonly connectivity: Connectivity,
    private readonly opts: ConnectivitySetupOptions,
  ) {
    this.hostFixed = hostConfigures(opts.host);
  }

  /** What the engine starts with: the host's settings when it fixes them, else the saved configuration, opened. */
  async initialSettings(): Promise<ConnectivitySettings> {
    if (this.hostFixed) {
      this.source = this.ctx.demo ? 'demo' : 'host';
      return this.opts.host ?? {};
    }
    return this.openSaved();
  }

  /** Opens the saved configuration again and runs with it (e.g. once the OS key store is back). */
  reload(): Promise<{ setup: ConnectivitySetup; status: ConnectivityStatus }> {
    return this.serially(async () => {
      if (this.hostFixed) throw this.hostFixedError();
      const settings = await this.openSaved();
      await this.connectivity.reconfigure(settings);
      return { setup: await this.view(), status: this.connectivity.status() };
    });
  }

  async view(): Promise<ConnectivitySetup> {
    const db = this.ctx.store.db;
    const config = readSetting(db, savedConfigSetting);
    const storage = await this.storage();
    const readOnlyReason = this.hostFixed
      ? this.ctx.demo
        ? 'demo'
        : 'host'
      : storage.available
        ? null
        : this.opts.sealer
          ? 'key-store-unavailable'
          : 'no-secure-storage';
    return {
      source: this.source,
      editable: readOnlyReason === null,
      readOnlyReason,
      secureStorage: storage,
      problem: this.problem,
      saved: configView(config, readSealedSecrets(db)),
      updatedAt: config?.updatedAt ?? null,
      updatedBy: config?.updatedBy ?? null,
      environment: this.opts.environment ?? null,
    };
  }

  save(input: SaveInput): Promise<{ setup: ConnectivitySetup; status: ConnectivityStatus }> {
    return this.serially(async () => {
      if (this.hostFixed) throw this.hostFixedError();
      const db = this.ctx.store.db;
      const sealed = readSealedSecrets(db);
      const saved = Object.fromEntries(allSlots.map((s) => [s, sealed[s] !== null])) as Record<SecretSlot, boolean>;
      const sealer = this.opts.sealer;
      const checked = validateSetup(input, saved);
      if ('issues' in checked) throw invalid(checked.issues);
      const replacing = allSlots.filter((s) => checked.secrets[s].kind === 'replace');
      if (!sealer) {
        if (replacing.length) throw new DomainError('PRECONDITION', `Secrets cannot be saved: ${NO_SEALER}`);
      } else if (replacing.length) {
        const a = await sealer.available();
        if (!a.ok) throw new DomainError('PRECONDITION', `Secrets cannot be saved on this computer: ${a.reason} Nothing was saved.`);
      }

      // Every secret the new configuration runs with, in the clear only in memory: the new
      // ones as typed, the kept ones opened (which also proves they still can be).
      const plain = new Map<SecretSlot, string>();
      const toStore = new Map<SecretSlot, SealedSecret | null>();
      const now = new Date().toISOString();
      const failures: { slot: SecretSlot; message: string }[] = [];
      await Promise.all(
        allSlots.map(async (slot) => {
          const change = checked.secrets[slot];
          if (change.kind === 'replace') {
            const r = await sealer!.seal(slot, change.value);
            if (!r.ok) failures.push({ slot, message: r.message });
            else {
              toStore.set(slot, { sealed: r.value, setAt: now });
              plain.set(slot, change.value);
            }
          } else if (change.kind === 'remove') {
            if (sealed[slot]) toStore.set(slot, null);
          } else if (sealed[slot] && slotsNeeded(checked.config).includes(slot)) {
            const r = sealer
              ? await sealer.open(slot, sealed[slot].sealed)
              : { ok: false as const, message: 'there is no secure storage to open it with' };
            if (!r.ok) failures.push({ slot, message: `the saved value could not be opened (${r.message}); enter it again` });
            else {
              plain.set(slot, r.value.value);
              if (r.value.resealed) toStore.set(slot, { sealed: r.value.resealed, setAt: sealed[slot].setAt });
            }
          }
        }),
      );
      const sealFailed = failures.filter((f) => checked.secrets[f.slot].kind === 'replace');
      if (sealFailed.length) {
        throw new DomainError(
          'UNAVAILABLE',
          `Secure storage refused to seal ${sealFailed.map((f) => `${fieldOf[f.slot]} (${f.message})`).join(', ')}. Nothing was saved.`,
        );
      }
      if (failures.length) throw invalid(failures.map((f) => ({ path: fieldOf[f.slot], message: f.message })));

      const settings = settingsFromConfig(checked.config, (slot) => {
        const v = plain.get(slot);
        if (v === undefined) throw new Error(`${slot} is needed but was not opened`);
        return v;
      });
      // The adapters refuse settings they cannot run with; find that out before writing.
      createProviders(settings.providers ?? {});

      const before = readSetting(db, savedConfigSetting);
      const operator = this.ctx.operator();
      const config: SavedConfig = { ...checked.config, updatedAt: now, updatedBy: operator };
      this.ctx.store.transaction(({ db: tx }) => {
        writeSetting(tx, savedConfigSetting, config);
        for (const [slot, value] of toStore) writeSecret(tx, slot, value);
        recordAudit(tx, operator, {
          action: 'connectivity.configure',
          subjectType: 'connectivity',
          summary: describeChanges(before, checked.config, checked.secrets, saved),
        });
      });
      this.ctx.logger.child({ module: 'connectivity' }).info({ relay: config.relay.url || null }, 'providers and relay saved');

      this.problem = null;
      this.source = configIsEmpty(checked.config) ? 'none' : 'saved';
      await this.connectivity.reconfigure(settings);
      return { setup: await this.view(), status: this.connectivity.status() };
    });
  }

  private async openSaved(): Promise<ConnectivitySettings> {
    const db = this.ctx.store.db;
    const log = this.ctx.logger.child({ module: 'connectivity' });
    const config = readSetting(db, savedConfigSetting);
    this.problem = null;
    this.source = 'none';
    if (!config || configIsEmpty(config)) return {};
    const sealed = readSealedSecrets(db);
    const needed = slotsNeeded(config);
    const missing = needed.filter((s) => !sealed[s]);
    if (missing.length) {
      const fields = missing.map((s) => fieldOf[s]);
      this.problem = {
        kind: 'incomplete',
        fields,
        message: `The saved configuration lacks ${fields.join(', ')}, so providers and relay are not in use. Enter it under Settings → Providers and relay.`,
      };
      log.warn({ missing: missing.map((s) => fieldOf[s]) }, 'saved connectivity is incomplete; not configured');
      return {};
    }
    const sealer = this.opts.sealer;
    if (!sealer) {
      this.problem = {
        kind: 'no-secure-storage',
        fields: needed.map((s) => fieldOf[s]),
        message: `Providers and relay are saved in this database, but ${NO_SEALER}`,
      };
      log.warn('saved connectivity needs a sealer this host does not have; not configured');
      return {};
    }
    const opened = await Promise.all(needed.map(async (slot) => ({ slot, r: await sealer.open(slot, sealed[slot]!.sealed) })));
    const failed = opened.filter((o) => !o.r.ok);
    if (failed.length) {
      const first = failed[0]!.r as { ok: false; message: string };
      const fields = failed.map((f) => fieldOf[f.slot]);
      this.problem = {
        kind: 'cannot-open',
        fields,
        message:
          `The saved credentials (${fields.join(', ')}) could not be opened, so providers and relay are not in use: ${first.message} ` +
          'This happens when the operating system’s key store changed (another user account, a reinstalled system, a database copied from another computer). Enter them again under Settings → Providers and relay.',
      };
      log.error({ slots: failed.map((f) => f.slot) }, 'saved credentials could not be opened; starting not configured');
      return {};
    }
    const values = new Map<SecretSlot, string>();
    const resealed: [SecretSlot, SealedSecret][] = [];
    for (const { slot, r } of opened) {
      if (!r.ok) continue;
      values.set(slot, r.value.value);
      if (r.value.resealed) resealed.push([slot, { sealed: r.value.resealed, setAt: sealed[slot]!.setAt }]);
    }
    if (resealed.length) {
      this.ctx.store.transaction(({ db: tx }) => {
        for (const [slot, v] of resealed) writeSecret(tx, slot, v);
      });
      log.info({ slots: resealed.map(([s]) => s) }, 'stored credentials sealed again under the rotated OS key');
    }
    this.source = 'saved';
    return settingsFromConfig(config, (slot) => values.get(slot)!);
  }

  private async storage(): Promise<{ available: boolean; message: string | null }> {
    const sealer = this.opts.sealer;
    if (!sealer) return { available: false, message: NO_SEALER };
    try {
      const a = await sealer.available();
      return a.ok ? { available: true, message: null } : { available: false, message: a.reason };
    } catch (err) {
      return { available: false, message: (err as Error).message };
    }
  }

  private hostFixedError(): DomainError {
    return new DomainError(
      'PRECONDITION',
      this.ctx.demo
        ? 'This console runs in demo mode with simulated providers; providers and relay cannot be changed here.'
        : 'Providers and relay are set by this console’s host (its GDIAL_… environment variables), which take precedence over settings saved here. Change them there and restart.',
    );
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
