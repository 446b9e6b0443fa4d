// `npx tsx scripts/postgres-for-tests.ts [--migrate]`: starts a throwaway PostgreSQL cluster
// (test/support/postgres.ts), prints its URL, optionally applies db/migrations-pg, and removes it
// all on Ctrl-C. For poking at the PostgreSQL schema by hand: psql "<url>".
import { openPostgres } from '@/db/client-pg';
import { startPostgres } from '../test/support/postgres';

async function main(): Promise<void> {
  const began = performance.now();
  const cluster = await startPostgres();
  console.log(`PostgreSQL up in ${Math.round(performance.now() - began)} ms: ${cluster.url}`);
  if (process.argv.includes('--migrate')) {
    const database = openPostgres(cluster.url, { max: 1 });
    await database.migrate();
    await database.close();
    console.log('db/migrations-pg applied');
  }
  console.log('Ctrl-C stops it and deletes its directory.');
  setInterval(() => {}, 1 << 30); // run until a signal; test/support/postgres.ts stops the cluster on it
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
