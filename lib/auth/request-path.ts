/**
 * The path a request is decided on. Next.js resolves dot segments (raw or percent-encoded) after our
 * gate has looked at the URL, so a path that holds any of them, or anything else a router might
 * rewrite (encoded slashes or backslashes, empty segments, control bytes), is refused outright
 * instead of being normalised here and hoping both agree.
 */
export type RequestPath = { ok: true; pathname: string; search: string } | { ok: false; reason: string };

const ENCODED_SEPARATOR = /%(2f|5c|00)/i;
const UNSAFE_BYTE = /[\u0000-\u0020\u007f\\]/;

export function requestPath(rawUrl: string | undefined): RequestPath {
  const url = rawUrl ?? '';
  if (!url.startsWith('/')) return { ok: false, reason: 'request target must be a path' };
  const query = url.indexOf('?');
  const raw = query === -1 ? url : url.slice(0, query);
  const search = query === -1 ? '' : url.slice(query);
  if (ENCODED_SEPARATOR.test(raw)) return { ok: false, reason: 'encoded separator in path' };
  let pathname: string;
  try {
    pathname = decodeURIComponent(raw);
  } catch {
    return { ok: false, reason: 'malformed percent-encoding in path' };
  }
  if (UNSAFE_BYTE.test(pathname) || /%2e/i.test(pathname)) return { ok: false, reason: 'unsafe character in path' };
  const segments = pathname.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '.' || segment === '..') return { ok: false, reason: 'dot segment in path' };
    if (segment === '' && i < segments.length - 1) return { ok: false, reason: 'empty segment in path' };
  }
  return { ok: true, pathname, search };
}
