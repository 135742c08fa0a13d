// The bell: what an operator must not miss, gathered on each read from the store — alerts
// waiting for a path that is down, providers failing (the health alerts), approvals waiting,
// unhandled replies, alerts that finished in the last day — so every console of the
// organisation lists the same things (replicated alerts and approvals are in the store too).
// Each item has a key that lasts as long as the thing does; read marks are kept per user.
import type { Channel, Notification, SignedInUser } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { heldChannelsSetting, holdsOfReplica } from '../campaigns/holds';
import { pendingApprovals } from '../store/approvals';
import { listedHealthAlerts } from '../store/health-alerts';
import { activeAlerts, finishedSince, markRead, planChannels, readKeys, unhandledReplies } from '../store/notifications';
import { readSetting } from '../store/settings';

/** How long a finished alert stays in the bell. */
const FINISHED_FOR_MS = 24 * 3600_000;
/** The health rules that mean a path to the people is down. */
const PATH_RULES: ReadonlySet<string> = new Set(['provider.errorRate', 'relay.unreachable']);

type Item = Omit<Notification, 'read'>;
const blank = { campaignId: null, campaignName: null, subject: '', channels: [] as Channel[], count: 0 };

export class NotificationService {
  constructor(
    private readonly ctx: Pick<EngineContext, 'store'>,
    private readonly user: () => SignedInUser | null,
    private readonly now: () => number = Date.now,
  ) {}

  private items(): Item[] {
    const r = this.ctx.store.read;
    const items: Item[] = [];
    const localHolds = readSetting(r, heldChannelsSetting);
    for (const a of activeAlerts(r)) {
      const held =
        a.run_by === null
          ? planChannels(a).flatMap((ch) => (localHolds[ch] ? [[ch, localHolds[ch]] as const] : []))
          : holdsOfReplica(r, a.id);
      if (held.length === 0) continue;
      const since = Math.min(...held.map(([, h]) => h.since));
      items.push({
        ...blank,
        key: `held:${a.id}:${since}`,
        kind: 'held',
        at: new Date(since).toISOString(),
        campaignId: a.id,
        campaignName: a.name,
        subject: [...new Set(held.map(([, h]) => h.provider))].join(', '),
        channels: held.map(([ch]) => ch),
        link: `#/campaigns/${a.id}`,
      });
    }
    for (const h of listedHealthAlerts(r)) {
      if (!PATH_RULES.has(h.rule) || h.state !== 'firing') continue;
      items.push({
        ...blank,
        key: `health:${h.id}`,
        kind: 'provider-down',
        at: h.firstSeen,
        subject: h.rule === 'relay.unreachable' ? 'relay' : h.subject,
        link: '#/dashboard',
      });
    }
    for (const a of pendingApprovals(r))
      items.push({
        ...blank,
        key: `approval:${a.campaignId}:${a.requestedAt}`,
        kind: 'approval',
        at: a.requestedAt,
        campaignId: a.campaignId,
        campaignName: a.campaignName,
        subject: a.requestedBy.name,
        channels: a.channels,
        count: a.recipients,
        link: `#/campaigns/${a.campaignId}`,
      });
    const replies = unhandledReplies(r);
    if (replies.n > 0 && replies.newest !== null)
      items.push({
        ...blank,
        key: `replies:${replies.newest}`,
        kind: 'replies',
        at: replies.oldest ?? '',
        count: replies.n,
        link: '#/inbox',
      });
    for (const c of finishedSince(r, new Date(this.now() - FINISHED_FOR_MS).toISOString()))
      items.push({
        ...blank,
        key: `finished:${c.id}`,
        kind: 'finished',
        at: c.finished_at,
        campaignId: c.id,
        campaignName: c.name,
        subject: c.status,
        link: `#/campaigns/${c.id}/report`,
      });
    return items.sort((a, b) => b.at.localeCompare(a.at) || a.key.localeCompare(b.key));
  }

  /** Read marks belong to the signed-in user; before anyone signs in, to this desktop. */
  private userId(): string {
    return this.user()?.id ?? '';
  }

  list(): { items: Notification[]; unread: number } {
    const read = readKeys(this.ctx.store.read, this.userId());
    const items = this.items().map((x) => ({ ...x, read: read.has(x.key) }));
    return { items, unread: items.filter((x) => !x.read).length };
  }

  markRead(keys: readonly string[] | undefined): { marked: number } {
    const listed = this.items().map((x) => x.key);
    const wanted = keys ?? listed;
    const at = new Date(this.now()).toISOString();
    return { marked: this.ctx.store.transaction((tx) => markRead(tx, this.userId(), wanted, listed, at)) };
  }
}
