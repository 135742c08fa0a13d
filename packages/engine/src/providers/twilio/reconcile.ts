// Crash reconciliation against Twilio's listings. Twilio never returns our callback URL,
// so a message or call is recognised by what we can filter on (number, sender, body) among
// those created since our first attempt: the newest-first listing is walked back to that
// moment. Exactly one match is adopted; several that cannot be told apart are "ambiguous",
// which the dispatcher treats as sent rather than risk a third copy.
import type { DeliveryStatus } from '@gdial/protocol';
import type { ReconcileResult } from '../types';
import { classifyTwilioError } from './errors';

/** Resources created this long before our attempt started still count (clock skew). */
const CLOCK_SKEW_MS = 120_000;
const MAX_PAGES = 5;

export interface PageLike<T> {
  instances: T[];
  /** undefined (not a promise) when there is no next page. */
  nextPage(): Promise<PageLike<T>> | undefined;
}

export async function reconcileFromListing<T extends { sid: string; dateCreated: Date; status: string }>(
  firstPage: () => Promise<PageLike<T>>,
  attemptedAt: Date,
  matches: (item: T) => boolean,
  statusOf: (status: string) => DeliveryStatus | null,
): Promise<ReconcileResult> {
  const since = attemptedAt.getTime() - CLOCK_SKEW_MS;
  const found: T[] = [];
  try {
    let page = await firstPage();
    for (let n = 0; n < MAX_PAGES; n++) {
      let older = false;
      for (const item of page.instances) {
        if (item.dateCreated.getTime() < since) older = true;
        else if (matches(item)) found.push(item);
      }
      if (older) break;
      const next = page.nextPage();
      if (!next) break;
      page = await next;
    }
  } catch (error) {
    return { kind: 'error', error: classifyTwilioError(error) };
  }
  if (found.length === 0) return { kind: 'not-found' };
  if (found.length > 1) return { kind: 'ambiguous', providerIds: found.map((f) => f.sid) };
  const only = found[0]!;
  return { kind: 'found', providerId: only.sid, status: statusOf(only.status) ?? 'queued' };
}
