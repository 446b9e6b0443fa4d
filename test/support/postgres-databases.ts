// Fresh migrated databases on one throwaway cluster per test file: registers the cluster's start
// and stop with the calling suite (node:test's before/after), and closes every pool it opened.
import { after, before } from 'node:test';
import { openPostgres, type PostgresDatabase } from '@/db/client-pg';
import { startPostgres, type TestPostgres } from './postgres';

export interface FreshOptions {
  /** Connections per pool. */
  max?: number;
  /** The CREATE DATABASE statement for `name`, when the default one will not do (a collation, say). */
  create?: (name: string) => string;
  /** Reach the database through this port instead of the cluster's (a relay that can be cut). */
  port?: number;
  /** Session settings every connection to the database starts with (`ALTER DATABASE … SET name TO value`). */
  settings?: Record<string, string>;
}

export interface PostgresDatabases {
  /** The cluster; defined once the suite's before() ran. */
  readonly cluster: TestPostgres;
  /** A fresh database, migrated, with `pools` pools on it (one per replica); the URL reaches it directly. */
  fresh(pools?: number, options?: FreshOptions): Promise<{ pools: PostgresDatabase[]; url: string }>;
}

export function usePostgresDatabases(prefix: string): PostgresDatabases {
  let cluster: TestPostgres | undefined;
  const opened: PostgresDatabase[] = [];
  let databases = 0;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    for (const database of opened) await database.close();
    await cluster?.stop();
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the cluster starts in the suite\'s before()');
      return cluster;
    },
    async fresh(pools = 1, { max = 3, create, port, settings = {} }: FreshOptions = {}) {
      const { url: adminUrl, port: clusterPort } = this.cluster;
      const name = `${prefix}_${++databases}`;
      const admin = openPostgres(adminUrl, { max: 1 });
      await admin.pool.query(create ? create(name) : `CREATE DATABASE ${name}`);
      for (const [setting, value] of Object.entries(settings)) await admin.pool.query(`ALTER DATABASE ${name} SET ${setting} TO ${value}`);
      await admin.close();
      const url = adminUrl.replace(/\/postgres$/, `/${name}`);
      const reach = port ? url.replace(`:${clusterPort}/`, `:${port}/`) : url;
      const out = Array.from({ length: pools }, () => openPostgres(reach, { max }));
      opened.push(...out);
      await out[0]!.migrate();
      return { pools: out, url };
    },
  };
}
