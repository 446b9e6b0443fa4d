const LF = 0x0a;
const CR = 0x0d;

/** Events longer than this are passed on as they arrive, uninspected, instead of being held whole. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Bytes to forward: a whole event (`whole`), or a piece of one that outgrew the cap. */
export interface SseFrame {
  bytes: Uint8Array;
  whole: boolean;
}

/**
 * Cuts a byte stream into whole server-sent events, each returned with its own bytes untouched
 * (terminating blank line included), so a proxy can forward event by event and drop one if it must.
 * Lines may end in LF, CRLF or CR, as the SSE spec allows; an event ends at an empty line. Holds
 * at most one event (up to MAX_EVENT_BYTES) and looks at each byte once, so a stream without blank
 * lines cannot make it hold the whole body or rescan it.
 */
export class SseEventFramer {
  private parts: Uint8Array[] = [];
  private held = 0;
  private passingThrough = false;
  private atLineStart = true;
  private previousWasCR = false;

  constructor(private readonly maxEventBytes = MAX_EVENT_BYTES) {}

  push(chunk: Uint8Array): SseFrame[] {
    const frames: SseFrame[] = [];
    let eventStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === LF && this.previousWasCR) {
        // second half of a CRLF whose CR already ended the line
        this.previousWasCR = false;
        continue;
      }
      this.previousWasCR = byte === CR;
      if (byte !== LF && byte !== CR) {
        this.atLineStart = false;
        continue;
      }
      if (!this.atLineStart) {
        this.atLineStart = true;
        continue;
      }
      // an empty line: the event is complete; keep the LF of a final CRLF with it when it is here
      let end = i + 1;
      if (byte === CR && chunk[end] === LF) {
        end++;
        i++;
        this.previousWasCR = false;
      }
      frames.push(this.complete(chunk.subarray(eventStart, end)));
      eventStart = end;
    }
    const rest = chunk.subarray(eventStart);
    if (rest.length === 0) return frames;
    if (this.passingThrough) {
      frames.push({ bytes: rest, whole: false });
    } else {
      this.parts.push(rest);
      this.held += rest.length;
      if (this.held > this.maxEventBytes) {
        frames.push({ bytes: this.release(), whole: false });
        this.passingThrough = true;
      }
    }
    return frames;
  }

  /** Whatever arrived after the last complete event (a stream cut short, or no trailing blank line). */
  flush(): Uint8Array | null {
    this.passingThrough = false;
    const rest = this.release();
    return rest.length ? rest : null;
  }

  private complete(tail: Uint8Array): SseFrame {
    if (this.passingThrough) {
      this.passingThrough = false;
      return { bytes: tail, whole: false };
    }
    if (this.parts.length === 0) return { bytes: tail, whole: true };
    this.parts.push(tail);
    return { bytes: this.release(), whole: true };
  }

  private release(): Uint8Array {
    const out = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.held = 0;
    return out;
  }
}
