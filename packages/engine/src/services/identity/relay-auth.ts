// The organisation's sign-in over HTTPS to the relay this desktop is enrolled with: the real
// `OrganisationAuth` the identity service signs users in through.
//
// Sign-in and refresh carry the desktop's device token; every other call carries the user's
// short-lived access token. The desktop keeps one relay session at a time (the signed-in
// user's). Its tokens live in the engine's memory and, when the host has secure storage,
// sealed in the settings (never in plain text): a session left behind by a crash is ended at
// the relay on the next start. The access token is refreshed ahead of its expiry by a timer
// and on demand, with exactly one refresh in flight per desktop: concurrent callers await the
// same promise, so the relay never sees two uses of one refresh token from here. A refresh
// that got no answer keeps the old refresh token; the retry inside the relay's grace window
// gets the same successor instead of ending the session. A refresh the relay refuses (session
// revoked, user disabled, refresh token reused) ends the session here too: the identity
// service signs the user out. A refresh also carries the user as the relay knows them now,
// so a role changed at the organisation holds from the next refresh.
import { z } from 'zod';
import {
  invitationAcceptResponseSchema,
  signInResponseSchema,
  type AuthUser,
  type InvitationAcceptRequest,
  type InvitationAcceptResponse,
  type SignInResponse,
} from '@gdial/protocol';
import type { Logger } from '../../log';
import { call, relayBase, type RelayHttpFailure } from '../../relay-client/http';
import type { Store } from '../../store/db';
import { deleteSetting, readSetting, writeSetting, type SettingDef } from '../../store/settings';
import { relaySessionSlot, type SecretSealer } from '../connectivity/secrets';
import type { OrganisationAuth, OrganisationSignIn } from './service';

/** The relay as this desktop reaches it now (connectivity may change it while the engine runs). */
export interface RelayEndpoint {
  url: string;
  deviceToken: string;
}

/** What the relay answered, or why it did not: `unreachable` when it could not be asked. */
export type RelayAnswer<T> = { ok: true; value: T } | RelayRefusal;
export type RelayRefusal = { ok: false; unreachable: boolean; code: string; message: string };

/** The tokens of the relay session the desktop holds. */
export interface HeldTokens {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  sessionId: string;
}

/** Where the session's tokens are kept between calls besides memory (sealed: see relay-session-vault.ts). */
export interface TokenVault {
  keep(tokens: HeldTokens | null): Promise<void>;
  /** A session an earlier run left (it crashed or was killed while signed in). */
  leftover(): Promise<HeldTokens | null>;
}

/** What the identity service hears from the session. */
export interface SessionWatcher {
  /** A refresh confirmed the user (their role may have changed at the organisation). */
  confirmed(user: AuthUser): void;
  /** The relay ended the session (revoked, disabled, reused): sign the user out. */
  ended(message: string): void;
}

export interface RelayAuthOptions {
  relay: () => RelayEndpoint | null;
  logger: Logger;
  fetch?: typeof fetch;
  vault?: TokenVault | undefined;
  now?: () => number;
  /** How long before the access token expires it is refreshed (default one minute). */
  refreshAheadMs?: number;
  /** Per request; a relay that answers nothing in this time is unreachable (offline unlock). */
  timeoutMs?: number;
  /** Wait before retrying a refresh the relay did not answer. */
  retryMs?: number;
}

interface Held extends HeldTokens {
  user: AuthUser;
  expiresMs: number;
}

const notSignedIn = (): RelayRefusal => ({
  ok: false,
  unreachable: false,
  code: 'no-session',
  message: 'No relay session: sign in online first.',
});
const noRelay = (): RelayRefusal => ({
  ok: false,
  unreachable: true,
  code: 'no-relay',
  message: 'This desktop has no relay configured.',
});

/** A relay failure as the identity service takes it: unreachable (try offline) or a refusal in Swedish. */
export function answerOf(error: RelayHttpFailure): RelayRefusal {
  const unreachable =
    error.kind === 'network' || error.kind === 'invalid-response' || (error.kind === 'relay' && (error.status ?? 500) >= 500);
  return { ok: false, unreachable, code: error.code ?? (unreachable ? 'unreachable' : 'refused'), message: error.message };
}

export class RelayAuth implements OrganisationAuth {
  private held: Held | null = null;
  private refreshing: Promise<RelayAnswer<AuthUser>> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private watcher: SessionWatcher | null = null;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly ahead: number;
  private readonly log: Logger;

  constructor(private readonly opts: RelayAuthOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
    this.now = opts.now ?? Date.now;
    this.ahead = opts.refreshAheadMs ?? 60_000;
    this.log = opts.logger.child({ module: 'relay-auth' });
  }

  joined(): boolean {
    return this.opts.relay() !== null;
  }

  watch(watcher: SessionWatcher): void {
    this.watcher = watcher;
  }

  /** Whether a relay session is held (an online sign-in; offline unlock has none). */
  get signedIn(): boolean {
    return this.held !== null;
  }

  async signIn(username: string, password: string, totp?: string): Promise<OrganisationSignIn> {
    const relay = this.opts.relay();
    if (!relay) return { ok: false, unreachable: true, message: noRelay().message };
    const r = await this.send(
      relay,
      '/api/v1/auth/sign-in',
      deviceAuth(relay),
      { username, password, ...(totp ? { totp } : {}) },
      signInResponseSchema,
    );
    if (!r.ok) {
      const f = answerOf(r.error);
      return f.unreachable
        ? { ok: false, unreachable: true, message: f.message }
        : { ok: false, unreachable: false, code: f.code, message: f.message };
    }
    // Switching operator: the one before no longer works here, so their relay session ends.
    const before = this.held;
    await this.hold(r.value);
    if (before) void this.endAtRelay(relay, before);
    return { ok: true, user: r.value.user };
  }

  async signOut(): Promise<void> {
    const held = this.held;
    const relay = this.opts.relay();
    this.drop();
    await this.opts.vault?.keep(null);
    if (held && relay) await this.endAtRelay(relay, held);
  }

  /** Refreshes now (single flight: a refresh already under way is awaited, not repeated). */
  refresh(): Promise<RelayAnswer<AuthUser>> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * A call to the relay as the signed-in user: a fresh access token (refreshed first when it
   * is about to expire), and one refresh and retry when the relay says it has expired.
   */
  async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    schema: S,
  ): Promise<RelayAnswer<z.output<S>>> {
    const relay = this.opts.relay();
    if (!relay) return noRelay();
    const token = await this.accessToken();
    if (!token.ok) return token;
    let r = await this.send(relay, path, { authorization: `Bearer ${token.value}` }, body, schema, method);
    if (!r.ok && r.error.status === 401) {
      const again = await this.refresh();
      if (!again.ok) return again;
      r = await this.send(relay, path, { authorization: `Bearer ${this.held!.accessToken}` }, body, schema, method);
    }
    return r.ok ? r : answerOf(r.error);
  }

  /** Accepts an invitation (public: the one-time code names the organisation). */
  async acceptInvitation(input: InvitationAcceptRequest): Promise<RelayAnswer<InvitationAcceptResponse>> {
    const relay = this.opts.relay();
    if (!relay) return noRelay();
    const r = await this.send(relay, '/api/v1/invitations/accept', {}, input, invitationAcceptResponseSchema);
    return r.ok ? r : answerOf(r.error);
  }

  /** Ends a session an earlier run left behind (a crash while signed in); best effort. */
  async endLeftover(): Promise<void> {
    const relay = this.opts.relay();
    const leftover = await this.opts.vault?.leftover();
    if (!leftover || this.held) return;
    await this.opts.vault?.keep(null);
    if (relay) await this.endAtRelay(relay, leftover);
  }

  /** Stops the refresh timer (engine shutdown); the session stays valid at the relay until it expires. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async accessToken(): Promise<RelayAnswer<string>> {
    const held = this.held;
    if (!held) return notSignedIn();
    if (held.expiresMs - this.now() > this.ahead) return { ok: true, value: held.accessToken };
    const r = await this.refresh();
    return r.ok && this.held ? { ok: true, value: this.held.accessToken } : r.ok ? notSignedIn() : r;
  }

  private async refreshOnce(): Promise<RelayAnswer<AuthUser>> {
    const held = this.held;
    const relay = this.opts.relay();
    if (!held) return notSignedIn();
    if (!relay) return noRelay();
    const r = await this.send(relay, '/api/v1/auth/refresh', deviceAuth(relay), { refreshToken: held.refreshToken }, signInResponseSchema);
    if (this.held !== held) return notSignedIn(); // signed out (or another user signed in) meanwhile
    if (r.ok) {
      await this.hold(r.value);
      this.watcher?.confirmed(r.value.user);
      return { ok: true, value: r.value.user };
    }
    const failure = answerOf(r.error);
    if (failure.unreachable) {
      // Keep the refresh token: a retry within the relay's grace window gets the same successor.
      this.log.warn({ reason: failure.message }, 'refreshing the relay session failed; retrying');
      this.arm(this.opts.retryMs ?? 30_000);
      return failure;
    }
    this.log.info({ code: failure.code }, 'the relay ended the session');
    this.drop();
    await this.opts.vault?.keep(null);
    this.watcher?.ended(failure.message);
    return failure;
  }

  private async hold(r: SignInResponse): Promise<void> {
    const expiresMs = Date.parse(r.accessExpiresAt);
    const tokens: HeldTokens = {
      accessToken: r.accessToken,
      accessExpiresAt: r.accessExpiresAt,
      refreshToken: r.refreshToken,
      sessionId: r.sessionId,
    };
    this.held = { ...tokens, user: r.user, expiresMs };
    this.arm(expiresMs - this.now() - this.ahead);
    await this.opts.vault?.keep(tokens);
  }

  private drop(): void {
    this.held = null;
    this.stop();
  }

  private arm(delayMs: number): void {
    this.stop();
    this.timer = setTimeout(() => void this.refresh(), Math.max(1_000, delayMs));
    this.timer.unref?.();
  }

  /** Ends a session at the relay: with its access token, refreshed first when it has expired. */
  private async endAtRelay(relay: RelayEndpoint, tokens: HeldTokens): Promise<void> {
    let access = tokens.accessToken;
    if (Date.parse(tokens.accessExpiresAt) <= this.now()) {
      const r = await this.send(
        relay,
        '/api/v1/auth/refresh',
        deviceAuth(relay),
        { refreshToken: tokens.refreshToken },
        signInResponseSchema,
      );
      if (!r.ok) return; // already ended there, or unreachable: it expires by itself
      access = r.value.accessToken;
    }
    const r = await this.send(relay, '/api/v1/auth/sign-out', { authorization: `Bearer ${access}` }, {}, z.null());
    if (!r.ok) this.log.warn({ reason: r.error.message }, 'ending the relay session failed; it expires by itself');
  }

  private send<S extends z.ZodType>(
    relay: RelayEndpoint,
    path: string,
    headers: Record<string, string>,
    body: unknown,
    schema: S,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' = 'POST',
  ) {
    const withBody = method !== 'GET' && method !== 'DELETE';
    return call(
      this.fetchImpl,
      `${relayBase(relay.url)}${path}`,
      {
        method,
        headers: withBody ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(withBody ? { body: JSON.stringify(body ?? {}) } : {}),
      },
      schema,
      this.opts.timeoutMs ?? 10_000,
    );
  }
}

const deviceAuth = (relay: RelayEndpoint) => ({ authorization: `Bearer ${relay.deviceToken}` });

const heldTokensSchema = z.object({
  accessToken: z.string(),
  accessExpiresAt: z.string(),
  refreshToken: z.string(),
  sessionId: z.string(),
});
/** A device setting (not one of sync's shared settings): the session stays on this desktop. */
const sealedSessionSetting: SettingDef<string | null> = { key: 'identity.relaySession', schema: z.string().nullable(), fallback: null };

/**
 * The session's tokens sealed by the host's secure storage (the desktop: safeStorage) and
 * stored as that sealed text only. A host without secure storage gets no vault: the tokens
 * then live in memory only, never written anywhere.
 */
export function sealedTokenVault(store: Store, sealer: SecretSealer, logger: Logger): TokenVault {
  return {
    async keep(tokens) {
      if (!tokens) {
        store.transaction((tx) => deleteSetting(tx, sealedSessionSetting));
        return;
      }
      const sealed = await sealer.seal(relaySessionSlot, JSON.stringify(tokens));
      if (!sealed.ok) {
        logger.warn({ reason: sealed.message }, 'the relay session cannot be sealed; it is kept in memory only');
        return;
      }
      store.transaction((tx) => writeSetting(tx, sealedSessionSetting, sealed.value));
    },
    async leftover() {
      const sealed = readSetting(store.read, sealedSessionSetting);
      if (!sealed) return null;
      const opened = await sealer.open(relaySessionSlot, sealed);
      if (!opened.ok) return null;
      const parsed = heldTokensSchema.safeParse(JSON.parse(opened.value.value));
      return parsed.success ? parsed.data : null;
    },
  };
}
