import zlib from 'node:zlib';

const DECODERS: Record<string, (b: Buffer, o: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer> = {
  gzip: zlib.gunzipSync,
  'x-gzip': zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
};

/** True when a response body is sent with a content-coding the tap must undo to read it. */
export function isEncoded(contentEncoding: string | string[] | undefined): boolean {
  const value = String(contentEncoding ?? '').trim().toLowerCase();
  return value !== '' && value !== 'identity';
}

/**
 * The body as Fireworks meant it, for reading `usage` only (the client gets the original bytes).
 * Codings are undone last-applied first; a stream cut short decodes as far as it goes. Undefined
 * for an unknown coding or a body that decodes past `maxBytes`.
 */
export function decodedBody(body: Buffer, contentEncoding: string | string[] | undefined, maxBytes: number): Buffer | undefined {
  const codings = String(contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity').reverse();
  let out = body;
  for (const coding of codings) {
    const decode = DECODERS[coding];
    if (!decode) return undefined;
    try {
      out = decode(out, { maxOutputLength: maxBytes, finishFlush: coding === 'br' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return undefined;
    }
  }
  return out;
}
