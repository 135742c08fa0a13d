// The organisation's price table (what an SMS segment, a call minute and a WhatsApp message
// cost per country): a shared setting, read by the cost estimate, changed with an audit entry
// in the same transaction.
import { priceTableSchema, type PriceTable } from '@gdial/protocol';
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
