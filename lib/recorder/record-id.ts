import { randomBytes } from 'node:crypto';

// Per process: a random prefix and a counter make ids unique without a random draw per call, and
// the leading time keeps new ids at the end of the unique index.
const PROCESS_PREFIX = randomBytes(5).toString('hex');
let counter = 0;

/** A unique, time-ordered id for one completed call. */
export function newRecordId(now = Date.now()): string {
  counter = (counter + 1) % 0x100000000;
  return `${now.toString(36).padStart(9, '0')}${PROCESS_PREFIX}${counter.toString(36).padStart(7, '0')}`;
}
