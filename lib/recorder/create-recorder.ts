import { isSqlite, type MeterDb } from '@/db/database';
import type { CallRecorder, RecorderOptions } from './call-recorder';
import { PgRecorder } from './pg-recorder';
import { Recorder } from './recorder';

/** The recorder for `db`'s engine; on PostgreSQL it has read the journal's stored mark when this resolves. */
export async function createRecorder(db: MeterDb, options: RecorderOptions = {}): Promise<CallRecorder> {
  return isSqlite(db) ? new Recorder(db, options) : PgRecorder.open(db, options);
}
