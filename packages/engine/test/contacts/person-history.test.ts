// A person's history across alerts (the contact drawer's timeline) and the GDPR export: every
// alert that named the contact with each delivery and its events, their replies, opt-outs and
// changes to the record — and nothing about anyone else.
import { describe, expect, it } from 'vitest';
import { CampaignService } from '../../src/campaigns/service';
import { insertInboxMessage } from '../../src/store/inbox';
import { addTemplate } from '../campaigns/helpers';
import { testContext } from './helpers';

describe('a person’s personal-data export', () => {
  it('has every alert with its deliveries, the replies, opt-outs and record changes; the GDPR export carries them', async () => {
    const t = testContext();
    const g = t.groups.create({ name: 'Stab' });
    const asa = t.contacts.create({
      firstName: 'Åsa',
      lastName: 'Öberg',
      phones: [{ number: '0701234567' }],
      organisation: 'Kommunen',
      groupIds: [g.id],
    });
    const other = t.contacts.create({
      firstName: 'Bo',
      lastName: 'Ek',
      phones: [{ number: '0709876543' }],
      organisation: 'Kommunen',
      groupIds: [g.id],
    });
    t.contacts.update(asa.id, { role: 'Stabschef' });
    t.contacts.addOptOut('sms', '+46701234567', 'reply', null);
    const campaigns = new CampaignService(t.ctx, {});
    const tpl = addTemplate(t.store);
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
