// The data migrations: steps of the numbered migration sequence written in TypeScript, for
// what SQL cannot do (a value only the engine's code computes). Each belongs to the SQL
// migration of the same tag in ../../../drizzle (a custom migration, `drizzle-kit generate
// --custom`, whose file says what the step does) and runs right after its SQL, in the
// same transaction, once: when a database is upgraded past it. Written against the schema
// of its own version, with its own queries.
import type Database from 'better-sqlite3-multiple-ciphers';
import { fillContactsSearchText } from './0013_contacts_search_text_fill';
import { countDeliverySegments } from './0031_delivery_segments';

export type DataMigration = (sqlite: Database.Database) => void;

export const dataMigrations: Readonly<Record<string, DataMigration>> = {
  '0013_contacts_search_text_fill': (sqlite) => void fillContactsSearchText(sqlite),
  '0031_delivery_segments': (sqlite) => void countDeliverySegments(sqlite),
};
