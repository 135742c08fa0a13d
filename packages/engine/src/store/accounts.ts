// The accounts table: one row type, its converter to the contract's LocalAccount, and
// every query of the table. Reads take a Reader, writes the transaction. The table is not
// tracked for sync (it is per desktop), so writes record no changes.
import type { LocalAccount, Role } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of accounts as SQLite returns it. */
export interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  source: 'local' | 'organisation';
  verifier_salt: Buffer;
  verifier_hash: Buffer;
  kdf_n: number;
  kdf_r: number;
  kdf_p: number;
  confirmed_at: string;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
}

export const toLocalAccount = (r: AccountRow): LocalAccount => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  source: r.source,
  confirmedAt: r.confirmed_at,
  failedAttempts: r.failed_attempts,
  lockedUntil: r.locked_until,
});

/** A password verifier as stored: scrypt's output with the salt and cost it was made with. */
export interface StoredVerifier {
  salt: Buffer;
  hash: Buffer;
  N: number;
  r: number;
  p: number;
}

export const verifierOf = (row: AccountRow): StoredVerifier => ({
  salt: row.verifier_salt,
  hash: row.verifier_hash,
  N: row.kdf_n,
  r: row.kdf_r,
  p: row.kdf_p,
});

// ── reads ──

export function accountByUsername(r: Reader, username: string): AccountRow | null {
  return r.statements.get<[string], AccountRow>('SELECT * FROM accounts WHERE username = ?').get(username) ?? null;
}

export function accountById(r: Reader, id: string): AccountRow | null {
  return r.statements.get<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?').get(id) ?? null;
}

export function listAccounts(r: Reader): AccountRow[] {
  return r.statements.get<[], AccountRow>('SELECT * FROM accounts ORDER BY display_name COLLATE NOCASE, username').all();
}

export function countAccounts(r: Reader, source: AccountRow['source']): number {
  return r.statements.get<[string], { n: number }>('SELECT count(*) AS n FROM accounts WHERE source = ?').get(source)!.n;
}

export function countAdmins(r: Reader, source: AccountRow['source']): number {
  return r.statements.get<[string], { n: number }>("SELECT count(*) AS n FROM accounts WHERE source = ? AND role = 'admin'").get(source)!.n;
}

// ── writes ──

export interface NewAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  source: AccountRow['source'];
  verifier: StoredVerifier;
  confirmedAt: string;
}

/** Inserts an account, or (an organisation's user signing in online again) replaces its name, role and verifier. */
export function saveAccount(tx: Tx, a: NewAccount): void {
  tx.statements
    .get<unknown[], unknown>(
      `INSERT INTO accounts (id, username, display_name, role, source, verifier_salt, verifier_hash, kdf_n, kdf_r, kdf_p,
         confirmed_at, failed_attempts, locked_until, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name,
         role = excluded.role, source = excluded.source, verifier_salt = excluded.verifier_salt,
         verifier_hash = excluded.verifier_hash, kdf_n = excluded.kdf_n, kdf_r = excluded.kdf_r, kdf_p = excluded.kdf_p,
         confirmed_at = excluded.confirmed_at, failed_attempts = 0, locked_until = NULL`,
    )
    .run(
      a.id,
      a.username,
      a.displayName,
      a.role,
      a.source,
      a.verifier.salt,
      a.verifier.hash,
      a.verifier.N,
      a.verifier.r,
      a.verifier.p,
      a.confirmedAt,
      a.confirmedAt,
    );
}

/** Drops another account holding the same username (an organisation's user renamed or re-created at the relay). */
export function releaseUsername(tx: Tx, username: string, keepId: string): void {
  tx.statements.get<[string, string], unknown>('DELETE FROM accounts WHERE username = ? AND id <> ?').run(username, keepId);
}

/** Counts one more failed try; returns how many in a row there have been. */
export function recordFailedAttempt(tx: Tx, id: string): number {
  return tx.statements
    .get<[string], { failed_attempts: number }>(
      'UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts',
    )
    .get(id)!.failed_attempts;
}

export function lockAccount(tx: Tx, id: string, lockedUntil: string): void {
  tx.statements.get<[string, string], unknown>('UPDATE accounts SET locked_until = ? WHERE id = ?').run(lockedUntil, id);
}

export function clearFailedAttempts(tx: Tx, id: string): void {
  tx.statements.get<[string], unknown>('UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
}

export function setAccountRole(tx: Tx, id: string, role: Role): void {
  tx.statements.get<[Role, string], unknown>('UPDATE accounts SET role = ? WHERE id = ?').run(role, id);
}

export function setAccountDisplayName(tx: Tx, id: string, displayName: string): void {
  tx.statements.get<[string, string], unknown>('UPDATE accounts SET display_name = ? WHERE id = ?').run(displayName, id);
}

export function deleteAccount(tx: Tx, id: string): boolean {
  return tx.statements.get<[string], unknown>('DELETE FROM accounts WHERE id = ?').run(id).changes > 0;
}
