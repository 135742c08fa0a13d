// The opt-out list's rules: addresses that must not be contacted on a channel, whoever they
// belong to (a "STOPP" reply, an operator's decision, a provider's unsubscribe). Keyed by
// normalised address so it holds across contacts being edited, deleted or re-imported;
// normaliseAddress is that form. The rows are in store/opt-outs.ts.
import type { Channel } from '@gdial/protocol';
import type { Reader } from '../store/db';
import { everyOptOut } from '../store/opt-outs';
import { emailKey } from './model';
import { normalisePhone } from './phone';

export type { OptOutSource } from '../store/opt-outs';

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

export interface OptOutLookup {
  /** Whether this address (in its normalised form, see normaliseAddress) opted out of the channel. */
  isOptedOut(channel: Channel, address: string): boolean;
}

/**
 * The opt-out list as it stands, held in memory for checking many addresses (an audience
 * of 100,000) with one query. Compared without regard to case, as e-mail addresses are.
 */
export function optOutLookup(r: Reader): OptOutLookup {
  const all = new Set(everyOptOut(r).map((o) => `${o.channel}|${o.address.toLowerCase()}`));
  return { isOptedOut: (channel, address) => all.has(`${channel}|${address.toLowerCase()}`) };
}
