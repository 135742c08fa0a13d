// One person's history across alerts, for the contact drawer and the GDPR personal-data
// export: every alert that named them with each delivery and its timeline, their replies,
// opt-outs of their addresses and the audit entries about their record.
import type { Contact, PersonAlert, PersonHistory, PersonTimeline, PersonTimelineEntry } from '@gdial/protocol';
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

/**
 * The history as one timeline, newest first: the alert's start for the person, every event of
 * each of their deliveries, their confirmation, replies, opt-outs and changes to the record.
 * Entries at the same instant keep the order they happened in (reversed, as the list is).
 */
export function personTimeline(h: PersonHistory, limit: number): PersonTimeline {
  const entries: PersonTimelineEntry[] = [];
  const names = new Map(h.alerts.map((a) => [a.campaignId, a.campaignName]));
  for (const a of h.alerts) {
    const alert = { campaignId: a.campaignId, campaignName: a.campaignName };
    if (a.startedAt) entries.push({ kind: 'alert', at: a.startedAt, ...alert, testMode: a.testMode, outcome: a.outcome });
    for (const d of a.deliveries) {
      // A failed delivery's code and reason go with its last event: the provider's status or the
      // engine's own "failed" that ended it.
      d.events.forEach((e, i) => {
        const failure = d.state === 'failed' && i === d.events.length - 1;
        entries.push({
          kind: 'attempt',
          at: e.at,
          ...alert,
          deliveryId: d.id,
          stepIndex: d.stepIndex,
          channel: d.channel,
          address: d.address,
          provider: d.provider ?? null,
          event: e.kind,
          detail: e.detail,
          errorCode: failure ? (d.errorCode ?? null) : null,
          error: failure ? d.error : null,
        });
      });
    }
    if (a.confirmedAt) entries.push({ kind: 'confirmed', at: a.confirmedAt, ...alert, via: a.confirmedVia });
  }
  for (const m of h.inbox)
    entries.push({
      kind: 'reply',
      at: m.receivedAt,
      campaignId: m.campaignId,
      campaignName: m.campaignName ?? (m.campaignId === null ? null : (names.get(m.campaignId) ?? null)),
      channel: m.channel,
      text: m.text,
      handled: m.handled,
      handledBy: m.handledBy,
    });
  for (const o of h.optOuts)
    entries.push({
      kind: 'opt-out',
      at: o.createdAt,
      campaignId: null,
      campaignName: null,
      channel: o.channel,
      address: o.address,
      source: o.source,
    });
  for (const e of h.audit)
    entries.push({
      kind: 'record',
      at: e.at,
      campaignId: null,
      campaignName: null,
      action: e.action,
      actor: e.actor,
      summary: e.summary,
      params: e.params,
    });
  const ordered = entries
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => b.t - a.t || b.i - a.i)
    .map((x) => x.e);
  return { contactId: h.contactId, entries: ordered.slice(0, limit), total: ordered.length };
}
