import { describe, expect, it } from 'vitest';
import { priceTableSchema } from '@gdial/protocol';
import { draftFromTable, draftToTable, parsePrice } from '../src/pages/settings/priceTableForm';

describe('the price table form', () => {
  it('shows the default row first, then countries A→Z, prices with a decimal comma', () => {
    const d = draftFromTable(
      priceTableSchema.parse({ smsPerSegment: { SE: 0.45, '*': 0.9, NO: 0.7 }, callPerMinute: { SE: 0.6, '*': 2.5 } }),
    );
    expect(d.rows.map((r) => r.country)).toEqual(['*', 'NO', 'SE']);
    expect(d.rows[2]).toEqual({ country: 'SE', sms: '0,45', call: '0,6', whatsapp: '0.5'.replace('.', ',') });
    // Norway has no call price: it uses the default row's.
    expect(d.rows[1]!.call).toBe('');
  });

  it('round-trips a table unchanged', () => {
    const t = priceTableSchema.parse({ smsPerSegment: { SE: 0.45, '*': 0.9, DK: 0.5 } });
    const back = draftToTable(draftFromTable(t));
    expect(back).toEqual({ ok: true, table: t });
  });

  it('reads prices typed the Swedish way', () => {
    expect(parsePrice('0,45')).toBe(0.45);
    expect(parsePrice(' 1 200,5 ')).toBe(1200.5);
    expect(parsePrice('2')).toBe(2);
    expect(parsePrice('-1')).toBeNull();
    expect(parsePrice('abc')).toBeNull();
    expect(parsePrice('')).toBeNull();
  });

  it('names every problem by row and field and saves nothing', () => {
    const d = draftFromTable(priceTableSchema.parse({}));
    d.currency = 'kr';
    d.callMinutes = '0';
    d.rows[0]!.whatsapp = '';
    d.rows.push({ country: 'Sverige', sms: '1', call: '', whatsapp: '' });
    d.rows.push({ country: 'se', sms: 'x', call: '', whatsapp: '' });
    const r = draftToTable(d);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { field: 'currency' },
      { field: 'callMinutes' },
      { field: 'defaultMissing', kind: 'whatsapp' },
      { field: 'country', row: 2 },
      { field: 'duplicate', row: 3 },
      { field: 'price', row: 3, kind: 'sms' },
    ]);
  });

  it('upper-cases country codes and the currency', () => {
    const d = draftFromTable(priceTableSchema.parse({}));
    d.currency = 'eur';
    d.rows.push({ country: 'fi', sms: '0,3', call: '', whatsapp: '' });
    const r = draftToTable(d);
    expect(r.ok && r.table.currency).toBe('EUR');
    expect(r.ok && r.table.smsPerSegment).toEqual({ SE: 0.45, '*': 0.9, FI: 0.3 });
  });
});
