// The text of a burn message (engångsmeddelande) going out: sealed on this desktop, the
// ciphertext stored at the relay, and the person sent a short link instead of the text. One
// link per delivery, so one person's open shows on their own line of the roll-call and
// leaves everybody else's message unread.
import { BURN_ID_BYTES, BURN_KEY_BYTES, burnLink, type BurnOption, type BurnUpload, type Channel } from '@gdial/protocol';
import type { RelayApi } from '../relay-client';
import { sealBurnText } from './seal';

/** error_code of a delivery whose burn message could not be stored because the relay is unreachable. */
export const BURN_UNAVAILABLE = 'burn-unavailable';

/** The relay could not be reached: the delivery waits (held), the person's attempts untouched. */
export class BurnUnavailableError extends Error {
  override readonly name = 'BurnUnavailableError';
}

export interface BurnPublisher {
  /** Stores the ciphertext; resolves to the link without its fragment. Throws BurnUnavailableError when the path is down. */
  publish(upload: BurnUpload): Promise<string>;
}

/** The publisher on this desktop's relay, which the connectivity service sets (null: not joined to one). */
export class RelayBurnPublisher implements BurnPublisher {
  private api: RelayApi | null = null;

  setRelay(api: RelayApi | null): void {
    this.api = api;
  }

  async publish(upload: BurnUpload): Promise<string> {
    const api = this.api;
    if (!api) throw new Error('Engångsmeddelanden kräver att datorn är ansluten till en relä (Inställningar → Organisation).');
    const r = await api.uploadBurnMessage(upload);
    if (r.ok) return r.value.url;
    if (r.error.kind === 'refused') throw new Error(`Reläet tog inte emot engångsmeddelandet: ${r.error.message}`);
    throw new BurnUnavailableError(`Reläet kunde inte nås för engångsmeddelandet: ${r.error.message}`);
  }
}

/** Channels whose text can go out as a link (a call speaks its message). */
export const burnChannels: readonly Channel[] = ['sms', 'whatsapp', 'telegram', 'email'];

const words = {
  sv: { text: 'Du har fått ett engångsmeddelande. Det kan bara läsas en gång:', html: 'Öppna meddelandet' },
  en: { text: 'You have received a one-time message. It can be read only once:', html: 'Open the message' },
} as const;

/** The text a person gets instead of the message: the lead sentence and the link. */
const linkBody = (language: string, link: string): string => `${(language === 'en' ? words.en : words.sv).text} ${link}`;

/**
 * A link of the length a real one has, for counting what a burn SMS is billed as before it is
 * sent (the relay's id and the key are fixed-length; the relay's address is taken as a typical one).
 */
export const representativeBurnLink = (): string =>
  burnLink(`https://relay.example.se/b/${'x'.repeat(Math.ceil((BURN_ID_BYTES * 4) / 3))}`, 'x'.repeat(Math.ceil((BURN_KEY_BYTES * 4) / 3)));

/** What an SMS alert's text goes out as when it is an engångsmeddelande: the link message, whatever the text. */
export const burnSmsBodyForCounting = (language: string): string => linkBody(language, representativeBurnLink());

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface BurnedMessage {
  body: string;
  html: string | null;
}

/**
 * The message a person gets instead of `text`: the text sealed under a fresh key and stored
 * at the relay until `now` + the option's expiry, the link carrying the key in its fragment.
 */
export async function burnMessage(
  publisher: BurnPublisher,
  option: BurnOption,
  message: { text: string; token: string; language: string; channel: Channel },
  now: number,
): Promise<BurnedMessage> {
  const sealed = sealBurnText(message.text);
  const url = await publisher.publish({
    ciphertext: sealed.ciphertext,
    iv: sealed.iv,
    expiresAt: new Date(now + option.expiresAfterHours * 3_600_000).toISOString(),
    deliveryToken: message.token,
  });
  const link = burnLink(url, sealed.key);
  const w = message.language === 'en' ? words.en : words.sv;
  return {
    body: linkBody(message.language, link),
    html: message.channel === 'email' ? `<p>${escapeHtml(w.text)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(w.html)}</a></p>` : null,
  };
}
