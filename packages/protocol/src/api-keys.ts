// API keys: how other systems (a fire-alarm panel, a SCADA, a duty officer's script, an HR
// sync) call the relay's REST API v1 (docs/api.md). An Administratör creates a key in the
// console (Inställningar → API-nycklar) with a name, scopes, an optional expiry and optional
// allowed source addresses; the secret (`gdk_<organisation>_<43 characters>`) is shown once
// and the relay keeps only its SHA-256. Every use is audited under the key's name.
//
// Relay routes (Authorization: Bearer <an administrator's access token>):
//   GET    /api/v1/api-keys         → apiKeyListResponse
//   POST   /api/v1/api-keys         apiKeyCreateRequest → apiKeyCreateResponse (the secret, once)
//   DELETE /api/v1/api-keys/:id     → 204 (revoked: the key stops working at once)
import { z } from 'zod';
import { method } from './rpc-core';

export const apiKeyScopes = ['alerts:trigger', 'alerts:read', 'contacts:read', 'contacts:write'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** What each scope allows, as the console says it. */
export const apiKeyScopeInfo: Record<ApiKeyScope, { sv: string; en: string }> = {
  'alerts:trigger': { sv: 'Starta och avbryta larm från larmmallar', en: 'Start and cancel alerts from prepared alerts' },
  'alerts:read': { sv: 'Läsa larms läge och närvarolista', en: "Read alerts' state and roll-call" },
  'contacts:read': { sv: 'Läsa kontakter', en: 'Read contacts' },
  'contacts:write': { sv: 'Lägga till och ändra kontakter och gruppmedlemskap', en: 'Add and change contacts and group membership' },
};

/** An IPv4 or IPv6 address, or a network in CIDR form (192.0.2.0/24, 2001:db8::/32). */
export function parseCidr(text: string): { address: string; bits: number; family: 4 | 6 } | null {
  const [address = '', bitsText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const family = z.ipv4().safeParse(address).success ? 4 : z.ipv6().safeParse(address).success ? 6 : 0;
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { address, bits, family: family };
}

const sourceSchema = z
  .string()
  .trim()
  .refine((s) => parseCidr(s) !== null, { message: 'Inte en IP-adress eller ett nät i CIDR-form (t.ex. 192.0.2.10 eller 192.0.2.0/24)' });

/** Requests per minute a key may make unless its creator chose otherwise. */
export const DEFAULT_API_KEY_RATE_PER_MINUTE = 60;

export const apiKeyCreateRequestSchema = z.object({
  name: z.string().trim().min(1, 'Nyckeln behöver ett namn').max(100, 'Namnet är för långt (högst 100 tecken)'),
  scopes: z
    .array(z.enum(apiKeyScopes))
    .min(1, 'Välj minst en behörighet')
    .refine((s) => new Set(s).size === s.length, { message: 'En behörighet står två gånger' }),
  /** Null or absent: the key does not expire. */
  expiresAt: z.iso
    .datetime({ offset: true, message: 'Utgångstiden är inte en tidpunkt' })
    .nullable()
    .optional()
    .refine((t) => t === null || t === undefined || Date.parse(t) > Date.now(), { message: 'Utgångstiden har redan passerat' }),
  /** Empty or absent: from any address. */
  allowedSources: z.array(sourceSchema).max(50, 'Högst 50 adresser').default([]),
  rateLimitPerMinute: z
    .number()
    .int()
    .min(1, 'Minst 1 anrop per minut')
    .max(6000, 'Högst 6000 anrop per minut')
    .default(DEFAULT_API_KEY_RATE_PER_MINUTE),
});
export type ApiKeyCreateRequest = z.input<typeof apiKeyCreateRequestSchema>;

export const apiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret, to tell keys apart (gdk_…abcd). */
  hint: z.string(),
  scopes: z.array(z.enum(apiKeyScopes)),
  expiresAt: z.string().nullable(),
  allowedSources: z.array(z.string()),
  rateLimitPerMinute: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type ApiKeySummary = z.infer<typeof apiKeySummarySchema>;
export const apiKeyListResponseSchema = z.object({ keys: z.array(apiKeySummarySchema) });
export const apiKeyCreateResponseSchema = apiKeySummarySchema.extend({
  /** Shown once: the relay keeps only its hash. */
  secret: z.string(),
});
export type ApiKeyCreateResponse = z.infer<typeof apiKeyCreateResponseSchema>;

export const apiKeysMethods = {
  'organisation.apiKeys.list': method(z.object({}), apiKeyListResponseSchema),
  /** The secret is in the answer once; the relay keeps only a hash. */
  'organisation.apiKeys.create': method(apiKeyCreateRequestSchema, apiKeyCreateResponseSchema),
  'organisation.apiKeys.revoke': method(z.object({ id: z.string() }), z.object({ revoked: z.literal(true) })),
};
