// The WhatsApp account's content templates as this engine last heard of them: listed for
// the template editor (which binds one to a GDial template), and their approval read by the
// planner, which refuses a WhatsApp step whose content template WhatsApp has not approved.
// Listing asks the provider (Twilio's Content API); the last answer is kept so a plan made
// while the provider cannot be reached still knows what was approved (and says it could
// not check again).
import type { WhatsAppApproval, WhatsAppContentTemplate } from '@gdial/protocol';
import type { ChannelSenders } from './ports';

export interface WhatsAppContentListing {
  unavailable: 'no-whatsapp-sender' | 'provider-error' | null;
  detail: string | null;
  templates: WhatsAppContentTemplate[];
}

/** How long an answer counts as fresh for a plan; the editor always asks again. */
const FRESH_MS = 30_000;
/** A plan does not wait longer than this for the provider. */
const PLAN_WAIT_MS = 5_000;

export class WhatsAppContentCatalog {
  private approvals: Map<string, WhatsAppApproval> | null = null;
  private listedAt = 0;

  constructor(
    private readonly senders: () => ChannelSenders,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The account's content templates, asked of the provider now. */
  async list(): Promise<WhatsAppContentListing> {
    const senders = this.senders();
    if (!senders.whatsAppContent) return { unavailable: 'no-whatsapp-sender', detail: null, templates: [] };
    const r = await senders.whatsAppContent();
    if (!r.ok) return { unavailable: 'provider-error', detail: r.error.message, templates: [] };
    this.approvals = new Map(r.templates.map((t) => [t.contentSid, t.whatsapp]));
    this.listedAt = this.clock();
    return { unavailable: null, detail: null, templates: r.templates };
  }

  /** Asks again before a plan when the last answer is old; never waits long, never throws. */
  async refresh(): Promise<void> {
    if (this.clock() - this.listedAt < FRESH_MS) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, PLAN_WAIT_MS)));
    await Promise.race([
      this.list().then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
    clearTimeout(timer);
  }

  /** WhatsApp's verdict on a content template: 'missing' when the account no longer has it, null when never listed. */
  approval(contentSid: string): WhatsAppApproval | 'missing' | null {
    if (this.approvals === null) return null;
    return this.approvals.get(contentSid) ?? 'missing';
  }
}
