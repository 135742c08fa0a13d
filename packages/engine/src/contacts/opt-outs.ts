// The opt-out list: addresses that must not be contacted on a channel, whoever they
// belong to (a "STOPP" reply, an operator's decision, a provider's unsubscribe). Keyed by
// normalised address so it holds across contacts being edited, deleted or re-imported.
import type Database from 'better-sqlite3';
import type { Channel, OptOut } from '@gdial/protocol';
import { emailKey } from './model';
import { normalisePhone } from './phone';

export type OptOutSource = OptOut['source'];

/** The form an address is stored and looked up in, or why it cannot be one. */
export function normaliseAddress(channel: Channel, address: string): { ok: true; address: string } | { ok: false; reason: string } {
  switch (channel) {
    case 'voice':
    case 'sms':
    case 'whatsapp': {
      const n = normalisePhone(address);
      return n.ok ? { ok: true, address: n.e164 } : { ok: false, reason: `"${address}" ${n.reason}` };
    }
    case 'email': {
      const k = emailKey(address);
      return k.includes('@') ? { ok: true, address: k } : { ok: false, reason: `"${address}" is not an e-mail address` };
    }
    case 'telegram': {
      const t = address.trim();
      return /^-?\d{1,20}$/.test(t) ? { ok: true, address: t } : { ok: false, reason: `"${address}" is not a Telegram chat id` };
    }
    default: {
      const unexpected: never = channel;
      return unexpected;
    }
  }
}

interface OptOutRow {
  channel: Channel;
  address: string;
  source: OptOutSource;
  note: string | null;
  created_at: string;
}
const toOptOut = (r: OptOutRow): OptOut => ({
  channel: r.channel,
  address: r.address,
  source: r.source,
  note: r.note,
  createdAt: r.created_at,
});

export class OptOutStore {
  constructor(private readonly sqlite: Database.Database) {}

  /** Records an opt-out (an existing one for the same channel and address is kept as is). */
  add(channel: Channel, address: string, source: OptOutSource, note: string | null, now: string): OptOut {
    this.sqlite
      .prepare('INSERT OR IGNORE INTO opt_outs (channel, address, source, note, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(channel, address, source, note, now);
    return toOptOut(this.sqlite.prepare('SELECT * FROM opt_outs WHERE channel = ? AND address = ?').get(channel, address) as OptOutRow);
  }

  remove(channel: Channel, address: string): boolean {
    return this.sqlite.prepare('DELETE FROM opt_outs WHERE channel = ? AND address = ?').run(channel, address).changes > 0;
  }

  has(channel: Channel, address: string): boolean {
    return this.sqlite.prepare('SELECT 1 FROM opt_outs WHERE channel = ? AND address = ?').get(channel, address) !== undefined;
  }

  list(q: { channel?: Channel | undefined; address?: string | undefined } = {}): OptOut[] {
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
    return (
      this.sqlite
        .prepare(`SELECT * FROM opt_outs ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY created_at DESC`)
        .all(...params) as OptOutRow[]
    ).map(toOptOut);
  }

  /** Opt-outs for any of these addresses (GDPR export). */
  forAddresses(addresses: readonly string[]): OptOut[] {
    if (addresses.length === 0) return [];
    return (
      this.sqlite
        .prepare('SELECT * FROM opt_outs WHERE address IN (SELECT value FROM json_each(?)) ORDER BY created_at')
        .all(JSON.stringify(addresses)) as OptOutRow[]
    ).map(toOptOut);
  }
}
