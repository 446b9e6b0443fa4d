const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts a byte stream into whole server-sent events, each returned with its own bytes untouched
 * (terminating blank line included), so a proxy can forward event by event and drop one if it must.
 * Lines may end in LF, CRLF or CR, as the SSE spec allows; an event ends at an empty line.
 */
export class SseEventFramer {
  private pending: Uint8Array = new Uint8Array(0);
  private scanFrom = 0;
  private atLineStart = true;
  private previousWasCR = false;

  push(chunk: Uint8Array): Uint8Array[] {
    this.pending = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const events: Uint8Array[] = [];
    let eventStart = 0;
    for (let i = this.scanFrom; i < this.pending.length; i++) {
      const byte = this.pending[i];
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
      if (byte === CR && this.pending[end] === LF) {
        end++;
        i++;
        this.previousWasCR = false;
      }
      events.push(this.pending.subarray(eventStart, end));
      eventStart = end;
    }
    this.pending = this.pending.subarray(eventStart);
    this.scanFrom = this.pending.length;
    return events;
  }

  /** Whatever arrived after the last complete event (a stream cut short, or no trailing blank line). */
  flush(): Uint8Array | null {
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    this.scanFrom = 0;
    return rest.length ? rest : null;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
