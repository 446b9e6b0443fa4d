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

/**
 * Reads a whole body, counting bytes as they arrive; past `limit` it stops keeping them and rejects
 * with BodyTooLargeError. The request is left open (not destroyed), so a refusal can still be sent.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaresTooLarge(req, limit)) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      reject(new BodyTooLargeError(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client closed while sending the body'));
    });
  });
}

/**
 * Refusing a body: drop the rest of it as it arrives (nothing is kept), then answer once it has all
 * arrived, so the client is done sending and reads the refusal instead of a reset. A client that
 * keeps sending past `maxWaitMs` gets the answer anyway and the connection is closed.
 */
export function answerAfterBody(req: IncomingMessage, answer: () => void, maxWaitMs = 10_000): void {
  let answered = false;
  const once = () => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    answer();
  };
  const timer = setTimeout(once, maxWaitMs);
  timer.unref();
  if (req.complete || req.readableEnded) return once();
  req.removeAllListeners('data');
  req.on('data', () => undefined);
  req.once('end', once);
  req.once('error', once);
  req.once('close', once);
  req.resume();
}
