// Health alerts: every half minute the engine reads how GDial itself is doing (providers'
// send results, the relay stream and the relay's own view of the organisation, the
// database's write times, the sync queue, the disk), judges it against the thresholds
// (settings, with defaults) and keeps one alert per condition and subject, Alertmanager
// style: it fires while the condition holds, resolves by itself when it ends, and stays in
// the console's list until it has resolved and an operator acknowledged it (audited).
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  defaultHealthThresholds,
  healthThresholdsSchema,
  type HealthAlert,
  type HealthOverview,
  type HealthRule,
  type HealthThresholds,
  type RelayHealth,
  type RelayState,
} from '@gdial/protocol';
import type { EngineContext } from '../../context';
import { notFound } from '../../errors';
import type { Logger } from '../../log';
import type { RelayHttpResult } from '../../relay-client/http';
import { recordAudit } from '../../store/audit';
import {
  acknowledgeHealthAlert,
  fireHealthAlert,
  firingHealthAlerts,
  getHealthAlert,
  listedHealthAlerts,
  resolveHealthAlert,
} from '../../store/health-alerts';
import { readSetting, writeSetting, type SettingDef } from '../../store/settings';
import { evaluateHealth, type Evaluation, type HealthReadings } from './rules';
import { SendOutcomes } from './signals';

/** How often the rules are judged. */
export const HEALTH_INTERVAL_MS = 30_000;
/** The write times the latency rule looks at. */
const WRITE_WINDOW_MS = 5 * 60_000;

/** Stored whole; a threshold an older version did not know takes its default. */
const thresholdsSetting: SettingDef<HealthThresholds> = {
  key: 'health.thresholds',
  schema: z.record(z.string(), z.unknown()).transform((v) => healthThresholdsSchema.parse({ ...defaultHealthThresholds, ...v })),
  fallback: defaultHealthThresholds,
};

/** What the service reads from the rest of the engine (passed by the composition root). */
export interface HealthSources {
  relayState(): RelayState;
  /** The relay's API while one is set up and joined. */
  relayApi(): { health(): Promise<RelayHttpResult<RelayHealth>> } | null;
  /** The last relay sequence applied here. */
  appliedSeq(): number | null;
  /** Changes waiting for the relay, or null when this desktop does not sync. */
  syncPending(): number | null;
}

export interface HealthOptions {
  clock?: () => number;
  /** Free bytes on the disk holding a directory (tests plug in a small disk). */
  freeBytes?: (dir: string) => Promise<number>;
  intervalMs?: number;
}

const diskFree = async (dir: string): Promise<number> => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

export class HealthService {
  readonly sends: SendOutcomes;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly freeBytes: (dir: string) => Promise<number>;
  private timer: NodeJS.Timeout | null = null;
  private checkedAt: string | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly sources: HealthSources,
    private readonly opts: HealthOptions = {},
  ) {
    this.log = ctx.logger.child({ module: 'health' });
    this.clock = opts.clock ?? Date.now;
    this.freeBytes = opts.freeBytes ?? diskFree;
    this.sends = new SendOutcomes(this.clock);
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      void this.evaluate().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.opts.intervalMs ?? HEALTH_INTERVAL_MS);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  thresholds(): HealthThresholds {
    return readSetting(this.ctx.store.read, thresholdsSetting);
  }

  overview(): HealthOverview {
    return { alerts: listedHealthAlerts(this.ctx.store.read), thresholds: this.thresholds(), checkedAt: this.checkedAt };
  }

  /** Reads, judges and stores once (one at a time; a call while one runs waits for it and runs again). */
  async evaluate(): Promise<void> {
    while (this.running) await this.running;
    const run = this.evaluateOnce().catch((err: unknown) => this.log.warn({ err }, 'health rules could not be evaluated'));
    this.running = run;
    await run;
    this.running = null;
  }

  acknowledge(id: number): HealthAlert {
    const actor = this.ctx.operator();
    const acked = this.ctx.store.transaction((tx) => {
      const a = getHealthAlert(tx, id);
      if (!a) throw notFound('Health alert', id);
      if (!acknowledgeHealthAlert(tx, id, actor, new Date(this.clock()).toISOString())) return false;
      recordAudit(tx, actor, {
        action: 'health.acknowledged',
        subjectType: 'health',
        subjectId: id,
        summary: `Health alert ${a.rule}${a.subject ? ` (${a.subject})` : ''} acknowledged`,
        params: { rule: a.rule, subject: a.subject },
      });
      return true;
    });
    if (acked) this.ctx.events.emit('health.changed', {});
    return getHealthAlert(this.ctx.store.read, id)!;
  }

  async setThresholds(t: HealthThresholds): Promise<HealthThresholds> {
    const actor = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      writeSetting(tx, thresholdsSetting, t);
      recordAudit(tx, actor, {
        action: 'health.thresholds',
        subjectType: 'health',
        subjectId: null,
        summary: 'Health alert thresholds changed',
        params: { ...t },
      });
    });
    await this.evaluate();
    this.ctx.events.emit('health.changed', {});
    return this.thresholds();
  }

  private async evaluateOnce(): Promise<void> {
    const readings = await this.read();
    const evaluation = evaluateHealth(readings, this.thresholds());
    const changed = this.store(evaluation);
    this.checkedAt = new Date(this.clock()).toISOString();
    if (changed) this.ctx.events.emit('health.changed', {});
  }

  private async read(): Promise<HealthReadings> {
    const now = this.clock();
    const relayState = this.sources.relayState();
    const configured = relayState.status !== 'not-configured';
    const down = configured && relayState.status !== 'connected' && relayState.status !== 'stopped';
    const downSince = relayState.offlineSince ?? relayState.since;
    const offlineMinutes = down && downSince ? Math.max(0, Math.floor((now - Date.parse(downSince)) / 60_000)) : 0;
    let lagEvents: number | null = null;
    let signatureFailures: number | null = null;
    const api = configured ? this.sources.relayApi() : null;
    if (api) {
      const res = await api.health();
      if (res.ok) {
        lagEvents = Math.max(0, res.value.headSeq - (this.sources.appliedSeq() ?? 0));
        signatureFailures = res.value.signatureFailures.count;
      } else this.log.debug({ error: res.error.kind }, "the relay's health could not be read");
    }
    let freeMb: number | null = null;
    try {
      freeMb = Math.floor((await this.freeBytes(this.storeDir())) / (1024 * 1024));
    } catch (err) {
      this.log.warn({ err }, 'free disk space could not be read');
    }
    return {
      providers: this.sends.recent(),
      relay: { configured, offlineMinutes, lagEvents, signatureFailures },
      writes: this.ctx.store.writeTimes.latency(WRITE_WINDOW_MS),
      syncPending: this.sources.syncPending(),
      freeMb,
    };
  }

  private storeDir(): string {
    return this.ctx.store.path === ':memory:' ? this.ctx.dataDir : path.dirname(this.ctx.store.path);
  }

  /** Fires what holds, resolves what a checked rule no longer finds; true when the list changed. */
  private store(e: Evaluation): boolean {
    const at = new Date(this.clock()).toISOString();
    return this.ctx.store.transaction((tx) => {
      const open = firingHealthAlerts(tx);
      let changed = false;
      for (const c of e.firing) {
        const before = open.get(`${c.rule}|${c.subject}`);
        if (!before) this.log.warn({ rule: c.rule, subject: c.subject, value: c.value, threshold: c.threshold }, 'health alert firing');
        if (!before || before.value !== c.value || before.threshold !== c.threshold) changed = true;
        fireHealthAlert(tx, { ...c, at });
        open.delete(`${c.rule}|${c.subject}`);
      }
      for (const a of open.values()) {
        if (!judged(e, a.rule, a.subject)) continue;
        this.log.info({ rule: a.rule, subject: a.subject }, 'health alert resolved');
        resolveHealthAlert(tx, a.id, at);
        changed = true;
      }
      return changed;
    });
  }
}

const judged = (e: Evaluation, rule: HealthRule, subject: string): boolean =>
  subject === '' ? e.checked.has(rule) : (e.checkedSubjects.get(rule)?.has(subject) ?? false);
