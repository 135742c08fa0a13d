// Bekräftad per telefon: an operator marks a person confirmed after calling them. It counts as
// a confirmation (outcome, time, how), ends the person's further attempts, leaves everyone
// else alone, is audited with the note and who did it, and is refused without a note, twice
// for the same person, or for a person of another alert.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfirmedVia } from '@gdial/protocol';
import { confirmByPhone } from '../../src/campaigns/phone-confirm';
import { CampaignService } from '../../src/campaigns/service';
import { DomainError } from '../../src/errors';
import { addContact, addGroup, addTemplate, makeEnv, type TestEnv } from './helpers';

let env: TestEnv;
let service: CampaignService;
let campaignId: number;
let recipients: { id: number; display_name: string }[];

beforeEach(() => {
  env = makeEnv();
  service = new CampaignService(env.ctx, {});
  const g = addGroup(env.store, 'Räddning');
  addContact(env.store, { name: 'Anna Ek', phones: ['+46704123400'], emails: ['anna@example.se'], groups: [g] });
  addContact(env.store, { name: 'Bo Ström', phones: ['+46704123401'], emails: ['bo@example.se'], groups: [g] });
  const c = service.create({
    name: 'Brand',
    templateId: addTemplate(env.store),
    audience: { groupIds: [g] },
    steps: [{ channel: 'sms' }, { channel: 'email', waitSeconds: 300 }],
  });
  campaignId = c.id;
  service.start(c.id);
  recipients = env.store.sqlite.prepare('SELECT id, display_name FROM campaign_recipients ORDER BY id').all() as typeof recipients;
});
afterEach(async () => {
  await service.close();
  env.close();
});

const refusalOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? e.refusal?.code : String(e);
  }
  return null;
};
const confirm = (recipientId: number, note: string, id = campaignId) =>
  env.store.transaction((tx) =>
    confirmByPhone(tx, { campaignId: id, recipientId, note }, 'Karin Lind', Date.parse('2026-12-07T12:10:00Z')),
  );

describe('bekräftad per telefon', () => {
  it('confirms the person with who and the note, and ends their further attempts', () => {
    const anna = recipients[0]!;
    const r = confirm(anna.id, '  Nådd på hemnumret, kommer  ');
    expect(r.confirmedAt).toBe('2026-12-07T12:10:00.000Z');
    expect(parseConfirmedVia(r.confirmedVia)).toEqual({ how: 'phone', by: 'Karin Lind', note: 'Nådd på hemnumret, kommer' });
    const row = env.store.sqlite.prepare('SELECT outcome, confirmed_at, confirmed_via FROM campaign_recipients WHERE id = ?').get(anna.id);
    expect(row).toEqual({ outcome: 'confirmed', confirmed_at: r.confirmedAt, confirmed_via: r.confirmedVia });
    const states = (rid: number) =>
      (
        env.store.sqlite.prepare('SELECT state FROM deliveries WHERE recipient_id = ? ORDER BY step_index').all(rid) as { state: string }[]
      ).map((d) => d.state);
    // Nothing more goes to Anna; Bo's alert goes on.
    expect(states(anna.id).every((s) => s === 'skipped' || s === 'sending' || s === 'sent')).toBe(true);
    expect(states(anna.id)).toContain('skipped');
    expect(states(recipients[1]!.id)).not.toContain('skipped');
    expect(env.store.sqlite.prepare('SELECT outcome FROM campaign_recipients WHERE id = ?').get(recipients[1]!.id)).not.toEqual({
      outcome: 'confirmed',
    });
  });

  it('is audited with the person, the note and the signed-in operator', () => {
    confirm(recipients[1]!.id, 'Ringde mobilen');
    const audit = env.store.sqlite
      .prepare("SELECT actor, subject_id, params FROM audit_log WHERE action = 'campaign.confirmedByPhone'")
      .all() as { actor: string; subject_id: string; params: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('Karin Lind');
    expect(audit[0]!.subject_id).toBe(String(campaignId));
    expect(JSON.parse(audit[0]!.params)).toEqual({ name: 'Brand', person: 'Bo Ström', note: 'Ringde mobilen' });
  });

  it('refuses without a note, twice, or for someone not in the alert, and writes nothing then', () => {
    const anna = recipients[0]!;
    expect(refusalOf(() => confirm(anna.id, '   '))).toBe('recipient.note-required');
    expect(env.store.sqlite.prepare('SELECT outcome FROM campaign_recipients WHERE id = ?').get(anna.id)).not.toEqual({
      outcome: 'confirmed',
    });
    confirm(anna.id, 'Nådd');
    expect(refusalOf(() => confirm(anna.id, 'Igen'))).toBe('recipient.already-confirmed');
    expect(refusalOf(() => confirm(anna.id, 'Fel larm', campaignId + 1))).toBe('not-found');
    expect(refusalOf(() => confirm(9999, 'Ingen'))).toBe('not-found');
    expect(env.store.sqlite.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'campaign.confirmedByPhone'").get()).toEqual({
      n: 1,
    });
  });
});
