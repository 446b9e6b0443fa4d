import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '@/lib/http/body';

/**
 * A passed-through request body, counted as it streams upstream: past `limit` the upstream call
 * is aborted with BodyTooLargeError, so an oversized upload is never forwarded whole.
 */
export async function* countedBody(req: IncomingMessage, limit: number, abort: AbortController): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      abort.abort(new BodyTooLargeError(limit));
      return;
    }
    yield chunk;
  }
}
