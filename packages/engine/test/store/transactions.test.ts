// The store's transaction seam: change sets, nested steps, commit hooks and the one
// statement cache; and the change-set checker the domain tests rely on, shown to fail.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log';
import { openStore, type Store, type Tx } from '../../src/store/db';
import { expectExactChanges } from '../support/changes';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
const open = (): Store => {
  const s = openStore(':memory:', { logger: silentLogger() });
  stores.push(s);
  return s;
};

function addSetting(tx: Tx, key: string, value: string): void {
  tx.statements.get("INSERT INTO settings (key, value, updated_at) VALUES (?, json(?), '2026-01-01')").run(key, JSON.stringify(value));
  tx.changes.record('settings', [key], 'insert');
}

describe('store transactions', () => {
  it('hands committed change sets to the hooks after commit, and none for a rolled-back transaction', () => {
    const store = open();
    const seen: string[][] = [];
    store.afterCommit((cs) => seen.push(cs.all().map((c) => `${c.op} ${c.table} ${c.key.join('|')}`)));
    store.transaction((tx) => addSetting(tx, 'a', '1'));
    expect(() =>
      store.transaction((tx) => {
        addSetting(tx, 'b', '2');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(seen).toEqual([['insert settings a']]);
    expect(store.read.statements.get('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 1 });
  });

  it('joins a nested transaction to the outer one and forgets the changes of a nested step that threw', () => {
    const store = open();
    let recorded: string[] = [];
    store.afterCommit((cs) => (recorded = cs.net().map((c) => c.key.join('|'))));
    store.transaction((tx) => {
      addSetting(tx, 'kept', 'x');
      try {
        store.transaction((inner) => {
          expect(inner).toBe(tx);
          addSetting(inner, 'dropped', 'y');
          throw new Error('undo this step');
        });
      } catch {
        // the outer transaction goes on
      }
      store.transaction((inner) => addSetting(inner, 'nested', 'z'));
    });
    expect(recorded.sort()).toEqual(['kept', 'nested']);
    const keys = store.read.statements.pluck<[], string>('SELECT key FROM settings ORDER BY key').all();
    expect(keys).toEqual(['kept', 'nested']);
  });

  it('lands what a before-commit hook writes in the same commit, and rolls everything back when the hook throws', () => {
    const store = open();
    const stop = store.beforeCommit((tx) => {
      if (tx.changes.touches('settings') && !tx.changes.all().some((c) => c.key[0] === 'hooked')) addSetting(tx, 'hooked', 'h');
    });
    store.transaction((tx) => addSetting(tx, 'a', '1'));
    expect(store.read.statements.pluck('SELECT count(*) FROM settings').get()).toBe(2);
    stop();
    const failing = store.beforeCommit(() => {
      throw new Error('hook refused');
    });
    expect(() => store.transaction((tx) => addSetting(tx, 'b', '2'))).toThrow('hook refused');
    failing();
    expect(store.read.statements.pluck('SELECT count(*) FROM settings').get()).toBe(2);
  });

  it('prepares each SQL text once, and keeps pluck-mode statements apart', () => {
    const store = open();
    const sql = 'SELECT count(*) AS n FROM settings';
    expect(store.read.statements.get(sql)).toBe(store.read.statements.get(sql));
    expect(store.read.statements.pluck(sql)).not.toBe(store.read.statements.get(sql));
    expect(store.read.statements.get(sql).get()).toEqual({ n: 0 });
    expect(store.read.statements.pluck(sql).get()).toBe(0);
  });
});

describe('the change-set checker', () => {
  it('passes when the recorded rows are the changed rows', async () => {
    const store = open();
    const { changes } = await expectExactChanges(store, () => store.transaction((tx) => addSetting(tx, 'a', '1')));
    expect(changes).toEqual([{ table: 'settings', key: ['a'], op: 'insert' }]);
  });

  it('fails on a write that was not recorded', async () => {
    const store = open();
    await expect(
      expectExactChanges(store, () =>
        store.transaction((tx) => {
          addSetting(tx, 'a', '1');
          tx.statements.get("INSERT INTO settings (key, value, updated_at) VALUES ('sneaky', json('1'), 'x')").run();
        }),
      ),
    ).rejects.toThrow(/insert of settings sneaky was not recorded/);
  });

  it('fails on a recorded row that did not change, and on an update that changed more columns than recorded', async () => {
    const store = open();
    store.transaction((tx) => addSetting(tx, 'a', '1'));
    await expect(
      expectExactChanges(store, () => store.transaction((tx) => tx.changes.record('settings', ['a'], 'update'))),
    ).rejects.toThrow(/update of settings a was recorded but nothing changed/);
    await expect(
      expectExactChanges(store, () =>
        store.transaction((tx) => {
          tx.statements.get("UPDATE settings SET value = json('2'), updated_at = 'y' WHERE key = 'a'").run();
          tx.changes.record('settings', ['a'], 'update', ['value']);
        }),
      ),
    ).rejects.toThrow(/changed value, updated_at but recorded only value/);
  });
});
