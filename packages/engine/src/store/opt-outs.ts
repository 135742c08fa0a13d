// The opt-out list (opt_outs): addresses that must not be contacted on a channel, whoever
// they belong to. The one row type and its converter to the contract's OptOut; writes
// take the transaction and record the rows they changed. Addresses arrive normalised
// (E.164, lower-cased e-mail, chat id): the contacts domain's normaliseAddress decides
// the form. Prepared statements only.
import type { Channel, OptOut } from '@gdial/protocol';
import type { Reader, Tx } from './db';

export type OptOutSource = OptOut['source'];

/** A row of opt_outs as SQLite returns it. */
export interface OptOutRow {
  channel: Channel;
  address: string;
  source: OptOutSource;
  note: string | null;
  created_at: string;
}

export const toOptOut = (r: OptOutRow): OptOut => ({
  channel: r.channel,
  address: r.address,
  source: r.source,
  note: r.note,
  createdAt: r.created_at,
});

const ONE = 'SELECT * FROM opt_outs WHERE channel = ? AND address = ?';

// ── reads ──

export function getOptOut(r: Reader, channel: Channel, address: string): OptOut | null {
  const row = r.statements.get<[Channel, string], OptOutRow>(ONE).get(channel, address);
  return row ? toOptOut(row) : null;
}

/** Opt-outs, newest first, optionally of one channel and/or one address. */
export function listOptOuts(r: Reader, q: { channel?: Channel | undefined; address?: string | undefined } = {}): OptOut[] {
  const conds: string[] = [];
  const params: string[] = [];
  if (q.channel) {
    conds.push('channel = ?');
    params.push(q.channel);
  }
  if (q.address) {
    conds.push('address = ?');
    params.push(q.address);
  }
  return r.statements
    .get<string[], OptOutRow>(`SELECT * FROM opt_outs ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY created_at DESC`)
    .all(...params)
    .map(toOptOut);
}

/** Opt-outs of any of these addresses, on any channel, oldest first (a GDPR export). */
export function optOutsOfAddresses(r: Reader, addresses: readonly string[]): OptOut[] {
  if (addresses.length === 0) return [];
  return r.statements
    .get<[string], OptOutRow>('SELECT * FROM opt_outs WHERE address IN (SELECT value FROM json_each(?)) ORDER BY created_at')
    .all(JSON.stringify(addresses))
    .map(toOptOut);
}

/** Every opted-out (channel, address), for checking a whole audience at once. */
export function everyOptOut(r: Reader): { channel: Channel; address: string }[] {
  return r.statements.get<[], { channel: Channel; address: string }>('SELECT channel, address FROM opt_outs').all();
}

// ── writes ──

/**
 * Records an opt-out; one that already exists for the channel and address is kept as it is.
 * Returns whether it was new.
 */
export function addOptOut(
  tx: Tx,
  o: { channel: Channel; address: string; source: OptOutSource; note: string | null; now?: string },
): boolean {
  const added =
    tx.statements
      .get(
        o.now === undefined
          ? 'INSERT OR IGNORE INTO opt_outs (channel, address, source, note) VALUES (?, ?, ?, ?)'
          : 'INSERT OR IGNORE INTO opt_outs (channel, address, source, note, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(...[o.channel, o.address, o.source, o.note, ...(o.now === undefined ? [] : [o.now])]).changes > 0;
  if (added) tx.changes.record('opt_outs', [o.channel, o.address], 'insert');
  return added;
}

/** Removes an opt-out, or with `sources` only one recorded from one of them; returns whether one was removed. */
export function removeOptOut(tx: Tx, channel: Channel, address: string, sources?: readonly OptOutSource[]): boolean {
  const removed =
    sources === undefined
      ? tx.statements.get('DELETE FROM opt_outs WHERE channel = ? AND address = ?').run(channel, address).changes > 0
      : tx.statements
          .get('DELETE FROM opt_outs WHERE channel = ? AND address = ? AND source IN (SELECT value FROM json_each(?))')
          .run(channel, address, JSON.stringify(sources)).changes > 0;
  if (removed) tx.changes.record('opt_outs', [channel, address], 'delete');
  return removed;
}
