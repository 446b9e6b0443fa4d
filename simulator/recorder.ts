import type { ServerResponse } from 'node:http';

export interface SentResponse {
  requestId: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Entry {
  status: number;
  headers: Record<string, string>;
  chunks: Buffer[];
}

/** The last `capacity` responses, so tests can compare what the proxy relayed with what was sent. */
export class SentLog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 5000) {}

  open(requestId: string, status: number, headers: Record<string, string>): Entry {
    const entry: Entry = { status, headers: { ...headers }, chunks: [] };
    this.entries.set(requestId, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  get(requestId: string): SentResponse | undefined {
    const entry = this.entries.get(requestId);
    if (!entry) return undefined;
    return { requestId, status: entry.status, headers: { ...entry.headers }, body: Buffer.concat(entry.chunks) };
  }
}

/** Writes a response and logs exactly the status, headers and body bytes that went out. */
export class Recorder {
  private entry: Entry | undefined;
  private clientGone = false;

  constructor(
    private readonly res: ServerResponse,
    readonly requestId: string,
    private readonly log: SentLog,
  ) {
    // 'close' before the response finished means the client went away: stop generating.
    res.on('close', () => {
      if (!res.writableFinished) this.clientGone = true;
    });
    res.on('error', () => {
      this.clientGone = true;
    });
  }

  get closed(): boolean {
    return this.clientGone || this.res.destroyed;
  }

  head(status: number, headers: Record<string, string>): void {
    if (this.closed) return;
    this.entry = this.log.open(this.requestId, status, headers);
    this.res.writeHead(status, headers);
  }

  async write(bytes: Buffer): Promise<void> {
    if (this.closed || !this.entry) return;
    this.entry.chunks.push(bytes);
    if (!this.res.write(bytes)) await waitForDrain(this.res);
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** A complete JSON response with content-length. */
  json(status: number, headers: Record<string, string>, body: unknown): void {
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    this.head(status, { ...headers, 'content-type': 'application/json', 'content-length': String(bytes.length) });
    if (this.closed || !this.entry) return;
    this.entry.chunks.push(bytes);
    this.res.end(bytes);
  }
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
