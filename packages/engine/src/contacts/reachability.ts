// Who can be reached on which channel, and at which addresses: the one rule, used by the
// campaign planner (and so by the plan report the console shows before a start) and by
// whatever else asks where a contact can be reached. Voice uses every number, SMS only
// numbers that can take SMS (a Swedish fixed line cannot), e-mail every address, WhatsApp
// and Telegram their one address. A contact marked do-not-contact for a channel is not
// reached on it at all; an address on the opt-out list is skipped. Blocked addresses are
// listed with their reason rather than left out, so a plan can say why someone is missing.
import type { Channel, DoNotContact, EscalationStep, PhoneKind } from '@gdial/protocol';
import { emailKey } from './model';
import type { OptOutLookup } from './opt-outs';

/** What reachability needs to know of a contact (a Contact, or what the planner loads for sending). */
export interface ReachableContact {
  readonly doNotContact: DoNotContact;
  /** Priority order. */
  readonly phones: readonly { readonly e164: string; readonly label: string; readonly canSms: boolean; readonly kind?: PhoneKind }[];
  /** Priority order, as entered. */
  readonly emails: readonly { readonly address: string }[];
  readonly whatsapp: string | null;
  readonly telegramChatId: string | null;
}

export type BlockReason = 'doNotContact' | 'optOut';

export interface ChannelAddress {
  channel: Channel;
  /** The address in its normalised form: E.164, lower-cased e-mail address, Telegram chat id. */
  address: string;
  /** What a message is sent to: the address as the contact holds it (an e-mail address as entered). */
  sendTo: string;
  /** The address's place among the contact's addresses for the channel: 0 = try first. */
  priority: number;
  /** For phone numbers: mobile, fixed line… */
  kind: PhoneKind | null;
  /** Null when the address may be used. */
  blocked: BlockReason | null;
}

/** Which of the addresses to take: every one, the first, the next not yet used, or (numbers) the mobiles. */
export type AddressChoice = EscalationStep['numbers'];

/** Addresses already used for this contact (by earlier steps of an escalation): normalised form. */
export interface UsedAddresses {
  readonly phones: ReadonlySet<string>;
  readonly emails: ReadonlySet<string>;
}

export interface Reach {
  channel: Channel;
  /** The contact asked not to be contacted on this channel: none of the addresses may be used. */
  doNotContact: boolean;
  /** The chosen addresses, in the order to try, each with why it must be skipped (if it must). */
  addresses: ChannelAddress[];
}

const nothingUsed: UsedAddresses = { phones: new Set(), emails: new Set() };

/** Where a contact can be reached on a channel: the addresses chosen (by default all of them), in order. */
export function reach(
  contact: ReachableContact,
  channel: Channel,
  optOuts: OptOutLookup,
  choice: AddressChoice = 'all',
  used: UsedAddresses = nothingUsed,
): Reach {
  const doNotContact = contact.doNotContact[channel];
  const mk = (address: string, sendTo: string, priority: number, kind: PhoneKind | null): ChannelAddress => ({
    channel,
    address,
    sendTo,
    priority,
    kind,
    blocked: null,
  });
  let addresses: ChannelAddress[];
  switch (channel) {
    case 'voice':
    case 'sms': {
      const phones = channel === 'sms' ? contact.phones.filter((p) => p.canSms) : contact.phones;
      const eligible = phones.map((p, i) => mk(p.e164, p.e164, i, p.kind ?? null));
      addresses = choose(eligible, choice, used.phones, (i) => phones[i]!.canSms || phones[i]!.label === 'mobile');
      break;
    }
    case 'email': {
      const eligible = contact.emails.map((e, i) => mk(emailKey(e.address), e.address, i, null));
      // "All mobiles" of e-mail addresses is all of them.
      addresses = choose(eligible, choice, used.emails, () => true);
      break;
    }
    case 'whatsapp':
      addresses = contact.whatsapp ? [mk(contact.whatsapp, contact.whatsapp, 0, null)] : [];
      break;
    case 'telegram':
      addresses = contact.telegramChatId ? [mk(contact.telegramChatId, contact.telegramChatId, 0, null)] : [];
      break;
    default: {
      const unexpected: never = channel;
      return unexpected;
    }
  }
  // Only the chosen ones are looked up.
  for (const a of addresses) a.blocked = doNotContact ? 'doNotContact' : optOuts.isOptedOut(channel, a.address) ? 'optOut' : null;
  return { channel, doNotContact, addresses };
}

function choose(
  eligible: ChannelAddress[],
  choice: AddressChoice,
  used: ReadonlySet<string>,
  isMobile: (index: number) => boolean,
): ChannelAddress[] {
  switch (choice) {
    case 'all':
      return eligible;
    case 'first':
      return eligible.slice(0, 1);
    case 'next': {
      const next = eligible.find((a) => !used.has(a.address));
      return next ? [next] : [];
    }
    case 'all-mobiles':
      return eligible.filter((_, i) => isMobile(i));
    default: {
      const unexpected: never = choice;
      throw new Error(`unknown address choice ${String(unexpected)}`);
    }
  }
}
