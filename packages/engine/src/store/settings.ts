// Typed access to the settings table. Each setting has a zod schema and a default, so a
// value written by an older version that no longer parses falls back instead of crashing.
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Reader, Tx } from './db';
import { settings } from './schema';

export interface SettingDef<T> {
  key: string;
  schema: z.ZodType<T>;
  fallback: T;
}

export function readSetting<T>(from: Reader | Db, def: SettingDef<T>): T {
  const db = 'statements' in from ? from.db : from;
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, def.key)).get();
  if (!row) return def.fallback;
  const parsed = def.schema.safeParse(row.value);
  return parsed.success ? parsed.data : def.fallback;
}

/** Pass the transaction (the change is recorded); a bare handle only while callers move to it. */
export function writeSetting<T>(target: Tx | Db, def: SettingDef<T>, value: T): void {
  const tx = 'changes' in target ? target : null;
  const db = tx ? tx.db : (target as Db);
  const v = def.schema.parse(value);
  const existed = db.select({ key: settings.key }).from(settings).where(eq(settings.key, def.key)).get() !== undefined;
  const updatedAt = new Date().toISOString();
  db.insert(settings)
    .values({ key: def.key, value: v, updatedAt })
    .onConflictDoUpdate({ target: settings.key, set: { value: v, updatedAt } })
    .run();
  tx?.changes.record('settings', [def.key], existed ? 'update' : 'insert');
}

export function deleteSetting(target: Tx | Db, def: Pick<SettingDef<unknown>, 'key'>): void {
  const tx = 'changes' in target ? target : null;
  const db = tx ? tx.db : (target as Db);
  const gone = db.delete(settings).where(eq(settings.key, def.key)).returning({ key: settings.key }).all();
  if (gone.length > 0) tx?.changes.record('settings', [def.key], 'delete');
}

/** A setting's stored value as JSON, whatever its schema (organisation sync copies it as it is); undefined when unset. */
export function readSettingValue(r: Reader, key: string): unknown {
  return r.db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value;
}

export function storeSettingValue(tx: Tx, key: string, value: unknown): void {
  const existed = readSettingValue(tx, key) !== undefined;
  const updatedAt = new Date().toISOString();
  tx.db.insert(settings).values({ key, value, updatedAt }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt } }).run();
  tx.changes.record('settings', [key], existed ? 'update' : 'insert');
}

export function removeSettingValue(tx: Tx, key: string): void {
  deleteSetting(tx, { key });
}
