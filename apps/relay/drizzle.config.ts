// drizzle-kit configuration: the relay's schema lives in src/store/schema.ts and the
// generated SQL migrations are committed under drizzle/. Never edit an applied migration.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './drizzle',
});
