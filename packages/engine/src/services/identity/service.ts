// Who is at the console. One signed-in user per engine (a desktop is one console), checked
// before every RPC call by the role table in @gdial/protocol's permissions.ts, and named in
// every audit entry, delivery start and approval through `ctx.operator()` / `current()`.
//
// A desktop joined to an organisation signs its users in at the relay; each online sign-in
// leaves an offline verifier here (scrypt) with the role the relay confirmed, so the same
// password unlocks for a while when the network is gone. A desktop on its own keeps local
// accounts with the same verifier; its first run creates the admin. Lockouts after failed
// tries and the offline period are checked against a clock the caller may replace (tests).
import { randomUUID } from 'node:crypto';
import {
  identitySettingsDefaults,
  identitySettingsSchema,
  leastRoleFor,
  localLockoutMinutes,
  mayCall,
  offlineUnlockAttempts,
  refusal,
  type AuthUser,
  type DemoAccount,
  type IdentitySettings,
  type MethodName,
  type Role,
  type SessionState,
  type SignedInUser,
} from '@gdial/protocol';
import type { EngineContext } from '../../context';
import { DomainError } from '../../errors';
import {
  accountById,
  accountByUsername,
  clearFailedAttempts,
  countAccounts,
  lockAccount,
  recordFailedAttempt,
  releaseUsername,
  saveAccount,
  setAccountDisplayName,
  setAccountRole,
  verifierOf,
  type AccountRow,
} from '../../store/accounts';
import { recordAudit } from '../../store/audit';
import { readSetting, writeSetting, type SettingDef } from '../../store/settings';
import type { SessionWatcher } from './relay-auth';
import { checkVerifier, demoScrypt, makeVerifier, owaspScrypt, type KdfCost } from './verifier';

/** A user the host signs in at start, without a password (tests, benchmarks, tools). */
export interface HostUser {
  displayName: string;
  role: Role;
  username?: string;
  id?: string;
}

/** A demo account: created on first start and shown on the sign-in page in demo mode. */
export interface DemoLogin extends DemoAccount {
  displayName: string;
}

export type OrganisationSignIn =
  | { ok: true; user: AuthUser }
  /** The relay could not be reached: try the offline verifier. */
  | { ok: false; unreachable: true; message: string }
  /** The relay answered no (wrong password, locked, disabled…), with its Swedish sentence. */
  | { ok: false; unreachable: false; code: string; message: string };

/** The relay's sign-in as the identity service needs it (see relay-auth.ts). */
export interface OrganisationAuth {
  /** Whether the desktop is joined to an organisation now. */
  joined(): boolean;
  /** `totp`: the second factor, when the relay asked for it (code `totp-required`). */
  signIn(username: string, password: string, totp?: string): Promise<OrganisationSignIn>;
  /** Ends the relay session, if there is one (best effort: offline it ends when it expires). */
  signOut(): Promise<void>;
  /** Tells the identity service what a refresh learnt: the user confirmed (their role now), or the session ended. */
  watch?(watcher: SessionWatcher): void;
}

export interface IdentityOptions {
  /** The clock offline periods and lockouts are measured by. */
  now?: () => Date;
  /** scrypt's cost for new verifiers (OWASP's unless a test asks for a cheaper one). */
  kdf?: KdfCost;
  signedIn?: HostUser | undefined;
  demoAccounts?: DemoLogin[] | undefined;
  organisation?: OrganisationAuth | undefined;
  /** The fetch the relay sign-in uses (tests count the requests the relay receives). */
  relayFetch?: typeof fetch | undefined;
}

const settingsDef: SettingDef<IdentitySettings> = {
  key: 'identity.settings',
  schema: identitySettingsSchema,
  fallback: identitySettingsDefaults,
};

/** Who the audit names when nobody is signed in (a schedule firing, the dispatcher). */
export const SYSTEM_ACTOR = 'GDial';

const DAY_MS = 86_400_000;

export class IdentityService {
  private user: SignedInUser | null = null;
  /** The actor while something is done in another's name (actAs). */
  private actingAs: string | null = null;
  private via: SessionState['via'] = null;
  private locked = false;
  private readonly now: () => Date;
  private readonly kdf: KdfCost;
  private readonly listeners = new Set<(s: SessionState) => void>();

  constructor(
    private readonly ctx: Pick<EngineContext, 'store' | 'logger' | 'events'>,
    private readonly opts: IdentityOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.kdf = opts.kdf ?? owaspScrypt;
    const host = opts.signedIn;
    if (host) {
      const username = host.username ?? host.displayName.toLowerCase().replace(/[^a-z0-9._@-]+/g, '.');
      this.user = { id: host.id ?? `host:${username}`, username, displayName: host.displayName, role: host.role, source: 'local' };
      this.via = 'host';
    }
    opts.organisation?.watch?.({ confirmed: (user) => this.confirmedByRelay(user), ended: (message) => this.endedByRelay(message) });
  }

  /**
   * Demo mode: signs the first demo account in. A joined demo (the embedded relay) signs it in
   * at the relay, where the demo world created the accounts; a demo on its own creates the
   * missing accounts here.
   */
  async open(): Promise<void> {
    const demo = this.opts.demoAccounts ?? [];
    if (this.joined()) {
      const first = demo[0];
      if (this.user || !first) return;
      await this.signIn(first.username, first.password).catch((err: unknown) =>
        this.ctx.logger.warn({ err }, 'the demo admin could not sign in at the demo relay; the sign-in page shows the accounts'),
      );
      return;
    }
    for (const d of demo) {
      if (accountByUsername(this.ctx.store.read, d.username)) continue;
      // Their passwords are on the sign-in page: a memory-hard cost would guard nothing and slow every demo start.
      const verifier = await makeVerifier(d.password, demoScrypt);
      const at = this.now().toISOString();
      this.ctx.store.transaction((tx) =>
        saveAccount(tx, {
          // The same id on every demo console: the demo's operator is one person across its workstations (the two-person rule compares ids).
          id: `demo:${d.username}`,
          username: d.username,
          displayName: d.displayName,
          role: d.role,
          source: 'local',
          verifier,
          confirmedAt: at,
        }),
      );
    }
    const first = demo[0] && accountByUsername(this.ctx.store.read, demo[0].username);
    if (!this.user && first) this.begin(first, 'local');
  }

  /** The signed-in user (also while the console is locked), or null. Approvals compare `id`. */
  current(): SignedInUser | null {
    return this.user;
  }

  /** The name audit entries, delivery starts and approvals carry. */
  actor(): string {
    return this.actingAs ?? this.user?.displayName ?? SYSTEM_ACTOR;
  }

  /**
   * Runs `fn` (synchronously) with `name` as the actor audit entries carry: what another system
   * asked for through an API key is done in the key's name, not the signed-in operator's.
   */
  actAs<T>(name: string, fn: () => T): T {
    const before = this.actingAs;
    this.actingAs = name;
    try {
      return fn();
    } finally {
      this.actingAs = before;
    }
  }

  settings(): IdentitySettings {
    return readSetting(this.ctx.store.read, settingsDef);
  }

  state(): SessionState {
    const s = this.settings();
    return {
      user: this.user,
      locked: this.locked,
      via: this.via,
      accounts: this.joined() ? 'organisation' : 'local',
      needsFirstAdmin: !this.joined() && countAccounts(this.ctx.store.read, 'local') === 0 && this.user === null,
      lockAfterMinutes: s.lockAfterMinutes,
      offlineDays: s.offlineDays,
      demoAccounts: (this.opts.demoAccounts ?? []).map(({ username, password, role }) => ({ username, password, role })),
    };
  }

  onChange(listener: (s: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Whether the signed-in user may call a method now: null if so, else the refusal. The RPC
   * server asks before every handler; a locked console answers only its own session calls.
   */
  authorise(method: MethodName): DomainError | null {
    const need = leastRoleFor(method);
    if (need === null) return null;
    const user = this.user;
    if (!user) return new DomainError('UNAUTHENTICATED', 'Nobody is signed in; sign in first.', undefined, refusal('auth.signed-out'));
    if (this.locked && method !== 'session.lock' && method !== 'session.signOut') {
      return new DomainError(
        'UNAUTHENTICATED',
        `The console is locked (${user.displayName}); sign in to go on.`,
        undefined,
        refusal('auth.locked', { name: user.displayName }),
      );
    }
    if (mayCall(user.role, method)) return null;
    return new DomainError(
      'FORBIDDEN',
      `The role ${user.role} may not call ${method}; it needs ${need} or higher.`,
      undefined,
      refusal('auth.forbidden', { role: user.role, need, method }),
    );
  }

  /**
   * Signs a user in: at the relay when the desktop is joined (offline, against the verifier
   * an earlier online sign-in left), else against the local account. On a locked console
   * another user may sign in: that switches operator.
   */
  async signIn(usernameIn: string, password: string, totp?: string): Promise<SessionState> {
    const username = usernameIn.trim().toLowerCase();
    const org = this.opts.organisation;
    if (org?.joined()) {
      const online = await org.signIn(username, password, totp);
      if (online.ok) return this.signedInOnline(online.user, password);
      if (!online.unreachable && online.code === 'totp-required')
        throw new DomainError('PRECONDITION', 'The organisation asks for the one-time code.', undefined, refusal('auth.totp-required'));
      if (!online.unreachable) {
        this.audit(username, 'session.signInFailed', `Sign-in of ${username} refused by the organisation: ${online.code}`, {
          username,
          reason: online.code,
        });
        throw new DomainError('PRECONDITION', online.message, undefined, refusal('auth.relay', { message: online.message }));
      }
      this.ctx.logger.warn({ reason: online.message }, 'the relay is unreachable; trying offline unlock');
    }
    return this.signInHere(username, password, org?.joined() ?? false);
  }

  private async signedInOnline(user: AuthUser, password: string): Promise<SessionState> {
    const verifier = await makeVerifier(password, this.kdf);
    const at = this.now().toISOString();
    this.ctx.store.transaction((tx) => {
      releaseUsername(tx, user.username, user.id);
      saveAccount(tx, {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        source: 'organisation',
        verifier,
        confirmedAt: at,
      });
    });
    return this.begin(accountById(this.ctx.store.read, user.id)!, 'relay');
  }

  /** Offline unlock (an organisation's user) or a local account's sign-in. */
  private async signInHere(username: string, password: string, offline: boolean): Promise<SessionState> {
    const row = accountByUsername(this.ctx.store.read, username);
    if (!row || (offline && row.source !== 'organisation')) {
      // Spend the same time as a real check, so the answer does not tell which names exist.
      await makeVerifier(password, this.kdf);
      this.audit(username, 'session.signInFailed', `Sign-in of unknown user ${username}`, { username, reason: 'unknown' });
      if (offline)
        throw new DomainError(
          'PRECONDITION',
          `${username} has not signed in online on this desktop; offline unlock needs that first.`,
          undefined,
          refusal('auth.offline-never'),
        );
      throw badCredentials('');
    }
    const now = this.now();
    if (row.locked_until !== null && new Date(row.locked_until) > now) {
      throw new DomainError(
        'PRECONDITION',
        `${username} is locked after too many failed tries.`,
        undefined,
        refusal('auth.locked-out', { until: row.locked_until }),
      );
    }
    if (row.source === 'organisation' && row.failed_attempts >= offlineUnlockAttempts) {
      throw new DomainError(
        'PRECONDITION',
        `${username} is locked after too many failed tries; sign in online to unlock.`,
        undefined,
        refusal('auth.locked-out', { until: '' }),
      );
    }
    if (row.source === 'organisation') {
      const expires = new Date(Date.parse(row.confirmed_at) + this.settings().offlineDays * DAY_MS);
      if (expires <= now) {
        throw new DomainError(
          'PRECONDITION',
          `Offline unlock for ${username} expired at ${expires.toISOString()}; sign in online.`,
          undefined,
          refusal('auth.offline-expired', { expired: expires.toISOString() }),
        );
      }
    }
    if (row.locked_until !== null) this.ctx.store.transaction((tx) => clearFailedAttempts(tx, row.id)); // the lock has run out
    if (!(await checkVerifier(password, verifierOf(row)))) {
      const failed = this.ctx.store.transaction((tx) => {
        const n = recordFailedAttempt(tx, row.id);
        recordAudit(tx, row.display_name, {
          action: 'session.signInFailed',
          subjectType: 'user',
          subjectId: row.id,
          summary: `Failed sign-in of ${row.username} (${n} in a row)`,
          params: { username: row.username, reason: 'password' },
        });
        if (n >= offlineUnlockAttempts) {
          const until = row.source === 'local' ? new Date(now.getTime() + localLockoutMinutes * 60_000).toISOString() : null;
          if (until) lockAccount(tx, row.id, until);
          recordAudit(tx, row.display_name, {
            action: 'session.lockout',
            subjectType: 'user',
            subjectId: row.id,
            summary: `${row.username} locked after ${n} failed tries`,
            params: { username: row.username, count: n },
          });
        }
        return n;
      });
      if (failed >= offlineUnlockAttempts) {
        const until = accountById(this.ctx.store.read, row.id)?.locked_until ?? '';
        throw new DomainError(
          'PRECONDITION',
          `${username} is locked after too many failed tries.`,
          undefined,
          refusal('auth.locked-out', { until }),
        );
      }
      throw badCredentials(String(offlineUnlockAttempts - failed));
    }
    this.ctx.store.transaction((tx) => clearFailedAttempts(tx, row.id));
    return this.begin(accountById(this.ctx.store.read, row.id)!, offline ? 'offline' : 'local');
  }

  private begin(row: AccountRow, via: NonNullable<SessionState['via']>): SessionState {
    const before = this.user;
    this.user = { id: row.id, username: row.username, displayName: row.display_name, role: row.role, source: row.source };
    this.via = via;
    this.locked = false;
    const switched = before !== null && before.id !== row.id;
    this.audit(
      row.display_name,
      'session.signIn',
      `${row.username} signed in (${via})${switched ? `, taking over from ${before.username}` : ''}`,
      {
        username: row.username,
        role: row.role,
        via,
        ...(switched ? { previous: before.displayName } : {}),
      },
      row.id,
    );
    return this.changed();
  }

  lock(): SessionState {
    if (!this.user || this.locked) return this.state();
    this.locked = true;
    this.audit(
      this.user.displayName,
      'session.lock',
      `Console locked by ${this.user.username}`,
      { username: this.user.username },
      this.user.id,
    );
    return this.changed();
  }

  async signOut(): Promise<SessionState> {
    const user = this.user;
    if (!user) return this.state();
    this.user = null;
    this.via = null;
    this.locked = false;
    this.audit(user.displayName, 'session.signOut', `${user.username} signed out`, { username: user.username }, user.id);
    if (user.source === 'organisation') {
      await this.opts.organisation
        ?.signOut()
        .catch((err: unknown) => this.ctx.logger.warn({ err }, 'ending the relay session failed; it expires by itself'));
    }
    return this.changed();
  }

  /** First run of a desktop on its own: the first administrator, signed in at once. */
  async createFirstAdmin(input: { username: string; displayName: string; password: string }): Promise<SessionState> {
    if (this.joined()) throw organisationAccounts();
    const verifier = await makeVerifier(input.password, this.kdf);
    const id = randomUUID();
    this.ctx.store.transaction((tx) => {
      if (countAccounts(tx, 'local') > 0)
        throw new DomainError('CONFLICT', 'This desktop already has accounts; sign in.', undefined, refusal('auth.accounts-exist'));
      saveAccount(tx, {
        id,
        username: input.username,
        displayName: input.displayName,
        role: 'admin',
        source: 'local',
        verifier,
        confirmedAt: this.now().toISOString(),
      });
      recordAudit(tx, input.displayName, {
        action: 'user.created',
        subjectType: 'user',
        subjectId: id,
        summary: `First administrator ${input.username} created`,
        params: { username: input.username, role: 'admin' },
      });
    });
    return this.begin(accountById(this.ctx.store.read, id)!, 'local');
  }

  setSettings(s: IdentitySettings): SessionState {
    this.ctx.store.transaction((tx) => {
      writeSetting(tx, settingsDef, s);
      recordAudit(tx, this.actor(), {
        action: 'session.settings',
        subjectType: 'settings',
        summary: `Lock after ${s.lockAfterMinutes} min; offline unlock for ${s.offlineDays} days`,
        params: { ...s },
      });
    });
    return this.changed();
  }

  /**
   * Renames the signed-in user (what `system.setOperator` does now that the operator is a
   * user). The caller answers with the new name; no session event, the console asks again.
   */
  rename(displayName: string): void {
    const user = this.user;
    if (!user) return;
    this.ctx.store.transaction((tx) => setAccountDisplayName(tx, user.id, displayName));
    this.user = { ...user, displayName };
  }

  /** A refresh at the relay confirmed the signed-in user: a role or name changed there holds here now. */
  private confirmedByRelay(user: AuthUser): void {
    const current = this.user;
    if (current?.id !== user.id || (current.role === user.role && current.displayName === user.displayName)) return;
    this.ctx.store.transaction((tx) => {
      setAccountRole(tx, user.id, user.role);
      setAccountDisplayName(tx, user.id, user.displayName);
      recordAudit(tx, user.displayName, {
        action: 'user.roleChanged',
        subjectType: 'user',
        subjectId: user.id,
        summary: `Role of ${user.username} changed from ${current.role} to ${user.role} at the organisation`,
        params: { username: user.username, before: current.role, role: user.role },
      });
    });
    this.user = { ...current, role: user.role, displayName: user.displayName };
    this.changed();
  }

  /** The relay ended the session (an admin revoked it, disabled the user, or a reuse was detected): signed out here. */
  private endedByRelay(message: string): void {
    const user = this.user;
    if (!user || user.source !== 'organisation' || this.via !== 'relay') return;
    this.user = null;
    this.via = null;
    this.locked = false;
    this.audit(
      user.displayName,
      'session.signOut',
      `${user.username} signed out: the organisation ended the session (${message})`,
      {
        username: user.username,
        reason: 'relay',
      },
      user.id,
    );
    this.changed();
  }

  /** Called when an admin changes or removes an account (users.ts): the session follows. */
  accountChanged(id: string): void {
    if (this.user?.id !== id || this.via === 'host') return;
    const row = accountById(this.ctx.store.read, id);
    if (!row) {
      this.user = null;
      this.via = null;
      this.locked = false;
    } else {
      this.user = { ...this.user, role: row.role, displayName: row.display_name };
    }
    this.changed();
  }

  joined(): boolean {
    return this.opts.organisation?.joined() ?? false;
  }

  /** The KDF cost new verifiers get (users.ts makes them too). */
  get kdfCost(): KdfCost {
    return this.kdf;
  }

  private changed(): SessionState {
    const s = this.state();
    this.ctx.events.emit('session.changed', s);
    for (const l of this.listeners) l(s);
    return s;
  }

  private audit(
    actor: string,
    action: 'session.signIn' | 'session.signInFailed' | 'session.lock' | 'session.signOut',
    summary: string,
    params: Record<string, string | number>,
    subjectId: string | null = null,
  ): void {
    this.ctx.store.transaction((tx) => recordAudit(tx, actor, { action, subjectType: 'user', subjectId, summary, params }));
  }
}

const badCredentials = (remaining: string): DomainError =>
  new DomainError('PRECONDITION', 'Wrong username or password.', undefined, refusal('auth.bad-credentials', { remaining }));

export const organisationAccounts = (): DomainError =>
  new DomainError(
    'PRECONDITION',
    'This desktop is joined to an organisation; its users are managed at the organisation.',
    undefined,
    refusal('auth.organisation-accounts'),
  );
