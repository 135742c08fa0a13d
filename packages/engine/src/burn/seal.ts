// Sealing a burn message's text on the desktop: AES-256-GCM under a fresh random key, laid
// out as WebCrypto lays it out (the 16-byte tag after the ciphertext) so the relay's page can
// decrypt it with crypto.subtle. The key leaves this desktop only inside the link's #fragment.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BURN_IV_BYTES, BURN_KEY_BYTES } from '@gdial/protocol';

export interface SealedBurnText {
  /** Ciphertext followed by the GCM tag, base64url. */
  ciphertext: string;
  /** The 12-byte nonce, base64url. */
  iv: string;
  /** The 32-byte key, base64url: only ever put into the link's fragment. */
  key: string;
}

const TAG_BYTES = 16;

export function sealBurnText(text: string): SealedBurnText {
  const key = randomBytes(BURN_KEY_BYTES);
  const iv = randomBytes(BURN_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext: body.toString('base64url'), iv: iv.toString('base64url'), key: key.toString('base64url') };
}

/** The inverse (what the page does in the browser); throws when the key or the bytes are wrong. */
export function openBurnText(sealed: { ciphertext: string; iv: string }, key: string): string {
  const body = Buffer.from(sealed.ciphertext, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64url'), Buffer.from(sealed.iv, 'base64url'), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
