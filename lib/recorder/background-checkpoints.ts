import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's default auto-checkpoint, restored when the worker stops or fails. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** WAL frames (pages) past which the writer checkpoints itself: the worker has fallen behind. */
export const WAL_BACKSTOP_FRAMES = 16_384;

// Plain CommonJS so the worker runs without a TypeScript loader. Its own connection copies WAL
// frames back into the database file; PASSIVE never blocks the writer or the readers.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL'); // the writer's durability setting
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
`;

/**
 * Moves WAL checkpoints off the recorder's thread. With SQLite's automatic checkpoints, the commit
 * that crosses 1,000 WAL pages also copies them into the database file, and that copying was
 * over half of the recorder's time per row once indexes outgrow memory. Here the writer only
 * appends to the WAL and a worker thread checkpoints every 250 ms on the other core.
 *
 * A writer can outrun the worker (seeding 10M rows grew the WAL to 30 GB when the writer never
 * checkpointed), so past WAL_BACKSTOP_FRAMES the writer's own automatic checkpoint takes over
 * again: it slows the writer to the speed the database file can take, and it is what lets the WAL
 * start over. If the worker fails, automatic checkpoints return to SQLite's default.
 */
export class BackgroundCheckpoints {
  private worker: Worker | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    log: (message: string) => void,
    backstopFrames = WAL_BACKSTOP_FRAMES,
  ) {
    if (sqlite.memory) return;
    const driver = createRequire(path.join(process.cwd(), 'package.json')).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: sqlite.name, intervalMs: CHECKPOINT_INTERVAL_MS } });
    this.worker.unref();
    this.worker.on('error', (error) => {
      log(`recorder: background checkpoints stopped (${String(error)}); SQLite checkpoints automatically again`);
      this.stop();
    });
    sqlite.pragma(`wal_autocheckpoint = ${backstopFrames}`);
    // when the WAL starts over, a burst's WAL file is cut back to this size instead of staying on disk
    sqlite.pragma(`journal_size_limit = ${backstopFrames * Number(sqlite.pragma('page_size', { simple: true }))}`);
  }

  /** Stops the worker and hands checkpoints back to SQLite, checkpointing what is pending now. */
  stop(): void {
    if (!this.worker) return;
    void this.worker.terminate();
    this.worker = undefined;
    if (!this.sqlite.open) return;
    this.sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    try {
      this.sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // a database refusing work now will be checkpointed at its next commit or open
    }
  }
}
