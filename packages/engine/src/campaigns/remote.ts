// Alerts another desktop of the organisation runs (organisation sync keeps a live replica of
// them here): they are shown, never dispatched or changed from here. Changing one takes it
// over first (services/leases.ts), so two desktops never run the same alert.
import { refusal } from '@gdial/protocol';
import { campaignRunBy, readLease } from '../store/alert-sync';

import type { Reader } from '../store/db';
import { uidOf } from '../store/sync';
import { DomainError } from '../errors';

/** The name of the desktop that runs a campaign, when it is not this one. */
export function remoteOwner(r: Reader, campaignId: number): string | null {
  const runBy = campaignRunBy(r, campaignId);
  if (!runBy) return null;
  const uid = uidOf(r, 'alert', campaignId);
  return (uid && readLease(r, uid)?.ownerName) || runBy;
}

/** Refuses a change to an alert another desktop runs, naming that desktop. */
export function requireRunHere<T extends { id: number }>(r: Reader, row: T): T {
  const owner = remoteOwner(r, row.id);
  if (owner !== null)
    throw new DomainError(
      'CONFLICT',
      `campaign ${row.id} is run by ${owner}`,
      undefined,
      refusal('campaign.remote', { id: row.id, owner }),
    );
  return row;
}
