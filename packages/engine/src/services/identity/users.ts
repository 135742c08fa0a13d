// The desktop's accounts as an administrator manages them (Inställningar → Användare): a
// desktop on its own creates its users here, changes their roles and removes them; on a
// desktop joined to an organisation the list shows whose offline unlock is kept here, and
// users are created and their roles changed at the organisation. The last administrator
// can neither lose the role nor be removed. Every change is audited.
import { randomUUID } from 'node:crypto';
import { refusal, type LocalAccount, type Role } from '@gdial/protocol';
import { DomainError, notFound } from '../../errors';
import type { EngineContext } from '../../context';
import {
  accountById,
  accountByUsername,
  countAdmins,
  deleteAccount,
  listAccounts,
  saveAccount,
  setAccountRole,
  toLocalAccount,
} from '../../store/accounts';
import { recordAudit } from '../../store/audit';
import { organisationAccounts, type IdentityService } from './service';
import { makeVerifier } from './verifier';

export class UserService {
  constructor(
    private readonly ctx: Pick<EngineContext, 'store'>,
    private readonly identity: IdentityService,
  ) {}

  list(): { users: LocalAccount[] } {
    return { users: listAccounts(this.ctx.store.read).map(toLocalAccount) };
  }

  async create(input: { username: string; displayName: string; role: Role; password: string }): Promise<LocalAccount> {
    if (this.identity.joined()) throw organisationAccounts();
    if (accountByUsername(this.ctx.store.read, input.username)) throw taken(input.username);
    const verifier = await makeVerifier(input.password, this.identity.kdfCost);
    const id = randomUUID();
    this.ctx.store.transaction((tx) => {
      if (accountByUsername(tx, input.username)) throw taken(input.username);
      saveAccount(tx, {
        id,
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        source: 'local',
        verifier,
        confirmedAt: new Date().toISOString(),
      });
      recordAudit(tx, this.identity.actor(), {
        action: 'user.created',
        subjectType: 'user',
        subjectId: id,
        summary: `User ${input.username} created as ${input.role}`,
        params: { username: input.username, role: input.role },
      });
    });
    return toLocalAccount(accountById(this.ctx.store.read, id)!);
  }

  setRole(id: string, role: Role): LocalAccount {
    const row = this.ctx.store.transaction((tx) => {
      const before = accountById(tx, id);
      if (!before) throw notFound('User', id);
      if (before.source === 'organisation') throw organisationAccounts();
      if (before.role === role) return before;
      if (before.role === 'admin' && countAdmins(tx, 'local') <= 1) throw lastAdmin();
      setAccountRole(tx, id, role);
      recordAudit(tx, this.identity.actor(), {
        action: 'user.roleChanged',
        subjectType: 'user',
        subjectId: id,
        summary: `Role of ${before.username} changed from ${before.role} to ${role}`,
        params: { username: before.username, before: before.role, role },
      });
      return accountById(tx, id)!;
    });
    this.identity.accountChanged(id);
    return toLocalAccount(row);
  }

  remove(id: string): { removed: boolean } {
    const removed = this.ctx.store.transaction((tx) => {
      const row = accountById(tx, id);
      if (!row) return false;
      if (row.source === 'local' && row.role === 'admin' && countAdmins(tx, 'local') <= 1) throw lastAdmin();
      deleteAccount(tx, id);
      recordAudit(tx, this.identity.actor(), {
        action: 'user.removed',
        subjectType: 'user',
        subjectId: id,
        summary: `User ${row.username} removed from this desktop`,
        params: { username: row.username },
      });
      return true;
    });
    if (removed) this.identity.accountChanged(id);
    return { removed };
  }
}

const taken = (username: string): DomainError =>
  new DomainError('CONFLICT', `The username ${username} is taken.`, undefined, refusal('auth.username-taken', { username }));

const lastAdmin = (): DomainError =>
  new DomainError('PRECONDITION', 'The last administrator cannot lose the role or be removed.', undefined, refusal('auth.last-admin'));
