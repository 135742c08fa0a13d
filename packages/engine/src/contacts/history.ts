// One person's history across alerts, for the contact drawer and the GDPR personal-data
// export: every alert that named them with each delivery and its timeline, their replies,
// opt-outs of their addresses and the audit entries about their record.
import type { Contact, PersonAlert, PersonHistory } from '@gdial/protocol';
import { auditEntriesAbout } from '../store/audit';
import type { Reader } from '../store/db';
import { deliveryReportsOf } from '../store/deliveries';
import { listInbox } from '../store/inbox';
import { optOutsOfAddresses } from '../store/opt-outs';
import { alertsOfContact } from '../store/person-history';
import { emailKey } from './model';

/** The addresses an opt-out of the person would be recorded under. */
export const addressesOf = (contact: Contact): string[] => [
  ...contact.phones.map((p) => p.e164),
  ...contact.emails.map((e) => emailKey(e.address)),
  ...(contact.whatsapp ? [contact.whatsapp] : []),
  ...(contact.telegramChatId ? [contact.telegramChatId] : []),
];

export function personAlerts(r: Reader, contactId: number): PersonAlert[] {
  const rows = alertsOfContact(r, contactId);
  const deliveries = deliveryReportsOf(
    r,
    rows.map((x) => x.recipient_id),
  );
  return rows.map((x) => ({
    campaignId: x.campaign_id,
    campaignName: x.campaign_name,
    testMode: x.test_group_id !== null,
    startedAt: x.started_at,
    outcome: x.outcome,
    confirmedAt: x.confirmed_at,
    confirmedVia: x.confirmed_via,
    deliveries: deliveries.get(x.recipient_id) ?? [],
  }));
}

export function personHistory(r: Reader, contact: Contact): PersonHistory {
  return {
    contactId: contact.id,
    alerts: personAlerts(r, contact.id),
    inbox: listInbox(r, { contactId: contact.id, limit: 10_000 }),
    optOuts: optOutsOfAddresses(r, addressesOf(contact)),
    audit: auditEntriesAbout(r, 'contact', contact.id),
  };
}
