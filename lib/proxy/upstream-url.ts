export const PROXY_PREFIX = '/inference/v1';

export interface UpstreamTarget {
  /** path below the base, e.g. `chat/completions` */
  subpath: string;
  url: URL;
}

/**
 * Maps `/inference/v1/<subpath>?query` onto the upstream base. Returns undefined for anything
 * that could leave the base: dot segments (raw or percent-encoded), backslashes, empty segments
 * or a scheme/host smuggled into the path.
 */
export function upstreamTarget(requestUrl: string, base: URL): UpstreamTarget | undefined {
  if (!requestUrl.startsWith(`${PROXY_PREFIX}/`)) return undefined;
  const rest = requestUrl.slice(PROXY_PREFIX.length + 1);
  const q = rest.indexOf('?');
  const subpath = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? '' : rest.slice(q);
  let decoded: string;
  try {
    decoded = decodeURIComponent(subpath);
  } catch {
    return undefined;
  }
  if (subpath === '' || decoded.includes('\\') || decoded.includes(':') || /[\u0000-\u001f]/.test(decoded)) return undefined;
  if (decoded.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  const basePath = base.pathname.replace(/\/+$/, '');
  const url = new URL(base.origin);
  url.pathname = `${basePath}/${subpath}`;
  url.search = query;
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) return undefined;
  return { subpath: decoded, url };
}
