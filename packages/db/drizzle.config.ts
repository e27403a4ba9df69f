import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and committed; they run unchanged on PostgreSQL and PGlite.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
  casing: 'snake_case',
});
