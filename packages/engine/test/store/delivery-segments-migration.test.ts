// Migration 0031: the delivery tallies are keyed on each delivery's SMS segments instead of
// its text. A database written by the schema before it, with deliveries of every kind (SMS of
// one and two GSM-7 segments, UCS-2, an erased SMS without text, a call, an e-mail), opened by
// this version: every SMS delivery gets the segments of its text, the others 0, and the
// tallies equal a recount from the deliveries; the triggers keep them so afterwards.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { smsSegments } from '@gdial/protocol';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log';
import { deliveryTallies, rebuildDeliveryTallies } from '../../src/store/analytics';
import { defaultMigrationsDir, loadMigrations, openStore } from '../../src/store/db';
import { addTemplate } from '../campaigns/helpers';

const TAG = '0031_delivery_segments';
const TWO = `${'Larm från kommunen. '.repeat(8)}Svara 1.`;
const SENDS: { channel: string; body: string | null; sent: boolean; want: number }[] = [
  { channel: 'sms', body: 'Hej Anna! Svara 1.', sent: true, want: 1 },
  { channel: 'sms', body: 'Hej Bo! Svara 1.', sent: false, want: 1 },
  { channel: 'sms', body: TWO, sent: true, want: 2 },
  { channel: 'sms', body: 'Hej Åsa 👋 svara 1', sent: true, want: 1 },
  { channel: 'sms', body: null, sent: true, want: 0 },
  { channel: 'voice', body: TWO, sent: true, want: 0 },
  { channel: 'email', body: 'Hej', sent: false, want: 0 },
];

describe('migration 0031 (delivery segments)', () => {
  it('counts the segments of the deliveries stored before and their tallies afresh', () => {
    expect(loadMigrations().find((m) => m.tag === TAG)?.data).toBeDefined();
    expect(smsSegments(TWO).segments).toBe(2);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-migration-'));
    try {
      const before = loadMigrations().findIndex((m) => m.tag === TAG);
      const previous = path.join(dir, 'drizzle');
      cpSync(defaultMigrationsDir(), previous, { recursive: true });
      const journalFile = path.join(previous, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number }[] };
      journal.entries = journal.entries.filter((e) => e.idx < before);
      writeFileSync(journalFile, JSON.stringify(journal));

      const file = path.join(dir, 'gdial.db');
      const old = openStore(file, { logger: silentLogger(), migrationsDir: previous });
      expect(old.schemaVersion).toBe(before);
      const s = old.sqlite;
      const campaign = s
        .prepare(
          `INSERT INTO campaigns (name, status, priority, template_id, settings, created_by, started_at)
           VALUES ('Brand', 'completed', 0, ?, '{}', 'Test', '2026-03-02T08:00:00.000Z') RETURNING id`,
        )
        .pluck()
        .get(addTemplate(old)) as number;
      const recipient = s
        .prepare(
          `INSERT INTO campaign_recipients (campaign_id, display_name, language, outcome) VALUES (?, 'A', 'sv', 'reached') RETURNING id`,
        )
        .pluck()
        .get(campaign) as number;
      SENDS.forEach((d, k) =>
        s
          .prepare(
            `INSERT INTO deliveries (campaign_id, recipient_id, step_index, channel, address, token, state, priority, wait_seconds, condition,
                                     fall_through, provider, sent_at, body)
             VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 'not-confirmed', 0, 'twilio', ?, ?)`,
          )
          .run(
            campaign,
            recipient,
            k,
            d.channel,
            `+4670400000${k}`,
            `t${k}`,
            d.sent ? 'sent' : 'queued',
            d.sent ? 1_700_000_000_000 : null,
            d.body,
          ),
      );
      old.close();

      const store = openStore(file, { logger: silentLogger() });
      try {
        expect(store.schemaVersion).toBe(loadMigrations().length);
        const rows = store.sqlite.prepare('SELECT segments FROM deliveries ORDER BY id').pluck().all();
        expect(rows).toEqual(SENDS.map((d) => d.want));
        const kept = deliveryTallies(store.read);
        expect(kept.filter((t) => t.channel === 'sms').map((t) => [t.segments, t.handed_over, t.n])).toEqual([
          [1, 0, 1],
          [0, 1, 1],
          [1, 1, 2],
          [2, 1, 1],
        ]);
        store.transaction((tx) => rebuildDeliveryTallies(tx));
        expect(deliveryTallies(store.read)).toEqual(kept);
        // From now on the triggers keep them: the queued SMS handed over joins its group.
        store.sqlite.prepare("UPDATE deliveries SET state = 'sent', sent_at = 1 WHERE token = 't1'").run();
        expect(deliveryTallies(store.read).find((t) => t.channel === 'sms' && t.segments === 1)?.n).toBe(3);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
