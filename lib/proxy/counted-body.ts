import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { BodyTooLargeError } from '@/lib/http/body';

/**
 * A passed-through request body, counted as it streams upstream: past `limit` the upstream call
 * is aborted with BodyTooLargeError and the request is detached (not destroyed), so an oversized
 * upload is never forwarded whole and the client can still be told why.
 */
export function countedBody(req: IncomingMessage, limit: number, abort: AbortController): Readable {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size <= limit) return done(null, chunk);
      req.unpipe(counter);
      abort.abort(new BodyTooLargeError(limit));
      done();
    },
  });
  return req.pipe(counter);
}
