// What the campaign planner needs from contacts: resolve an audience (groups with their
// subgroups, hand-picked contacts) to contact ids, load those contacts, and list for each
// the addresses it can be reached at per channel in priority order — with the reason an
// address must be skipped (do-not-contact on the contact, or an opt-out of the address),
// so the planner can record a skipped delivery instead of silently leaving someone out.
import type Database from 'better-sqlite3';
import type { Channel, Contact, PhoneKind } from '@gdial/protocol';
import { ContactStore } from './contact-store';
import { GroupStore } from './group-store';
import { emailKey } from './model';
import { OptOutStore } from './opt-outs';

export interface AudienceSpec {
  groupIds?: readonly number[];
  /** Default true: a group includes the members of its subgroups. */
  includeSubgroups?: boolean;
  contactIds?: readonly number[];
}

/** Distinct ids of every existing contact in the audience, ascending. */
export function resolveAudience(sqlite: Database.Database, spec: AudienceSpec): number[] {
  const ids = new Set<number>();
  if (spec.groupIds?.length) for (const id of new GroupStore(sqlite).memberIds(spec.groupIds, spec.includeSubgroups ?? true)) ids.add(id);
  if (spec.contactIds?.length) for (const id of new ContactStore(sqlite).existing(spec.contactIds)) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/** Members of one group (and by default its subgroups), ascending ids. */
export const groupMemberIds = (sqlite: Database.Database, groupId: number, includeSubgroups = true): number[] =>
  new GroupStore(sqlite).memberIds([groupId], includeSubgroups);

/** Full contacts in the order of `ids` (unknown ids left out). Loads in chunks. */
export function loadContacts(sqlite: Database.Database, ids: readonly number[]): Contact[] {
  const store = new ContactStore(sqlite);
  const out: Contact[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...store.load(ids.slice(i, i + 1000)));
  return out;
}

export type BlockReason = 'doNotContact' | 'optOut';

export interface ChannelAddress {
  channel: Channel;
  /** E.164 for voice/sms/whatsapp, e-mail address, Telegram chat id. */
  address: string;
  /** 0 = try first. */
  priority: number;
  /** For phone numbers: mobile, fixed line… */
  kind: PhoneKind | null;
  /** Null when the address may be used. */
  blocked: BlockReason | null;
}

/**
 * Where a contact can be reached on a channel, in the order to try. Voice uses every
 * number; SMS only numbers that can take SMS (a Swedish fixed line cannot). Blocked
 * addresses are listed with their reason rather than left out.
 */
export function channelAddresses(contact: Contact, channel: Channel, optOuts: OptOutLookup): ChannelAddress[] {
  const dnc = contact.doNotContact[channel];
  const mk = (address: string, priority: number, kind: PhoneKind | null): ChannelAddress => ({
    channel,
    address,
    priority,
    kind,
    blocked: dnc ? 'doNotContact' : optOuts.isOptedOut(channel, address) ? 'optOut' : null,
  });
  switch (channel) {
    case 'voice':
      return contact.phones.map((p, i) => mk(p.e164, i, p.kind));
    case 'sms':
      return contact.phones.filter((p) => p.canSms).map((p, i) => mk(p.e164, i, p.kind));
    case 'email':
      return contact.emails.map((e, i) => mk(emailKey(e.address), i, null));
    case 'whatsapp':
      return contact.whatsapp ? [mk(contact.whatsapp, 0, null)] : [];
    case 'telegram':
      return contact.telegramChatId ? [mk(contact.telegramChatId, 0, null)] : [];
    default: {
      const unexpected: never = channel;
      return unexpected;
    }
  }
}

export interface OptOutLookup {
  isOptedOut(channel: Channel, address: string): boolean;
}

/** Opt-out checks against the store, addresses already normalised (E.164, lower-case e-mail). */
export function optOutLookup(sqlite: Database.Database): OptOutLookup {
  const store = new OptOutStore(sqlite);
  return { isOptedOut: (channel, address) => store.has(channel, address) };
}

/** True when the contact has asked not to be contacted on this channel at all. */
export const isDoNotContact = (contact: Contact, channel: Channel): boolean => contact.doNotContact[channel];
