import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes.`);
  }
}

/** A declared Content-Length already over the limit can be refused before reading anything. */
export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > limit;
}

/** Reads a whole body, counting bytes as they arrive; past `limit` it stops and throws BodyTooLargeError. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaresTooLarge(req, limit)) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * After refusing a body, drop the rest of it as it arrives (nothing is kept) so the client can read
 * the refusal, and close the connection once the answer is out.
 */
export function discardRest(req: IncomingMessage): void {
  req.removeAllListeners('data');
  req.resume();
}
