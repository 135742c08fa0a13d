// The audio tables: the queries the speech service runs on every call use their indexes,
// and deleting an asset takes its audio with it.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log';
import { openStore } from '../../src/store/db';

const plan = (sqlite: ReturnType<typeof openStore>['sqlite'], sql: string): string =>
  (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

describe('audio store', () => {
  it('finds cached audio, lists assets and reads blobs through indexes', () => {
    const store = openStore(':memory:', { logger: silentLogger() });
    try {
      expect(plan(store.sqlite, "SELECT * FROM audio_assets WHERE cache_key = 'k'")).toMatch(/USING INDEX audio_assets_cache_key_unique/);
      expect(plan(store.sqlite, "SELECT * FROM audio_assets WHERE kind = 'recording' ORDER BY created_at DESC LIMIT 100")).toMatch(
        /USING INDEX audio_assets_kind_created/,
      );
      expect(plan(store.sqlite, "SELECT * FROM audio_blobs WHERE asset_id = 'a'")).toMatch(
        /USING INDEX sqlite_autoindex_audio_blobs_1|USING PRIMARY KEY/,
      );
      expect(plan(store.sqlite, "SELECT * FROM audio_assets a JOIN audio_blobs b ON b.asset_id = a.id WHERE a.id = 'a'")).not.toMatch(
        /SCAN/,
      );
    } finally {
      store.close();
    }
  });

  it('deletes the audio with its asset and refuses audio without an asset', () => {
    const store = openStore(':memory:', { logger: silentLogger() });
    try {
      const s = store.sqlite;
      s.prepare(
        "INSERT INTO audio_assets (id, kind, sample_rate, duration_ms, preview_bytes, telephony_bytes) VALUES ('a', 'recording', 8000, 10, 1, 1)",
      ).run();
      s.prepare("INSERT INTO audio_blobs (asset_id, preview_wav, telephony_wav) VALUES ('a', x'00', x'00')").run();
      expect(() => s.prepare("INSERT INTO audio_blobs (asset_id, preview_wav, telephony_wav) VALUES ('nope', x'00', x'00')").run()).toThrow(
        /FOREIGN KEY/,
      );
      s.prepare("DELETE FROM audio_assets WHERE id = 'a'").run();
      expect(s.prepare('SELECT count(*) AS n FROM audio_blobs').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});
