import { z } from 'zod';
import { filtersSchema } from '@/lib/analytics/engine/filters';

/**
 * A UTF-8 byte-order mark first, on request (`bom=1`): Excel on Windows reads a CSV without one as
 * the local code page, so the "…" in every key fingerprint shows as "â€¦". The dashboard's download
 * buttons ask for it; scripts get plain UTF-8 unless they do.
 */
export const bomSchema = z.object({ bom: z.enum(['0', '1'], 'bom must be 0 or 1').optional() });

export const csvQuerySchema = filtersSchema.and(bomSchema);

const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

export function withBom(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(BOM);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
