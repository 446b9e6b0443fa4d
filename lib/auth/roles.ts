/** Who a request is. Admin may change anything; viewer may read pages, the API and exports. */
export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Methods that change state; only admins may send them. */
export function changesState(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

/**
 * The gate hands the caller's role to Next.js in these headers, after removing any a client sent,
 * so route handlers can trust them (Next.js is reachable only through the gate).
 */
export const ROLE_HEADER = 'x-meter-role';
export const SESSION_HEADER = 'x-meter-session';
