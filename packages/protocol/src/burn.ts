// Burn messages (engångsmeddelanden, issue #21): a text the recipient can read once. The
// desktop encrypts it with AES-256-GCM under a fresh key, uploads only the ciphertext to the
// relay and sends the short link `<relay>/b/<id>#<key>`; the key travels in the #fragment,
// which browsers never send to the server. The relay's page decrypts in the browser and the
// relay clears the ciphertext on the first open or at the operator's expiry.
import { z } from 'zod';

/** Bytes of the relay's random id: 128 bits, 22 base64url characters. */
export const BURN_ID_BYTES = 16;
/** Bytes of the AES-256-GCM key (in the fragment, 43 base64url characters). */
export const BURN_KEY_BYTES = 32;
/** Bytes of the AES-GCM nonce. */
export const BURN_IV_BYTES = 12;
/** The longest text a burn message carries (characters, before encryption). */
export const BURN_TEXT_MAX = 4000;
/** Expiry bounds the operator chooses from, in hours. */
export const BURN_EXPIRY_HOURS = { min: 1, max: 30 * 24, default: 72 } as const;

export const burnIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'A burn id is 22–64 base64url characters');
const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url without padding');

/** Desktop → relay: POST /api/v1/burn-messages. */
export const burnUploadSchema = z.object({
  /** AES-GCM ciphertext with the 16-byte tag at its end, base64url. */
  ciphertext: base64url.min(22).max(Math.ceil(((BURN_TEXT_MAX * 4 + 16) * 4) / 3)),
  iv: base64url.length(16),
  expiresAt: z.iso.datetime({ offset: true }),
  /** The delivery this link goes out in (echoed in the opened event), when it is one. */
  deliveryToken: z.string().min(1).max(200).nullable(),
});
export type BurnUpload = z.infer<typeof burnUploadSchema>;

export const burnUploadResponseSchema = z.object({
  id: burnIdSchema,
  /** The link without its fragment: the desktop appends `#<key>`. */
  url: z.string(),
  expiresAt: z.string(),
});
export type BurnUploadResponse = z.infer<typeof burnUploadResponseSchema>;

/** The short link the recipient gets. */
export const burnLink = (url: string, keyBase64url: string): string => `${url}#${keyBase64url}`;

/** An alert's burn option: its text goes out as a link that can be read once, until the expiry. */
export const burnOptionSchema = z.object({
  expiresAfterHours: z.number().int().min(BURN_EXPIRY_HOURS.min).max(BURN_EXPIRY_HOURS.max).default(BURN_EXPIRY_HOURS.default),
});
export type BurnOption = z.infer<typeof burnOptionSchema>;

/** The delivery-event kind the roll-call shows as "öppnat". */
export const BURN_OPENED_EVENT = 'burn-opened';
