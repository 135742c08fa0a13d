// Typed access to the settings table. Each setting has a zod schema and a default, so a
// value written by an older version that no longer parses falls back instead of crashing.
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from './db';
import { settings } from './schema';

export interface SettingDef<T> {
  key: string;
  schema: z.ZodType<T>;
  fallback: T;
}

export function readSetting<T>(db: Db, def: SettingDef<T>): T {
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, def.key)).get();
  if (!row) return def.fallback;
  const parsed = def.schema.safeParse(row.value);
  return parsed.success ? parsed.data : def.fallback;
}

export function writeSetting<T>(db: Db, def: SettingDef<T>, value: T): void {
  const v = def.schema.parse(value);
  const updatedAt = new Date().toISOString();
  db.insert(settings)
    .values({ key: def.key, value: v, updatedAt })
    .onConflictDoUpdate({ target: settings.key, set: { value: v, updatedAt } })
    .run();
}

export function deleteSetting(db: Db, def: Pick<SettingDef<unknown>, 'key'>): void {
  db.delete(settings).where(eq(settings.key, def.key)).run();
}
