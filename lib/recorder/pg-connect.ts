import type pg from 'pg';

const ignore = () => {};

/**
 * A client from the pool that survives its connection dying while checked out: pg then rejects the
 * query in progress and also emits 'error' on the client, which the pool listens for only on idle
 * clients, so without a listener a database restart mid-batch would crash the process.
 * `release(broken)` hands it back (broken: destroyed instead of reused).
 */
export async function connectPg(pool: pg.Pool): Promise<{ client: pg.PoolClient; release(broken?: boolean): void }> {
  const client = await pool.connect();
  client.on('error', ignore);
  return {
    client,
    release(broken = false) {
      client.off('error', ignore);
      client.release(broken);
    },
  };
}
