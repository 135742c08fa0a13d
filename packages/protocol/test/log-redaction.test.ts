// Log redaction at any depth: random nested objects with planted phone numbers, e-mail
// addresses, personal identity numbers and secrets (under secret-named keys in any case, and
// inside error messages) are redacted, and none of the planted values survives serialising.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_REDACTED, maskPersonalData, redactForLog } from '../src/log-redaction';

const phone = fc.tuple(fc.constantFrom('+4670', '+4673', '070', '+4687'), fc.stringMatching(/^\d{7}$/)).map(([a, b]) => a + b);
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{2,10}$/), fc.constantFrom('kommun.se', 'example.com', 'region-x.se'))
  .map(([l, d]) => `${l}@${d}`);
const personnummer = fc
  .tuple(
    fc.integer({ min: 1930, max: 2020 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.stringMatching(/^\d{4}$/),
  )
  .chain(([y, m, d, n]) => {
    const ymd = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
    return fc.constantFrom(`${ymd}${n}`, `${ymd.slice(2)}-${n}`, `${ymd}-${n}`);
  });
const secret = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/).map((s) => `sk_${s}`);
const secretKeyName = fc.constantFrom(
  'Authorization',
  'authorization',
  'AUTHORIZATION',
  'x-auth-token',
  'deviceToken',
  'apiKey',
  'api_key',
  'password',
  'clientSecret',
  'privateKey',
);

type Planted = { value: string; kind: 'text' | 'secret' };

/** A random nested value with planted values somewhere inside it. */
const planted: fc.Arbitrary<{ root: unknown; values: Planted[] }> = fc
  .tuple(
    fc.array(fc.oneof(phone, email, personnummer), { minLength: 1, maxLength: 4 }),
    fc.array(fc.tuple(secretKeyName, secret), { minLength: 1, maxLength: 3 }),
    fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    fc.jsonValue({ maxDepth: 4 }),
  )
  .map(([texts, secrets, choices, filler]) => {
    let c = 0;
    const pick = (n: number) => choices[c++ % choices.length]! % n;
    const containers: Array<Record<string, unknown> | unknown[]> = [];
    const root: Record<string, unknown> = { filler };
    containers.push(root);
    // A chain of nested objects and arrays to plant into.
    let cur: Record<string, unknown> | unknown[] = root;
    for (let d = 0; d < 6; d++) {
      const next: Record<string, unknown> | unknown[] = pick(2) === 0 ? {} : [];
      if (Array.isArray(cur)) cur.push(next);
      else cur[`level${d}`] = next;
      containers.push(next);
      cur = next;
    }
    const put = (target: Record<string, unknown> | unknown[], key: string, value: unknown) => {
      if (Array.isArray(target)) target.push(value);
      else target[key] = value;
    };
    texts.forEach((t, i) => {
      const where = containers[pick(containers.length)]!;
      const form = pick(3);
      put(where, `note${i}`, form === 0 ? t : form === 1 ? `ring ${t} nu` : new Error(`kunde inte nå ${t}`));
    });
    secrets.forEach(([k, s], i) => {
      const where = containers[pick(containers.length)]!;
      if (Array.isArray(where)) where.push({ [k]: s });
      else where[i % 2 === 0 ? k : `${k}`] = s;
    });
    return {
      root,
      values: [
        ...texts.map((value) => ({ value, kind: 'text' as const })),
        ...secrets.map(([, value]) => ({ value, kind: 'secret' as const })),
      ],
    };
  });

describe('redactForLog', () => {
  it('leaves no planted personal data or secret anywhere in the serialised output', () => {
    fc.assert(
      fc.property(planted, ({ root, values }) => {
        const out = JSON.stringify(redactForLog(root));
        for (const { value } of values) expect(out).not.toContain(value);
      }),
      { numRuns: 300 },
    );
  });

  it('masks inside error messages and stacks, keeps errors readable, and censors secrets in any case', () => {
    const err = new Error('SMS to +46701234567 failed for anna@kommun.se (19850709-1234)');
    const out = redactForLog({ err, headers: { AUTHORIZATION: 'Bearer abc', Accept: 'json' }, list: [{ nested: { apiKey: 'k' } }] }) as {
      err: { type: string; message: string; stack: string };
      headers: Record<string, string>;
      list: Array<{ nested: { apiKey: string } }>;
    };
    expect(out.err.type).toBe('Error');
    expect(out.err.message).toBe('SMS to +4670*****67 failed for a***@kommun.se ([personnummer])');
    expect(out.err.stack).not.toContain('46701234567');
    expect(out.headers).toEqual({ AUTHORIZATION: LOG_REDACTED, Accept: 'json' });
    expect(out.list[0]!.nested.apiKey).toBe(LOG_REDACTED);
  });

  it('survives cycles and deep nesting, and leaves plain values alone', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactForLog(a)).toEqual({ name: 'a', self: '[circular]' });
    let deep: unknown = 'x';
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(JSON.stringify(redactForLog(deep))).toContain('[too deep]');
    expect(redactForLog(42)).toBe(42);
    expect(maskPersonalData('seq 12 of 40 at 10:15')).toBe('seq 12 of 40 at 10:15');
    // Identifiers keep their digits: a UUID or a hex id is not a phone number.
    for (const id of ['ce0919bf-132e-4c76-a437-857420120af0', '0d4c1b5e-1234-4567-8901-234567890123', 'SM0123456789abcdef0123456789abcdef'])
      expect(maskPersonalData(id)).toBe(id);
  });
});
