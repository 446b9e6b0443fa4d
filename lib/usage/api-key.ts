import { createHash } from 'node:crypto';

/**
 * A stable, non-reversible name for an API key: 8 hex chars of its SHA-256 plus its last 4
 * characters, so people can recognise their key without Meter ever storing it.
 */
export function fingerprintApiKey(authorization: string | undefined): string {
  const key = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!key) return 'none';
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `${hash}…${key.slice(-4)}`;
}
