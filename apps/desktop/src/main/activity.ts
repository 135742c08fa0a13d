// What the tray and the OS notifications show, derived from the engine's events: whether
// an alert is running, when a campaign finishes (and how many were not reached), when a
// provider stops answering, and new replies. Payloads are validated against the shared
// protocol; an event this version does not understand is ignored, never guessed at.
//
// Replies can come in bursts (a whole group answers "1"); the first is shown at once and
// the rest are summed up in one notification per burst window instead of dozens.
import { events } from '@gdial/protocol';
import type { Timers } from './supervisor';

export interface NotificationRequest {
  /** The last two come from the shell itself (supervision and updates), not from engine events. */
  kind: 'campaign-finished' | 'providers-down' | 'reply' | 'replies' | 'engine-failed' | 'update-ready';
  title: string;
  body: string;
  /** Where clicking it leads in the console. */
  route: { kind: 'campaign'; campaignId: number } | { kind: 'page'; page: 'inbox' } | null;
}

export interface ActivityTexts {
  campaignFinishedTitle: (id: number) => string;
  campaignFinishedBody: (confirmed: number, recipients: number, unreached: number) => string;
  providersDownTitle: string;
  providersDownBody: (providers: string[]) => string;
  replyTitle: (from: string) => string;
  repliesTitle: (n: number) => string;
  repliesBody: string;
}

interface CampaignState {
  status: string;
  recipients: number;
  confirmed: number;
  unreached: number;
  notifiedFinished: boolean;
}

const REPLY_BURST_MS = 10_000;
const MAX_REPLY_TEXT = 120;

export class AlertActivity {
  private readonly campaigns = new Map<number, CampaignState>();
  private downProviders = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private burst: { timer: unknown; extra: number } | null = null;

  constructor(
    private readonly notify: (n: NotificationRequest) => void,
    private texts: ActivityTexts,
    private readonly timers: Timers,
  ) {}

  setTexts(texts: ActivityTexts): void {
    this.texts = texts;
  }

  /** Campaigns sending right now. */
  get runningCount(): number {
    let n = 0;
    for (const c of this.campaigns.values()) if (c.status === 'running') n++;
    return n;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The engine restarted: what it reports next is the truth; forget the old picture. */
  reset(): void {
    this.campaigns.clear();
    this.downProviders = new Set();
    this.changed();
  }

  handleEngineEvent(name: string, payload: unknown): void {
    switch (name) {
      case 'campaigns.progress': {
        const p = events['campaigns.progress'].safeParse(payload);
        if (!p.success) return;
        const v = p.data;
        const c = this.campaign(v.campaignId);
        c.recipients = v.recipients;
        c.confirmed = v.confirmed;
        c.unreached = v.outcomes.unreached ?? 0;
        this.setStatus(v.campaignId, c, v.status);
        this.providers(v.unavailableProviders);
        return;
      }
      case 'campaigns.changed': {
        const p = events['campaigns.changed'].safeParse(payload);
        if (!p.success) return;
        this.setStatus(p.data.id, this.campaign(p.data.id), p.data.status);
        return;
      }
      case 'inbox.received': {
        const p = events['inbox.received'].safeParse(payload);
        if (!p.success) return;
        this.reply(p.data.displayName ?? maskAddress(p.data.from), p.data.text);
        return;
      }
      default:
        return;
    }
  }

  private campaign(id: number): CampaignState {
    let c = this.campaigns.get(id);
    if (!c) this.campaigns.set(id, (c = { status: 'draft', recipients: 0, confirmed: 0, unreached: 0, notifiedFinished: false }));
    return c;
  }

  private setStatus(id: number, c: CampaignState, status: string): void {
    const before = c.status;
    c.status = status;
    if (status === 'completed' && !c.notifiedFinished) {
      c.notifiedFinished = true;
      this.notify({
        kind: 'campaign-finished',
        title: this.texts.campaignFinishedTitle(id),
        body: this.texts.campaignFinishedBody(c.confirmed, c.recipients, c.unreached),
        route: { kind: 'campaign', campaignId: id },
      });
    }
    if (status === 'running') c.notifiedFinished = false;
    if (before !== status) this.changed();
  }

  private providers(list: string[]): void {
    const now = new Set(list);
    const newlyDown = list.filter((p) => !this.downProviders.has(p));
    this.downProviders = now;
    if (newlyDown.length > 0 && this.runningCount > 0) {
      this.notify({ kind: 'providers-down', title: this.texts.providersDownTitle, body: this.texts.providersDownBody(list), route: null });
    }
  }

  private reply(from: string, text: string): void {
    if (this.burst) {
      this.burst.extra++;
      return;
    }
    const body = text.length > MAX_REPLY_TEXT ? text.slice(0, MAX_REPLY_TEXT - 1) + '…' : text;
    this.notify({ kind: 'reply', title: this.texts.replyTitle(from), body, route: { kind: 'page', page: 'inbox' } });
    const burst = { extra: 0, timer: null as unknown };
    burst.timer = this.timers.setTimeout(() => {
      this.burst = null;
      if (burst.extra > 0) {
        this.notify({
          kind: 'replies',
          title: this.texts.repliesTitle(burst.extra),
          body: this.texts.repliesBody,
          route: { kind: 'page', page: 'inbox' },
        });
      }
    }, REPLY_BURST_MS);
    this.burst = burst;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** "+46701234567" → "+4670•••••67": enough to recognise, not enough to read off a lock screen. */
export function maskAddress(address: string): string {
  const digits = address.replace(/[^\d+]/g, '');
  if (digits.length >= 8 && digits.length === address.replace(/[\s-]/g, '').length) {
    return digits.slice(0, 5) + '•'.repeat(digits.length - 7) + digits.slice(-2);
  }
  return address;
}
