import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/store/schema and committed; never edit an applied one.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/schema/*.ts',
  out: './drizzle',
});
