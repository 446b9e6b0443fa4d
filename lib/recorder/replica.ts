import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { segmentNumbers, segmentPath } from './journal';

/**
 * Which Meter process this is, among replicas sharing one database: by default its host name and
 * port, so two replicas started from one install on different ports never share a journal, and a
 * restarted replica finds its own again. Containers whose host name changes at each start should
 * set METER_REPLICA_ID (a StatefulSet's pod name, say) so a restart replays what the last run left.
 */
export function replicaId(configured: string | undefined, port: number): string {
  return configured ?? `${os.hostname()}-${port}`;
}

/** The replica id as a file-name part: letters, digits, dot, dash and underscore only. */
export function replicaFilePart(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
}

/** The journal's path prefix for a replica: `meter.db.calls.<replica>-000001.jsonl` beside the database. */
export function replicaJournalBase(dbFile: string, id: string): string {
  return `${dbFile}.calls.${replicaFilePart(id)}`;
}

/**
 * What a journal is named after: the SQLite file itself, or on PostgreSQL `postgres-<host>-<port>-<database>`
 * in the data directory, so one data directory serving two databases never mixes their calls.
 */
export function journalDatabaseName(databaseUrl: string, dataDir: string, dbFile: string | undefined): string {
  if (dbFile) return dbFile;
  const url = new URL(databaseUrl);
  return path.join(dataDir, replicaFilePart(`postgres-${url.hostname}-${url.port || '5432'}-${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}`));
}

/**
 * Segments of the journal every process shared before journals were named per replica
 * (`meter.db.calls-000001.jsonl`) move under this replica's name, numbers kept, when this replica
 * has no journal of its own yet: the first replica started after the upgrade takes them and
 * replays them (a record is written at most once either way, by its record id). Returns the
 * legacy journal's name when anything moved, so its mark in the database can move too.
 */
export function adoptLegacyJournal(dbFile: string, base: string): string | undefined {
  const legacy = `${dbFile}.calls`;
  if (segmentNumbers(base).length) return undefined;
  let moved = false;
  for (const n of segmentNumbers(legacy)) {
    try {
      fs.renameSync(segmentPath(legacy, n), segmentPath(base, n));
      moved = true;
    } catch (error) {
      // another replica starting at the same moment took it
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return moved ? path.basename(legacy) : undefined;
}
