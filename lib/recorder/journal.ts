import fs from 'node:fs';
import path from 'node:path';

/** A place in the journal: byte `offset` of segment number `segment`. */
export interface JournalPosition {
  segment: number;
  offset: number;
}

export interface JournalLine {
  text: string;
  end: JournalPosition;
}

export interface JournalOptions {
  /** fsync the open segment this often; 0 leaves it to the OS (appends survive a process kill). */
  fsyncMs?: number;
  /** A segment is closed and a new one started past this size. */
  segmentBytes?: number;
  log?: (message: string) => void;
}

const SEGMENT_BYTES = 8 * 1024 * 1024;
const RESERVE_BYTES = 4 * 1024 * 1024;
const READ_BYTES = 1024 * 1024;
const FILE_MODE = 0o600;

/** Segment `segment` of the journal whose files start with `base`. */
export function segmentPath(base: string, segment: number): string {
  return `${base}-${String(segment).padStart(6, '0')}.jsonl`;
}

/** The segment numbers on disk of the journal whose files start with `base`, oldest first. */
export function segmentNumbers(base: string): number[] {
  const dir = path.dirname(base);
  const prefix = `${path.basename(base)}-`;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && /^\d{6,}\.jsonl$/.test(f.slice(prefix.length)))
    .map((f) => Number(f.slice(prefix.length, -'.jsonl'.length)))
    .sort((a, b) => a - b);
}

export const samePosition = (a: JournalPosition, b: JournalPosition) => a.segment === b.segment && a.offset === b.offset;

/**
 * The call journal: one JSON line per completed call, appended before the call is queued for the
 * database, in numbered segment files named after the database (`meter.db.calls-000001.jsonl`).
 * Plain appends: a line is in the OS's hands when append() returns, so it survives the process
 * being killed. A reserve file is kept beside it and given up when the disk fills, so the lines of
 * a full disk still have somewhere to go.
 */
export class CallJournal {
  private fd: number | undefined;
  private segment = 0;
  private size = 0;
  private readonly fsyncTimer: NodeJS.Timeout | undefined;
  private readonly segmentBytes: number;
  private readonly log: (message: string) => void;

  constructor(
    /** Path prefix of every journal file, e.g. `/data/meter.db.calls`. */
    readonly base: string,
    options: JournalOptions = {},
  ) {
    this.log = options.log ?? ((m) => console.error(m));
    this.segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
    fs.mkdirSync(path.dirname(base), { recursive: true, mode: 0o700 });
    // Never append to a segment an earlier run left: its tail may be a torn line.
    this.segment = Math.max(0, ...this.segments());
    this.openNext();
    this.keepReserve();
    if (options.fsyncMs) this.fsyncTimer = setInterval(() => this.sync(), options.fsyncMs).unref();
  }

  get name(): string {
    return path.basename(this.base);
  }

  segmentFile(segment: number): string {
    return segmentPath(this.base, segment);
  }

  get badFile(): string {
    return `${this.base}.bad.jsonl`;
  }

  /** Segment numbers on disk, oldest first. */
  segments(): number[] {
    return segmentNumbers(this.base);
  }

  /** Where the next line will start. */
  get end(): JournalPosition {
    return { segment: this.segment, offset: this.size };
  }

  /** Appends one line (no newline inside); its start and end, or undefined when the disk refused it. */
  append(line: string): { start: JournalPosition; end: JournalPosition } | undefined {
    const bytes = Buffer.from(`${line}\n`);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (this.fd === undefined && !this.openNext()) continue;
      const start = this.end;
      try {
        const written = fs.writeSync(this.fd!, bytes);
        this.size += written;
        if (written === bytes.length) {
          const end = this.end;
          if (this.size >= this.segmentBytes) this.openNext();
          return { start, end };
        }
        this.abandonSegment(new Error(`short write (${written} of ${bytes.length} bytes)`));
      } catch (error) {
        this.abandonSegment(error);
      }
      if (!this.releaseReserve()) break;
    }
    return undefined;
  }

  /**
   * Complete lines from `from` on, up to about READ_BYTES, moving into later segments as each one
   * ends. A torn last line of a closed segment is returned in `torn`. `next` is where to go on.
   */
  read(from: JournalPosition): { lines: JournalLine[]; torn: string[]; next: JournalPosition } {
    const lines: JournalLine[] = [];
    const torn: string[] = [];
    let at = this.existingFrom(from);
    while (lines.length === 0 && !samePosition(at, this.end)) {
      const file = this.segmentFile(at.segment);
      const closed = at.segment !== this.segment;
      const chunk = readAt(file, at.offset, READ_BYTES);
      const lastNewline = chunk.lastIndexOf(0x0a);
      if (lastNewline === -1) {
        if (chunk.length > 0 && chunk.length < READ_BYTES && closed) torn.push(chunk.toString('utf8'));
        if (chunk.length >= READ_BYTES) {
          // One line longer than a read: take it whole.
          const whole = readAt(file, at.offset, Math.max(0, fileSize(file) - at.offset));
          const nl = whole.indexOf(0x0a);
          if (nl !== -1) {
            lines.push({ text: whole.subarray(0, nl).toString('utf8'), end: { segment: at.segment, offset: at.offset + nl + 1 } });
            at = { segment: at.segment, offset: at.offset + nl + 1 };
            continue;
          }
          torn.push(whole.toString('utf8'));
        }
        if (!closed) break;
        at = this.existingFrom({ segment: at.segment + 1, offset: 0 });
        continue;
      }
      let start = 0;
      while (start <= lastNewline) {
        const nl = chunk.indexOf(0x0a, start);
        lines.push({ text: chunk.subarray(start, nl).toString('utf8'), end: { segment: at.segment, offset: at.offset + nl + 1 } });
        start = nl + 1;
      }
      at = { segment: at.segment, offset: at.offset + lastNewline + 1 };
    }
    return { lines, torn, next: at };
  }

  /** Bytes from `from` to the end of the journal, over every segment still on disk. */
  bytesAfter(from: JournalPosition): number {
    let total = 0;
    for (const s of this.segments()) {
      if (s < from.segment) continue;
      const size = s === this.segment ? this.size : fileSize(this.segmentFile(s));
      total += s === from.segment ? Math.max(0, size - from.offset) : size;
    }
    return total;
  }

  /** Removes every segment before `segment`: their lines are all in the database. */
  dropBefore(segment: number): void {
    for (const s of this.segments()) if (s < segment && s !== this.segment) fs.rmSync(this.segmentFile(s), { force: true });
  }

  /** Keeps a line that can never be written (unparseable, or refused by the database for its content). */
  quarantine(text: string, reason: string): void {
    try {
      fs.appendFileSync(this.badFile, `${JSON.stringify({ at: new Date().toISOString(), reason, line: text })}\n`, { mode: FILE_MODE });
    } catch (error) {
      this.log(`journal: could not keep a bad line in ${this.badFile}: ${String(error)}`);
    }
    this.log(`journal: a record was moved to ${this.badFile} (${reason})`);
  }

  sync(): void {
    try {
      if (this.fd !== undefined) fs.fsyncSync(this.fd);
    } catch {
      /* an fsync failure shows up again on the next append */
    }
  }

  close(): void {
    clearInterval(this.fsyncTimer);
    if (this.fd !== undefined) {
      this.sync();
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** The first place at or after `from` that exists: a deleted segment is skipped. */
  private existingFrom(from: JournalPosition): JournalPosition {
    if (from.segment >= this.segment) return from.segment === this.segment ? { segment: from.segment, offset: Math.min(from.offset, this.size) } : this.end;
    if (fs.existsSync(this.segmentFile(from.segment))) return from;
    const later = this.segments().find((s) => s > from.segment);
    return later === undefined || later >= this.segment ? { segment: this.segment, offset: 0 } : { segment: later, offset: 0 };
  }

  private openNext(): boolean {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.segment += 1;
    this.size = 0;
    try {
      this.fd = fs.openSync(this.segmentFile(this.segment), 'a', FILE_MODE);
      return true;
    } catch (error) {
      this.log(`journal: cannot open ${this.segmentFile(this.segment)}: ${String(error)}`);
      return false;
    }
  }

  /** A segment that took a partial line is closed, so the torn tail is never glued to the next line. */
  private abandonSegment(error: unknown): void {
    this.log(`journal: append to ${this.segmentFile(this.segment)} failed: ${String(error)}`);
    this.openNext();
  }

  private get reserveFile(): string {
    return `${this.base}.reserve`;
  }

  private keepReserve(): void {
    try {
      if (fs.existsSync(this.reserveFile) && fs.statSync(this.reserveFile).size === RESERVE_BYTES) return;
      fs.writeFileSync(this.reserveFile, Buffer.alloc(RESERVE_BYTES), { mode: FILE_MODE });
    } catch {
      fs.rmSync(this.reserveFile, { force: true }); // not enough room for it; try again at next start
    }
  }

  private releaseReserve(): boolean {
    if (!fs.existsSync(this.reserveFile)) return false;
    fs.rmSync(this.reserveFile, { force: true });
    this.log(`journal: the disk is full; released the ${RESERVE_BYTES / 1024 / 1024} MB reserve so calls can still be journaled`);
    return true;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Bytes of a segment from `offset`; a segment already removed reads as empty. */
function readAt(file: string, offset: number, length: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(length);
    const read = fs.readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}
