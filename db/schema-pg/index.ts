// PostgreSQL twin of db/schema (SQLite): the same tables, column names, primary keys and indexes,
// declared with drizzle-orm/pg-core. test/unit/postgres-schema-parity.test.ts fails when the two
// trees differ; docs/postgres.md says which types differ and why.
export * from './requests';
export * from './prices';
export * from './api-keys';
export * from './rollups';
export * from './access';
export * from './maintenance';
export * from './budgets';
export * from './recorded-batches';
