/**
 * Where to go after logging in: only a path on Meter's own origin. Browsers drop tabs and newlines
 * from URLs and read a backslash as a slash, so `/\t/evil.example` means `//evil.example`; such
 * input is refused rather than cleaned.
 */
export type NextPath = { ok: true; path: string } | { ok: false; reason: string };

const BASE = 'http://meter.invalid';

export function nextPath(value: unknown): NextPath {
  if (value === undefined || value === null || value === '') return { ok: true, path: '/' };
  if (typeof value !== 'string') return { ok: false, reason: '`next` must be a string' };
  if (value.length > 2048) return { ok: false, reason: '`next` is too long' };
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return { ok: false, reason: '`next` holds a control character or backslash' };
  if (!value.startsWith('/') || value.startsWith('//')) return { ok: false, reason: '`next` must be a path on this site, starting with a single /' };
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return { ok: false, reason: '`next` is not a valid path' };
  }
  if (url.origin !== BASE) return { ok: false, reason: '`next` must stay on this site' };
  return { ok: true, path: `${url.pathname}${url.search}${url.hash}` };
}
