// Organisation sync's HTTPS routes (Authorization: Bearer <device token>):
//   POST /api/v1/sync/push          the desktop's outbox operations; answers what is acknowledged
//   POST /api/v1/sync/states        the desktop's merged states, re-pushed into a new epoch (a restored database)
//   GET  /api/v1/sync/snapshot      one page of the organisation's current state (?after=&limit=)
//   GET  /api/v1/sync/organisation  the organisation's desktops: name, last seen, online
//   POST /api/v1/sync/leases/renew  the owner renews its leases on the alerts it dispatches
//   POST /api/v1/sync/leases/take   take over an alert whose owner stopped renewing
//   GET  /api/v1/sync/leases        who dispatches each running alert, and whether they answer
import express, { type Request, type Router } from 'express';
import {
  LEASE_TTL_MS,
  describeIssues,
  leaseRenewRequestSchema,
  leaseTakeRequestSchema,
  type Lease,
  type LeaseTakeResponse,
  fieldIssues,
  syncEntities,
  syncPushRequestSchema,
  syncStatesRequestSchema,
  type OrganisationView,
  type SyncSnapshotPage,
} from '@gdial/protocol';
import { EpochMismatch, pushSyncOps, pushSyncStates } from '../ingest/sync';
import { listLeases, readSnapshotPage, renewLeases, takeLease, type LeaseRow } from '../store/sync';
import { listDevices, type AuthenticatedDevice } from '../store/tenants';
import { apiError } from './middleware';
import type { HttpServices } from './services';

/** A desktop seen within this long is shown as online (the stream's heartbeat and every API call refresh it). */
const ONLINE_WITHIN_MS = 45_000;

/** The most states a snapshot page holds (a page is a few megabytes of JSON at most). */
const SNAPSHOT_PAGE_MAX = 10_000;

/** Leases are listed while their alert may still run: a day after the last renewal. */
const LEASES_LISTED_MS = 24 * 3600_000;

const leaseView = (l: LeaseRow, now = Date.now()): Lease => ({
  alert: l.alert,
  owner: l.owner,
  ownerName: l.ownerName,
  token: l.token,
  expiresAt: l.expiresAt.toISOString(),
  expired: l.expiresAt.getTime() <= now,
});

export function syncRouter(services: HttpServices, deviceOf: (req: Request) => AuthenticatedDevice): Router {
  const router = express.Router();

  router.post('/push', express.json({ limit: '8mb' }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = syncPushRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const result = await pushSyncOps(services, device.tenant.id, device.deviceId, parsed.data.ops);
    if (result.rejected.length > 0) req.log.warn({ rejected: result.rejected }, 'sync operations refused');
    res.json(result);
  });

  router.post('/states', express.json({ limit: '16mb' }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = syncStatesRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    try {
      const result = await pushSyncStates(services, device.tenant.id, device.deviceId, parsed.data.epoch, parsed.data.states);
      if (result.restored > 0) req.log.info({ restored: result.restored }, 'states re-pushed into the new sync epoch');
      res.json(result);
    } catch (err) {
      if (err instanceof EpochMismatch) apiError(res, 409, 'conflict', err.message);
      else throw err;
    }
  });

  router.get('/snapshot', async (req, res) => {
    const device = deviceOf(req);
    const limit = Math.min(SNAPSHOT_PAGE_MAX, Math.max(1, Number(req.query.limit ?? 1000) || 1000));
    const after = typeof req.query.after === 'string' && req.query.after !== '' ? req.query.after : undefined;
    try {
      const page = await readSnapshotPage(services.db, device.tenant.id, syncEntities, after, limit);
      // A SyncSnapshotPage, its states written as Postgres gave their text (thousands per page).
      const head: Omit<SyncSnapshotPage, 'states'> = { seq: page.seq, epoch: page.epoch };
      if (page.next !== undefined) head.next = page.next;
      if (page.total !== undefined) head.total = page.total;
      res.type('application/json').send(`${JSON.stringify(head).slice(0, -1)},"states":[${page.states.join(',')}]}`);
    } catch (err) {
      if (err instanceof RangeError) apiError(res, 400, 'validation', 'after: not a cursor this relay gave');
      else throw err;
    }
  });

  router.get('/organisation', async (req, res) => {
    const device = deviceOf(req);
    const now = Date.now();
    const devices = await listDevices(services.db, device.tenant);
    const body: OrganisationView = {
      tenant: device.tenant.slug,
      devices: devices
        .filter((d) => d.revokedAt === null)
        .map((d) => ({
          deviceId: d.id,
          name: d.name,
          lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
          online: d.lastSeenAt !== null && now - d.lastSeenAt.getTime() < ONLINE_WITHIN_MS,
          ackedThrough: d.ackedSeq,
          runs: [], // alert names are the desktops' to fill in (they hold the alerts; the relay holds only leases)
        })),
    };
    res.json(body);
  });

  router.post('/leases/renew', express.json({ limit: '256kb' }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = leaseRenewRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const leases = await renewLeases(services.db, device.tenant.id, device.deviceId, parsed.data.leases, LEASE_TTL_MS);
    res.json({ leases: leases.map((l) => ({ ...leaseView(l), renewed: l.renewed })) });
  });

  router.post('/leases/take', express.json({ limit: '16kb' }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = leaseTakeRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const { taken, lease } = await takeLease(services.db, device.tenant.id, device.deviceId, parsed.data.alert, LEASE_TTL_MS);
    if (taken) req.log.info({ alert: lease.alert, token: lease.token }, 'alert taken over');
    const body: LeaseTakeResponse = taken
      ? { taken: true, lease: leaseView(lease) }
      : { taken: false, lease: leaseView(lease), reason: `${lease.ownerName} still renews its lease on this alert` };
    res.json(body); // taken or not, the answer names who holds the lease
  });

  router.get('/leases', async (req, res) => {
    const device = deviceOf(req);
    const now = Date.now();
    const leases = await listLeases(services.db, device.tenant.id, LEASES_LISTED_MS);
    res.json({ leases: leases.map((l) => leaseView(l, now)) });
  });

  return router;
}
