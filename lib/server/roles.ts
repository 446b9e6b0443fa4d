/**
 * What one Meter process serves. `all` (the default) is the proxy and the dashboard; an operator
 * running many replicas may keep the proxy's replicas free of dashboard queries (`proxy`) and serve
 * the pages from others (`dashboard`). Every role answers /healthz and, when configured, /metrics.
 */
export const METER_ROLES = ['all', 'proxy', 'dashboard'] as const;
export type MeterRole = (typeof METER_ROLES)[number];

const isProxyPath = (pathname: string) => pathname.startsWith('/inference/');

/** Why a replica of this role does not serve the (normalised) path, or null when it does. */
export function refusedByRole(role: MeterRole, pathname: string): string | null {
  if (role === 'all' || pathname === '/healthz' || pathname === '/metrics') return null;
  if (role === 'proxy' && !isProxyPath(pathname)) {
    return 'This Meter replica runs the proxy only (METER_ROLE=proxy): open the dashboard on a replica with METER_ROLE=all or dashboard.';
  }
  if (role === 'dashboard' && isProxyPath(pathname)) {
    return 'This Meter replica serves the dashboard only (METER_ROLE=dashboard): send inference calls to a replica with METER_ROLE=all or proxy.';
  }
  return null;
}
