// The bell lists what an operator must not miss, each linked to its page, read or unread per
// user: an alert held for network, a provider failing, an approval waiting, unhandled
// replies and a finished alert; and what is over (a decided approval, an alert finished long
// ago, a resolved health alert, handled replies) is not listed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignedInUser } from '@gdial/protocol';
import { heldChannelsSetting } from '../../src/campaigns/holds';
import { NotificationService } from '../../src/services/notifications';
import { writeSetting } from '../../src/store/settings';
import { addTemplate, makeEnv, type TestEnv } from '../campaigns/helpers';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const user = (id: string): SignedInUser => ({ id, username: id, displayName: id, role: 'operator', source: 'local' });

let env: TestEnv;
let me: SignedInUser | null;
let bell: NotificationService;

function campaign(name: string, status: string, fields: { finishedAt?: string; steps?: string[] } = {}): number {
  const templateId = addTemplate(env.store);
  const settings = { name, templateId, steps: (fields.steps ?? ['sms']).map((channel) => ({ channel })) };
  return (
    env.store.sqlite
      .prepare(
        `INSERT INTO campaigns (name, status, priority, template_id, settings, created_by, started_at, finished_at)
         VALUES (?, ?, 0, ?, ?, 'Test', '2026-03-02T10:00:00.000Z', ?) RETURNING id`,
      )
      .get(name, status, templateId, JSON.stringify(settings), fields.finishedAt ?? null) as { id: number }
  ).id;
}

function approval(campaignId: number, decision: string | null) {
  env.store.sqlite
    .prepare(
      `INSERT INTO campaign_approvals (campaign_id, reasons, requested_by_id, requested_by_name, requested_desktop, requested_at,
                                       recipients, deliveries, channels, max_cost_ore, currency, decision)
       VALUES (?, '["head-count"]', 'u-anna', 'Anna', 'Ledningscentralen', '2026-03-02T11:00:00.000Z', 120, 120, '["sms"]', 0, 'SEK', ?)`,
    )
    .run(campaignId, decision);
}

beforeEach(() => {
  env = makeEnv();
  me = user('u-bo');
  bell = new NotificationService(
    env.ctx,
    () => me,
    () => NOW,
  );
});
afterEach(() => env.close());

describe('the bell', () => {
  it('lists an alert held for network, a failing provider, an approval, unhandled replies and a finished alert, each with its page', () => {
    const held = campaign('Brand', 'running', { steps: ['voice', 'sms'] });
    campaign('Utan nät-problem', 'running', { steps: ['email'] });
    env.store.transaction((tx) =>
      writeSetting(tx, heldChannelsSetting, { sms: { since: NOW - 60_000, provider: 'twilio', message: '503' } }),
    );
    const s = env.store.sqlite;
    s.prepare(
      "INSERT INTO health_alerts (rule, subject, value, threshold, first_seen, last_seen) VALUES ('provider.errorRate', 'twilio', 80, 25, ?, ?)",
    ).run('2026-03-02T11:50:00.000Z', '2026-03-02T11:59:00.000Z');
    // Over: resolved and acknowledged; and a rule that is not about a path (disk space).
    s.prepare(
      "INSERT INTO health_alerts (rule, subject, value, threshold, first_seen, last_seen, resolved_at, acknowledged_at) VALUES ('provider.errorRate', 'elks', 80, 25, ?, ?, ?, ?)",
    ).run('2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T09:10:00.000Z', '2026-03-02T09:20:00.000Z');
    s.prepare(
      "INSERT INTO health_alerts (rule, subject, value, threshold, first_seen, last_seen) VALUES ('store.diskSpace', '', 100, 1024, ?, ?)",
    ).run('2026-03-02T11:00:00.000Z', '2026-03-02T11:00:00.000Z');
    const waiting = campaign('Stort larm', 'awaiting-approval');
    approval(waiting, null);
    approval(campaign('Beslutat', 'completed', { finishedAt: '2026-03-01T08:00:00.000Z' }), 'approved');
    const insertReply = s.prepare(
      "INSERT INTO inbox_messages (received_at, channel, from_address, text, handled) VALUES (?, 'sms', '+46701234567', ?, ?)",
    );
    insertReply.run('2026-03-02T11:30:00.000Z', 'Behöver hjälp', 0);
    insertReply.run('2026-03-02T11:40:00.000Z', 'Vi är två här', 0);
    insertReply.run('2026-03-02T11:45:00.000Z', 'ok', 1);
    const done = campaign('Vatten', 'completed', { finishedAt: '2026-03-02T11:55:00.000Z' });
    campaign('Förra veckan', 'completed', { finishedAt: '2026-02-20T11:55:00.000Z' });

    const { items, unread } = bell.list();
    expect(items.map((x) => [x.kind, x.link, x.campaignName, x.subject, x.count])).toEqual([
      ['held', `#/campaigns/${held}`, 'Brand', 'twilio', 0],
      ['finished', `#/campaigns/${done}/report`, 'Vatten', 'completed', 0],
      ['provider-down', '#/dashboard', null, 'twilio', 0],
      ['replies', '#/inbox', null, '', 2],
      ['approval', `#/campaigns/${waiting}`, 'Stort larm', 'Anna', 120],
    ]);
    expect(items[0]!.channels).toEqual(['sms']);
    expect(unread).toBe(5);
  });

  it('keeps read marks per user; a new reply is a new item, unread again', () => {
    const s = env.store.sqlite;
    const reply = s.prepare(
      "INSERT INTO inbox_messages (received_at, channel, from_address, text) VALUES (?, 'sms', '+46701234567', 'Hjälp')",
    );
    reply.run('2026-03-02T11:30:00.000Z');
    campaign('Vatten', 'completed', { finishedAt: '2026-03-02T11:55:00.000Z' });
    expect(bell.list().unread).toBe(2);

    const finished = bell.list().items.find((x) => x.kind === 'finished')!;
    expect(bell.markRead([finished.key])).toEqual({ marked: 1 });
    expect(bell.list()).toMatchObject({ unread: 1 });
    expect(bell.list().items.find((x) => x.kind === 'finished')!.read).toBe(true);

    // Another user on the same console has read nothing.
    me = user('u-anna');
    expect(bell.list().unread).toBe(2);
    expect(bell.markRead(undefined)).toEqual({ marked: 2 });
    expect(bell.list().unread).toBe(0);

    reply.run('2026-03-02T11:58:00.000Z');
    expect(
      bell
        .list()
        .items.filter((x) => !x.read)
        .map((x) => [x.kind, x.count]),
    ).toEqual([['replies', 2]]);
    me = user('u-bo');
    expect(bell.list().unread).toBe(1);
  });
});
