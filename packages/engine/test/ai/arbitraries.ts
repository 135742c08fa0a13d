// Personal data as people write it in Swedish texts, for the redaction property tests.
import fc from 'fast-check';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Swedish phone numbers as people write them: +46 70 123 45 67, 070-123 45 67, 08-123 456 78, 0046701234567. */
export const phoneArb = fc.oneof(
  fc.tuple(digits(2), digits(3), digits(2), digits(2)).map(([a, b, c, d]) => `+46 ${a} ${b} ${c} ${d}`),
  fc.tuple(digits(2), digits(3), digits(2), digits(2)).map(([a, b, c, d]) => `07${a.slice(1)}-${b} ${c} ${d}`),
  fc.tuple(digits(3), digits(3), digits(2)).map(([a, b, c]) => `08-${a} ${b} ${c}`),
  digits(9).map((d) => `0046${d}`),
  digits(8).map((d) => `07${d}`),
  fc.tuple(digits(3), digits(4)).map(([a, b]) => `(0${a}) ${b}`),
);
export const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._]{0,10}[a-z0-9]$/), fc.stringMatching(/^[a-z]{2,10}$/), fc.constantFrom('se', 'com', 'nu'))
  .map(([user, host, tld]) => `${user}@${host}.${tld}`);
export const personnummerArb = fc
  .tuple(
    fc.integer({ min: 1930, max: 2025 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    digits(4),
    fc.constantFrom('-', '', '+'),
    fc.boolean(),
  )
  .map(([y, m, d, tail, sep, century]) => {
    const date = `${String(y).slice(century ? 0 : 2)}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
    return `${date}${sep}${tail}`;
  });
