import type { Recorder } from './recorder';
import { randInt, type Rng } from './rng';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes SSE events. With an `rng`, bytes go out in random-size pieces that straddle event
 * boundaries and often cut a multi-byte UTF-8 character, so clients and proxies must reassemble.
 */
export class SseWriter {
  private pending: Buffer = Buffer.alloc(0);
  private events = 0;

  constructor(
    private readonly rec: Recorder,
    private readonly delayMs: number,
    private readonly rng?: Rng,
    private readonly pauseBeforeEndMs = 0,
  ) {}

  get closed(): boolean {
    return this.rec.closed;
  }

  /** `data: <json>\n\n`, optionally preceded by an `event:` line (Anthropic style). */
  async send(data: unknown, event?: string): Promise<void> {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    await this.raw(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  }

  async finish(): Promise<void> {
    if (this.pending.length) await this.rec.write(this.pending);
    this.pending = Buffer.alloc(0);
    // The terminal event is out but the body is not over yet: clients that stop at [DONE] leave here.
    if (this.pauseBeforeEndMs > 0) await sleep(this.pauseBeforeEndMs);
    this.rec.end();
  }

  private async raw(text: string): Promise<void> {
    if (this.events++ > 0 && this.delayMs > 0) await sleep(this.delayMs);
    if (this.closed) return;
    const bytes = Buffer.concat([this.pending, Buffer.from(text, 'utf8')]);
    if (!this.rng) {
      await this.rec.write(bytes);
      return;
    }
    let start = 0;
    const pieces = randInt(this.rng, 1, 3);
    for (let i = 0; i < pieces && start < bytes.length; i++) {
      const last = i === pieces - 1;
      const end = last && this.rng() < 0.5 ? bytes.length : this.cutPoint(bytes, start);
      await this.rec.write(bytes.subarray(start, end));
      start = end;
      // Yield so each piece leaves as its own write instead of being coalesced with the next.
      await tick();
    }
    this.pending = Buffer.from(bytes.subarray(start));
  }

  /** A cut in (from, length]; favours cutting inside a multi-byte character. */
  private cutPoint(bytes: Buffer, from: number): number {
    const rng = this.rng as Rng;
    if (rng() < 0.4) {
      const inside: number[] = [];
      for (let p = from + 1; p < bytes.length; p++) if (((bytes[p] as number) & 0xc0) === 0x80) inside.push(p);
      if (inside.length) return inside[Math.floor(rng() * inside.length)] as number;
    }
    return randInt(rng, from + 1, bytes.length);
  }
}
