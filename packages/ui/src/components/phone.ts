// How phone numbers look everywhere in the console: the way a Swede writes them at home
// ("070-123 45 67") for Swedish numbers, international form for the rest.
import { parsePhoneNumberWithError } from 'libphonenumber-js/min';

const cache = new Map<string, string>();

export function displayPhone(e164: string): string {
  const hit = cache.get(e164);
  if (hit !== undefined) return hit;
  let text = e164;
  try {
    const p = parsePhoneNumberWithError(e164);
    text = p.country === 'SE' ? p.formatNational() : p.formatInternational();
  } catch {
    // Shown as stored: the engine only keeps numbers it could normalise, so this is rare.
  }
  if (cache.size > 5000) cache.clear();
  cache.set(e164, text);
  return text;
}

/** A delivery's or sender's address: a number as displayPhone writes it, an e-mail address or chat id as it is. */
export const displayAddress = (address: string): string => (/^\+\d+$/.test(address) ? displayPhone(address) : address);
