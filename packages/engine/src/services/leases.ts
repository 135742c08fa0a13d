// Which desktop runs each alert of the organisation. The desktop that starts an alert runs
// it under a lease in the relay's Postgres, renewed every few seconds (LEASE_RENEW_MS); the
// others keep a live replica and learn from the relay who runs it and whether it still
// renews. When the owner stops renewing, an operator elsewhere can take the alert over
// ("Ta över", or automatically when the organisation says so): the relay gives a greater
// token, the alert's rows come back into this desktop's dispatch, and what was in flight is
// reconciled with the provider before anything is sent again. An owner whose renewal finds
// another holder gives the alert up at once: it stops dispatching it and keeps a replica.
import { z } from 'zod';
import { LEASE_RENEW_MS, refusal, type AlertOwner, type Lease } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, notFound } from '../errors';
import type { RelayApi } from '../relay-client';
import { campaignRow, liveAlerts, readLease, setCampaignRunBy, writeLease } from '../store/alert-sync';
import { recordAudit } from '../store/audit';
import { markLookUpFirst } from '../store/dispatch';
import type { Tx } from '../store/db';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';
import { uidOf } from '../store/sync';

const answering = (l: { expiresAt: number | null } | undefined, now: number): boolean => !l || l.expiresAt === null || l.expiresAt > now;

/** Organisation setting: take an alert over as soon as its owner stops renewing (no operator needed). */
export const autoTakeOverSetting: SettingDef<boolean> = { key: 'sync.autoTakeOver', schema: z.boolean(), fallback: false };

export interface LeaseServiceDeps {
  ctx: EngineContext;
  /** The relay's API while this desktop is joined to an organisation; null otherwise. */
  api: () => RelayApi | null;
  device: () => string | null;
  /** After a take-over: reconcile what was in flight, then dispatch. */
  takenOver: (campaignId: number) => Promise<void>;
  /** An alert changed hands (lost, taken, its owner stopped answering): the console re-reads it. */
  changed: (campaignIds: number[]) => void;
  now?: () => number;
}

export class LeaseService {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly now: () => number;
  private readonly log;

  constructor(private readonly deps: LeaseServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.ctx.logger.child({ module: 'leases' });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), LEASE_RENEW_MS);
    this.timer.unref?.();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sets the organisation's automatic take-over (shared with every desktop, audited). */
  setAutoTakeOver(enabled: boolean, actor: string): void {
    this.deps.ctx.store.transaction((tx) => {
      if (readSetting(tx, autoTakeOverSetting) === enabled) return;
      writeSetting(tx, autoTakeOverSetting, enabled);
      recordAudit(tx, actor, {
        action: 'sync.autoTakeOver',
        subjectType: 'setting',
        subjectId: autoTakeOverSetting.key,
        summary: `Automatic take-over of alerts whose workstation stops answering ${enabled ? 'on' : 'off'}`,
        params: { enabled: enabled ? 1 : 0 },
      });
    });
  }

  /** The names of the running alerts each device dispatches, as this desktop knows them. */
  alertsByDevice(): Map<string, string[]> {
    const me = this.deps.device();
    const out = new Map<string, string[]>();
    for (const a of liveAlerts(this.deps.ctx.store.read)) {
      const device = a.runBy ?? me;
      if (device === null || a.status === 'scheduled') continue;
      out.set(device, [...(out.get(device) ?? []), a.name]);
    }
    return out;
  }

  /** Who runs a campaign: this desktop, or another one (and whether it still answers). */
  ownerOf(campaignId: number): AlertOwner {
    const r = this.deps.ctx.store.read;
    const c = campaignRow(r, campaignId);
    if (!c) throw notFound('Campaign', campaignId);
    const uid = uidOf(r, 'alert', campaignId);
    const lease = uid ? readLease(r, uid) : undefined;
    if (c.run_by === null) return { remote: false, owner: this.deps.device(), ownerName: null, expiresAt: null, answering: true };
    const expiresAt = lease?.expiresAt ?? null;
    return {
      remote: true,
      owner: c.run_by,
      ownerName: lease?.ownerName ?? c.run_by,
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      answering: answering(lease, this.now()),
    };
  }

  /** Renews this desktop's leases and refreshes what it knows of the others' (every LEASE_RENEW_MS). */
  async tick(): Promise<void> {
    const api = this.deps.api();
    const me = this.deps.device();
    if (!api || !me || this.running) return;
    this.running = true;
    try {
      const alerts = liveAlerts(this.deps.ctx.store.read);
      const mine = alerts.filter((a) => a.runBy === null);
      if (mine.length > 0) {
        const r = await api.renewLeases(mine.map((a) => ({ alert: a.uid, token: readLease(this.deps.ctx.store.read, a.uid)?.token ?? 1 })));
        if (r.ok) this.learn(r.value.leases, me);
        else this.log.warn({ err: r.error.message }, 'renewing alert leases failed');
      }
      if (alerts.some((a) => a.runBy !== null)) {
        const r = await api.leases();
        if (r.ok) this.learn(r.value.leases, me);
        else this.log.warn({ err: r.error.message }, 'reading alert leases failed');
        if (readSetting(this.deps.ctx.store.read, autoTakeOverSetting)) await this.takeOverSilent();
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Takes an alert over from a desktop that stopped renewing its lease. Refused while the
   * owner still renews, and without the relay (the lease lives there).
   */
  async takeOver(campaignId: number, actor: string): Promise<AlertOwner> {
    const owner = this.ownerOf(campaignId);
    if (!owner.remote) return owner;
    const uid = uidOf(this.deps.ctx.store.read, 'alert', campaignId)!;
    const api = this.deps.api();
    const me = this.deps.device();
    const offline = () =>
      new DomainError(
        'UNAVAILABLE',
        'the relay is needed to take an alert over',
        undefined,
        refusal('campaign.take-over-offline', { id: campaignId }),
      );
    if (!api || !me) throw offline();
    const r = await api.takeLease(uid);
    if (!r.ok) throw r.error.kind === 'refused' ? new DomainError('CONFLICT', r.error.message) : offline();
    if (!r.value.taken) {
      this.learn([r.value.lease], me);
      throw new DomainError(
        'CONFLICT',
        `${r.value.lease.ownerName} still renews its lease`,
        undefined,
        refusal('campaign.owner-alive', { id: campaignId, owner: r.value.lease.ownerName }),
      );
    }
    const lease = r.value.lease;
    this.deps.ctx.store.transaction((tx) => {
      writeLease(tx, { alert: uid, owner: me, ownerName: lease.ownerName, token: lease.token, expiresAt: Date.parse(lease.expiresAt) });
      setCampaignRunBy(tx, campaignId, null);
      const suspects = markLookUpFirst(tx, campaignId);
      if (suspects > 0) this.log.warn({ campaignId, suspects }, 'rows the former owner may have sent are looked up before they are sent');
      recordAudit(tx, actor, {
        action: 'campaign.takeOver',
        subjectType: 'campaign',
        subjectId: campaignId,
        summary: `Took the alert "${campaignRow(tx, campaignId)?.name ?? campaignId}" over from ${owner.ownerName} (lease ${lease.token})`,
        params: { name: campaignRow(tx, campaignId)?.name ?? String(campaignId), from: owner.ownerName ?? '', token: lease.token },
      });
    });
    this.log.warn({ campaignId, from: owner.ownerName, token: lease.token }, 'took an alert over');
    this.deps.changed([campaignId]);
    // Reconciling what was in flight asks the provider row by row: the console does not wait for it.
    void this.deps.takenOver(campaignId).catch((err: unknown) => this.log.error({ err, campaignId }, 'resuming a taken-over alert failed'));
    return this.ownerOf(campaignId);
  }

  /** Writes what the relay said about leases; gives up alerts another desktop now holds. */
  private learn(leases: readonly Lease[], me: string): void {
    const lost: number[] = [];
    const changed: number[] = [];
    this.deps.ctx.store.transaction(
      (tx: Tx) => {
        const byUid = new Map(liveAlerts(tx).map((a) => [a.uid, a]));
        for (const l of leases) {
          const before = readLease(tx, l.alert);
          writeLease(tx, { alert: l.alert, owner: l.owner, ownerName: l.ownerName, token: l.token, expiresAt: Date.parse(l.expiresAt) });
          const alert = byUid.get(l.alert);
          if (!alert) continue;
          if (alert.runBy === null && l.owner !== me) {
            setCampaignRunBy(tx, alert.id, l.owner);
            lost.push(alert.id);
          } else if (alert.runBy !== null && answering(before, this.now()) === l.expired) changed.push(alert.id); // stopped or resumed answering
        }
      },
      { origin: 'sync' },
    );
    for (const id of lost) this.log.error({ campaignId: id }, 'another desktop took this alert over; it is no longer dispatched here');
    if (lost.length + changed.length > 0) this.deps.changed([...lost, ...changed]);
  }

  private async takeOverSilent(): Promise<void> {
    for (const a of liveAlerts(this.deps.ctx.store.read)) {
      if (a.runBy === null || this.ownerOf(a.id).answering) continue;
      try {
        await this.takeOver(a.id, 'GDial (automatiskt övertagande)');
      } catch (err) {
        this.log.warn({ err, campaignId: a.id }, 'automatic take-over failed');
      }
    }
  }
}
