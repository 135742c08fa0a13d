import { describe, expect, it } from 'vitest';
import {
  invitationCodeOf,
  invitationLink,
  roleInfo,
  roleRefusalMessage,
  roles,
  signInRequestSchema,
  userUpdateRequestSchema,
  invitationCreateRequestSchema,
} from '../src/auth';

describe('auth contract', () => {
  it('names every role in Swedish and English', () => {
    expect(roles.map((r) => roleInfo[r].sv)).toEqual(['Administratör', 'Larmoperatör', 'Redaktör', 'Läsare']);
    for (const r of roles) expect(roleInfo[r].en.length).toBeGreaterThan(0);
  });

  it('normalises the username and refuses a bad TOTP code in Swedish', () => {
    expect(signInRequestSchema.parse({ username: ' Anna.B ', password: 'x' }).username).toBe('anna.b');
    const bad = signInRequestSchema.safeParse({ username: 'anna', password: 'x', totp: '12a456' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('Engångskoden är sex siffror');
  });

  it('refuses an empty user update and defaults an invitation to 72 hours', () => {
    expect(userUpdateRequestSchema.safeParse({}).success).toBe(false);
    expect(userUpdateRequestSchema.safeParse({ role: 'reader' }).success).toBe(true);
    expect(invitationCreateRequestSchema.parse({ role: 'editor' }).expiresInHours).toBe(72);
    expect(invitationCreateRequestSchema.safeParse({ role: 'editor', expiresInHours: 24 * 15 }).success).toBe(false);
  });

  it('round-trips an invitation link and accepts a bare code', () => {
    const link = invitationLink('https://relay.example/', 'abcDEF123456');
    expect(link).toBe('gdial://invitation?relay=https%3A%2F%2Frelay.example&code=abcDEF123456');
    expect(invitationCodeOf(link)).toBe('abcDEF123456');
    expect(invitationCodeOf(' abcDEF123456 ')).toBe('abcDEF123456');
    expect(invitationCodeOf('short')).toBeNull();
  });

  it('words a role refusal naming the roles needed', () => {
    expect(roleRefusalMessage(['admin'])).toBe('Din roll får inte göra detta; det kräver Administratör.');
    expect(roleRefusalMessage(['admin', 'operator', 'editor'])).toBe(
      'Din roll får inte göra detta; det kräver Administratör, Larmoperatör eller Redaktör.',
    );
  });
});
