// A person's history across alerts (the contact drawer's timeline) and the GDPR export: every
// alert that named the contact with each delivery and its events, their replies, opt-outs and
// changes to the record — and nothing about anyone else.
import { describe, expect, it } from 'vitest';
import { CampaignService } from '../../src/campaigns/service';
import { addDeliveryEvent } from '../../src/store/deliveries';
import { insertInboxMessage } from '../../src/store/inbox';
import { addTemplate } from '../campaigns/helpers';
import { testContext } from './helpers';

/** Åsa and Bo, both in one group (the other's data must never show in Åsa's), and a way to alert them. */
function twoPeople(groupName: string) {
  const t = testContext();
  const g = t.groups.create({ name: groupName });
  const person = (firstName: string, lastName: string, number: string) =>
    t.contacts.create({ firstName, lastName, phones: [{ number }], organisation: 'Kommunen', groupIds: [g.id] });
  const asa = person('Åsa', 'Öberg', '0701234567');
  const bo = person('Bo', 'Ek', '0709876543');
  return { t, g, asa, bo, campaigns: new CampaignService(t.ctx, {}), tpl: addTemplate(t.store) };
}

describe('a person’s personal-data export', () => {
  it('has every alert with its deliveries, the replies, opt-outs and record changes; the GDPR export carries them', async () => {
    const { t, g, asa, bo: other, campaigns, tpl } = twoPeople('Stab');
    t.contacts.update(asa.id, { role: 'Stabschef' });
    t.contacts.addOptOut('sms', '+46701234567', 'reply', null);
    const ids: number[] = [];
    for (const name of ['Brand', 'Översvämning']) {
      const c = campaigns.create({ name, templateId: tpl, audience: { groupIds: [g.id] }, steps: [{ channel: 'voice' }] });
      campaigns.start(c.id);
      ids.push(c.id);
    }
    const recipient = t.store.sqlite
      .prepare('SELECT id FROM campaign_recipients WHERE contact_id = ? AND campaign_id = ?')
      .get(asa.id, ids[0]) as {
      id: number;
    };
    t.store.transaction((tx) =>
      insertInboxMessage(tx, {
        eventKey: 'in-1',
        receivedAt: '2026-12-07T12:00:00.000Z',
        channel: 'sms',
        from: '+46701234567',
        text: 'Jag är sjuk',
        campaignId: ids[0]!,
        recipientId: recipient.id,
        contactId: asa.id,
      }),
    );

    const h = t.contacts.exportPersonalData(asa.id);
    expect(h.alerts.map((a) => a.campaignName).sort()).toEqual(['Brand', 'Översvämning']);
    for (const a of h.alerts) {
      expect(a.deliveries).toHaveLength(1);
      expect(a.deliveries[0]).toMatchObject({ channel: 'voice', address: '+46701234567' });
      expect(a.deliveries[0]!.state).toBe('queued');
    }
    expect(h.inbox.map((m) => m.text)).toEqual(['Jag är sjuk']);
    expect(h.optOuts).toMatchObject([{ channel: 'sms', address: '+46701234567' }]);
    expect(h.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['contact.created', 'contact.updated']));

    expect(JSON.stringify(h)).not.toContain('+46709876543');
    expect(t.contacts.exportPersonalData(other.id).inbox).toEqual([]);
    await campaigns.close();
  });
});

describe('a person’s timeline (the contact drawer’s Historik)', () => {
  it('merges the alert, each attempt with its failure code, the confirmation, replies, opt-outs and record changes, newest first', async () => {
    const { t, g, asa, bo, campaigns, tpl } = twoPeople('Räddning');
    const c = campaigns.create({ name: 'Brand', templateId: tpl, audience: { groupIds: [g.id] }, steps: [{ channel: 'sms' }] });
    campaigns.start(c.id);
    const row = (contactId: number) =>
      t.store.sqlite
        .prepare(
          'SELECT r.id AS rid, d.id AS did FROM campaign_recipients r JOIN deliveries d ON d.recipient_id = r.id WHERE r.contact_id = ?',
        )
        .get(contactId) as { rid: number; did: number };
    const mine = row(asa.id);
    const theirs = row(bo.id);
    const at = (s: string) => Date.parse(`2026-12-07T12:00:${s}.000Z`);
    t.store.transaction((tx) => {
      addDeliveryEvent(tx, mine.did, at('01'), 'sent', null);
      addDeliveryEvent(tx, mine.did, at('05'), 'failed', 'twilio: invalid-recipient: Unreachable destination handset');
      addDeliveryEvent(tx, theirs.did, at('02'), 'sent', 'Bo:s händelse');
    });
    t.store.sqlite
      .prepare(
        "UPDATE deliveries SET state = 'failed', provider = 'twilio', error_code = '30003', error = 'Unreachable destination handset' WHERE id = ?",
      )
      .run(mine.did);
    t.store.sqlite
      .prepare("UPDATE campaign_recipients SET outcome = 'confirmed', confirmed_at = ?, confirmed_via = 'phone:x' WHERE id = ?")
      .run('2026-12-07T12:00:09.000Z', mine.rid);
    t.store.transaction((tx) =>
      insertInboxMessage(tx, {
        eventKey: 'in-1',
        receivedAt: '2026-12-07T12:00:07.000Z',
        channel: 'sms',
        from: '+46701234567',
        text: 'Jag kommer',
        campaignId: c.id,
        recipientId: mine.rid,
        contactId: asa.id,
      }),
    );

    const h = t.contacts.history(asa.id, 100);
    const kinds = h.entries.map((e) => (e.kind === 'attempt' ? `attempt:${e.event}` : e.kind));
    // The confirmation (12:00:09) comes before the reply (12:00:07), the failure (05) and the hand-over (01).
    expect(kinds.indexOf('confirmed')).toBeLessThan(kinds.indexOf('reply'));
    expect(kinds.indexOf('reply')).toBeLessThan(kinds.indexOf('attempt:failed'));
    expect(kinds.indexOf('attempt:failed')).toBeLessThan(kinds.indexOf('attempt:sent'));
    const times = h.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(h.entries.find((e) => e.kind === 'attempt' && e.event === 'failed')).toMatchObject({
      campaignName: 'Brand',
      channel: 'sms',
      address: '+46701234567',
      provider: 'twilio',
      errorCode: '30003',
      error: 'Unreachable destination handset',
    });
    // Only the failure that ended the delivery carries its code; the hand-over does not.
    expect(h.entries.find((e) => e.kind === 'attempt' && e.event === 'sent')).toMatchObject({ errorCode: null, error: null });
    expect(h.entries.find((e) => e.kind === 'alert')).toMatchObject({ campaignId: c.id, campaignName: 'Brand', testMode: false });
    expect(h.entries.find((e) => e.kind === 'confirmed')).toMatchObject({ campaignName: 'Brand', via: 'phone:x' });
    expect(h.entries.find((e) => e.kind === 'reply')).toMatchObject({ text: 'Jag kommer', campaignName: 'Brand', handled: false });
    expect(h.entries.filter((e) => e.kind === 'record').map((e) => e.kind === 'record' && e.action)).toContain('contact.created');
    expect(h.total).toBe(h.entries.length);

    // Bo's delivery, address and event are nowhere in Åsa's timeline.
    const text = JSON.stringify(h);
    expect(text).not.toContain('+46709876543');
    expect(text).not.toContain('Bo:s händelse');
    expect(t.contacts.history(bo.id, 100).entries.some((e) => e.kind === 'reply')).toBe(false);

    // An opt-out of one of her addresses shows; the cap keeps the newest and says how many there are.
    t.contacts.addOptOut('sms', '+46701234567', 'operator', null);
    const capped = t.contacts.history(asa.id, 2);
    expect(capped.entries).toHaveLength(2);
    expect(capped.total).toBe(h.total + 1);
    expect(capped.entries.map((e) => e.kind)).toContain('opt-out');
    await campaigns.close();
  });
});
