import { describe, expect, it } from 'vitest';
import { importFieldSchema, importFields } from '@gdial/protocol';
import { customFieldFor, fieldFromOption, fieldOptions, importFieldLabel, optionValue } from '../src/pages/import/importFields';

describe('import field choices', () => {
  it('offers ignore, every contract field and a custom field, all valid for the contract', () => {
    const opts = fieldOptions('Personalnr (HR)', 'sv');
    expect(opts[0]!.label).toBe('Importeras inte');
    expect(opts).toHaveLength(importFields.length + 2);
    for (const o of opts.slice(1)) expect(importFieldSchema.safeParse(o.value).success).toBe(true);
    expect(opts.at(-1)!.label).toBe('Eget fält: Personalnr _HR_');
  });

  it('names fields in Swedish and English', () => {
    expect(importFieldLabel('phone.mobile', 'sv')).toBe('Mobilnummer');
    expect(importFieldLabel('phone.mobile', 'en')).toBe('Mobile number');
    expect(importFieldLabel('custom.Skift', 'en')).toBe('Custom field: Skift');
  });

  it('turns any header into a valid custom field name', () => {
    for (const h of ['', '   ', 'E-post/privat', 'x'.repeat(200), 'Ålder 🙂']) {
      expect(importFieldSchema.safeParse(customFieldFor(h)).success).toBe(true);
    }
  });

  it('round-trips "not imported" through the select value', () => {
    expect(fieldFromOption(optionValue(null))).toBeNull();
    expect(fieldFromOption(optionValue('email'))).toBe('email');
  });
});
