// WhatsApp session windows: when each address last wrote to us. WhatsApp lets a business
// send free-form text only within 24 hours of the person's last message; outside it only
// an approved content template. The dispatcher reads this on its claim (store/dispatch.ts);
// the provider-event entry point writes it when a WhatsApp message arrives. Local to this
// desktop (not organisation data), so its writes are not in the change set.
import type { Reader, Tx } from './db';

/** The person at `address` wrote at `at` (epoch ms); an older message never moves the time back. */
export function noteWhatsAppInbound(tx: Tx, address: string, at: number): void {
  tx.statements
    .get<[string, number]>(
      `INSERT INTO whatsapp_sessions (address, last_inbound_at) VALUES (?, ?)
       ON CONFLICT (address) DO UPDATE SET last_inbound_at = MAX(last_inbound_at, excluded.last_inbound_at)`,
    )
    .run(address, at);
}

/** When the person at `address` last wrote to us on WhatsApp (epoch ms), or null. */
export function lastWhatsAppInbound(r: Reader, address: string): number | null {
  return r.statements.pluck<[string], number>('SELECT last_inbound_at FROM whatsapp_sessions WHERE address = ?').get(address) ?? null;
}
