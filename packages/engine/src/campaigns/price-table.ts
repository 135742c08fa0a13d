// The organisation's price table (what an SMS segment, a call minute and a WhatsApp message
// cost per country): a shared setting, read by the cost estimate, changed with an audit entry
// in the same transaction.
import { priceTableSchema, smsSegments, type Channel, type PriceTable } from '@gdial/protocol';
import parsePhoneNumber from 'libphonenumber-js';
import type { EngineContext } from '../context';
import { recordAudit } from '../store/audit';
import type { Reader } from '../store/db';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';

export const priceTableSetting: SettingDef<PriceTable> = {
  key: 'campaigns.priceTable',
  schema: priceTableSchema,
  fallback: priceTableSchema.parse({}),
};

export const readPriceTable = (r: Reader): PriceTable => readSetting(r, priceTableSetting);

export function savePriceTable(ctx: Pick<EngineContext, 'store' | 'operator'>, t: PriceTable): PriceTable {
  const actor = ctx.operator();
  ctx.store.transaction((tx) => {
    writeSetting(tx, priceTableSetting, t);
    recordAudit(tx, actor, {
      action: 'campaigns.priceTable',
      subjectType: 'settings',
      subjectId: 'campaigns.priceTable',
      summary: `Price table changed (${t.currency})`,
      params: { currency: t.currency },
    });
  });
  return t;
}

const countries = new Map<string, string>();
/** Country of a number for pricing; numbers sharing their first digits share a country, so it is cached by prefix. */
export function countryOf(e164: string): string {
  const key = e164.slice(0, 7);
  let c = countries.get(key);
  if (c === undefined) {
    c = parsePhoneNumber(e164)?.country ?? '*';
    countries.set(key, c);
  }
  return c;
}
/** The price for a country, else the default ("*"); null when neither is set. */
export const price = (table: Record<string, number>, country: string): number | null => table[country] ?? table['*'] ?? null;

/** The SMS segments a delivery's text is billed as: an SMS's segment count, 0 for other channels and for no text. */
export const billedSegments = (channel: Channel, text: string | null): number =>
  channel === 'sms' && text ? smsSegments(text).segments : 0;

/** What sends add up to, per kind of unit and its cost. */
export interface CostTally {
  smsSegments: number;
  smsCost: number;
  callMinutes: number;
  callCost: number;
  whatsappMessages: number;
  whatsappCost: number;
  emails: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** A tally as the reports show it: amounts rounded to the öre, and their total. */
export const costFigures = (t: CostTally) => ({
  smsSegments: t.smsSegments,
  smsCost: round2(t.smsCost),
  callMinutes: t.callMinutes,
  callCost: round2(t.callCost),
  whatsappMessages: t.whatsappMessages,
  whatsappCost: round2(t.whatsappCost),
  emails: t.emails,
  total: round2(t.smsCost + t.callCost + t.whatsappCost),
});

export const emptyTally = (): CostTally => ({
  smsSegments: 0,
  smsCost: 0,
  callMinutes: 0,
  callCost: 0,
  whatsappMessages: 0,
  whatsappCost: 0,
  emails: 0,
});

/**
 * Adds one send to the tally at the price table (a call at its estimated minutes); returns
 * what it costs and, when the table has no price for the number's country, that country.
 */
export function tallySend(
  t: CostTally,
  prices: PriceTable,
  channel: Channel,
  address: string,
  segments: () => number,
): { amount: number; unpriced: string | null } {
  switch (channel) {
    case 'sms': {
      const country = countryOf(address);
      const p = price(prices.smsPerSegment, country);
      const segs = segments();
      t.smsSegments += segs;
      t.smsCost += segs * (p ?? 0);
      return { amount: segs * (p ?? 0), unpriced: p === null ? country : null };
    }
    case 'voice': {
      const country = countryOf(address);
      const p = price(prices.callPerMinute, country);
      t.callMinutes += prices.estimatedCallMinutes;
      t.callCost += prices.estimatedCallMinutes * (p ?? 0);
      return { amount: prices.estimatedCallMinutes * (p ?? 0), unpriced: p === null ? country : null };
    }
    case 'whatsapp': {
      const country = countryOf(address);
      const p = price(prices.whatsappPerMessage, country);
      t.whatsappMessages++;
      t.whatsappCost += p ?? 0;
      return { amount: p ?? 0, unpriced: p === null ? country : null };
    }
    case 'email':
      t.emails++;
      return { amount: 0, unpriced: null };
    case 'telegram':
      return { amount: 0, unpriced: null };
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}
