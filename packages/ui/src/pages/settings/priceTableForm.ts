// The price table as the settings form edits it: one row per country (the default row "*"
// first), each with the three prices as typed text, so a half-typed "0," is not lost. An
// empty price means the country uses the default row's price for that kind of message.
import type { PriceTable } from '@gdial/protocol';

export const DEFAULT_COUNTRY = '*';

export interface PriceRow {
  /** ISO country code ("SE") or "*" for every other country. */
  country: string;
  sms: string;
  call: string;
  whatsapp: string;
}

export interface PriceDraft {
  currency: string;
  callMinutes: string;
  rows: PriceRow[];
}

export type PriceProblem =
  | { field: 'currency' }
  | { field: 'callMinutes' }
  | { field: 'country'; row: number }
  | { field: 'duplicate'; row: number }
  | { field: 'price'; row: number; kind: 'sms' | 'call' | 'whatsapp' }
  | { field: 'defaultMissing'; kind: 'sms' | 'call' | 'whatsapp' };

const text = (n: number | undefined): string => (n === undefined ? '' : String(n).replace('.', ','));

export function draftFromTable(t: PriceTable): PriceDraft {
  const countries = new Set([...Object.keys(t.smsPerSegment), ...Object.keys(t.callPerMinute), ...Object.keys(t.whatsappPerMessage)]);
  countries.add(DEFAULT_COUNTRY);
  const ordered = [DEFAULT_COUNTRY, ...[...countries].filter((c) => c !== DEFAULT_COUNTRY).sort()];
  return {
    currency: t.currency,
    callMinutes: text(t.estimatedCallMinutes),
    rows: ordered.map((country) => ({
      country,
      sms: text(t.smsPerSegment[country]),
      call: text(t.callPerMinute[country]),
      whatsapp: text(t.whatsappPerMessage[country]),
    })),
  };
}

/** A price as typed (comma or point, spaces allowed), or null when it is not a number ≥ 0. */
export function parsePrice(s: string): number | null {
  const t = s.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/** The table to save, or every problem with the draft (each names its row and field). */
export function draftToTable(d: PriceDraft): { ok: true; table: PriceTable } | { ok: false; problems: PriceProblem[] } {
  const problems: PriceProblem[] = [];
  const currency = d.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) problems.push({ field: 'currency' });
  const callMinutes = parsePrice(d.callMinutes);
  if (callMinutes === null || callMinutes <= 0) problems.push({ field: 'callMinutes' });
  const table: PriceTable = {
    currency,
    estimatedCallMinutes: callMinutes ?? 1,
    smsPerSegment: {},
    callPerMinute: {},
    whatsappPerMessage: {},
  };
  const seen = new Set<string>();
  d.rows.forEach((r, row) => {
    const country = r.country.trim().toUpperCase();
    if (country !== DEFAULT_COUNTRY && !/^[A-Z]{2}$/.test(country)) problems.push({ field: 'country', row });
    else if (seen.has(country)) problems.push({ field: 'duplicate', row });
    seen.add(country);
    const kinds = [
      ['sms', r.sms, table.smsPerSegment],
      ['call', r.call, table.callPerMinute],
      ['whatsapp', r.whatsapp, table.whatsappPerMessage],
    ] as const;
    for (const [kind, value, into] of kinds) {
      if (value.trim() === '') {
        if (country === DEFAULT_COUNTRY) problems.push({ field: 'defaultMissing', kind });
        continue;
      }
      const n = parsePrice(value);
      if (n === null) problems.push({ field: 'price', row, kind });
      else into[country] = n;
    }
  });
  return problems.length ? { ok: false, problems } : { ok: true, table };
}
