// The desktop's accounts: its own users when it is not joined to an organisation, and the
// offline verifiers of an organisation's users who signed in here online. Per desktop,
// never synced: a verifier is a password's scrypt hash and stays on the machine it was made on.
import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const accounts = sqliteTable('accounts', {
  /** The relay's user id for an organisation's user; a random id for a local account. */
  id: text('id').primaryKey(),
  /** Lower case (the protocol's username rule), unique on this desktop. */
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['admin', 'operator', 'editor', 'reader'] }).notNull(),
  source: text('source', { enum: ['local', 'organisation'] }).notNull(),
  /** scrypt(password, salt) with the cost it was made with, so a later cost still verifies older hashes. */
  verifierSalt: blob('verifier_salt', { mode: 'buffer' }).notNull(),
  verifierHash: blob('verifier_hash', { mode: 'buffer' }).notNull(),
  kdfN: integer('kdf_n').notNull(),
  kdfR: integer('kdf_r').notNull(),
  kdfP: integer('kdf_p').notNull(),
  /** When the password and role were last confirmed (by the relay, or set here). */
  confirmedAt: text('confirmed_at').notNull(),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: text('locked_until'),
  createdAt: text('created_at').notNull(),
});
