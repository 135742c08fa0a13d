// Shared state of one simulator instance: credentials, the active profile, the seeded
// randomness, timers that are cancelled on reset/close, and the notification stream that
// tests and the control API read.
import { EventEmitter } from 'node:events';
import type { Outbound } from './outbound';
import { compileRules, type CompiledRule, type Profile } from './profile';
import { createRandom, hexId, seedFrom, type Random } from './prng';

export interface SimCredentials {
  accountSid: string;
  authToken: string;
  sendgridApiKey: string;
  telegramBotToken: string;
  /** 46elks API username and password (Basic auth). */
  elksUsername: string;
  elksPassword: string;
  /** The OpenAI-compatible endpoint's API key (Bearer). */
  openaiApiKey: string;
}

export interface SimConfig {
  /** Where inbound SMS/WhatsApp messages are posted (Twilio's "A message comes in" webhook). */
  inboundMessageUrl: string | null;
  /** SendGrid Event Webhook URL. */
  sendgridEventWebhookUrl: string | null;
  /** Telegram webhook (also settable through the Bot API's setWebhook). */
  telegramWebhookUrl: string | null;
  telegramSecretToken: string | null;
  /** Where SMS to our 46elks numbers are posted (the number's sms_url). */
  elksSmsUrl: string | null;
  /** Makes Twilio's whole REST API fail: "server-error" (503/20500) or "auth-rejected" (401/20003); null works. */
  twilioFailure: string | null;
  /** The same for 46elks' API. */
  elksFailure: string | null;
}

/** What the simulator reports while it runs; tests wait on these instead of sleeping. */
export type SimNotice =
  | { type: 'message'; sid: string; status: string }
  | { type: 'call'; sid: string; status: string }
  | { type: 'call-event'; sid: string; event: string }
  | { type: 'email'; messageId: string; event: string }
  | { type: 'telegram'; chatId: string; method: string };

export class SimCore extends EventEmitter<{ notice: [SimNotice] }> {
  profile: Profile;
  rules: CompiledRule[];
  private counter = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly seed: number,
    profile: Profile,
    readonly credentials: SimCredentials,
    readonly config: SimConfig,
    readonly outbound: Outbound,
    /** The simulator's own base URL (for `uri` fields and relative TwiML URLs). */
    public baseUrl: string,
  ) {
    super();
    this.setMaxListeners(0);
    this.profile = profile;
    this.rules = compileRules(profile);
  }

  setProfile(profile: Profile): void {
    this.profile = profile;
    this.rules = compileRules(profile);
  }

  /** A deterministic resource id: prefix + 32 hex characters (SM…, CA…, MG…). */
  nextSid(prefix: string): string {
    return prefix + hexId(this.seed, ++this.counter);
  }

  nextNumber(): number {
    return ++this.counter;
  }

  /** The random stream belonging to one entity. */
  randomFor(entity: string): Random {
    return createRandom(seedFrom(this.seed, entity));
  }

  /** Runs `fn` after `ms`; cancelled by reset/close. Zero delays still yield to I/O. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, Math.round(ms)),
    );
    this.timers.add(timer);
  }

  /**
   * Runs steps at their offsets (ms from now) strictly in order. Each step schedules the
   * next, because Node fires overdue timers of different durations in no guaranteed order
   * and a busy simulator must never report "delivered" before "sent".
   */
  sequence(steps: { at: number; run: () => void }[]): void {
    const ordered = [...steps].sort((a, b) => a.at - b.at);
    const step = (index: number, previousAt: number): void => {
      const current = ordered[index];
      if (!current) return;
      this.later(current.at - previousAt, () => {
        current.run();
        step(index + 1, current.at);
      });
    };
    step(0, 0);
  }

  /** Resolves after `ms` unless the simulator is reset first (then never; the flow is abandoned). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }

  notify(notice: SimNotice): void {
    this.emit('notice', notice);
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
