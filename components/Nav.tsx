'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';

const PAGES = [
  { href: '/', label: 'Overview' },
  { href: '/cache', label: 'Cache' },
  { href: '/rate-limits', label: 'Rate limits' },
  { href: '/requests', label: 'Requests' },
  { href: '/reports', label: 'Reports' },
  { href: '/budgets', label: 'Budgets' },
  { href: '/settings', label: 'Settings' },
];

/**
 * Page links that keep the current filters, so moving between pages keeps the view. No prefetch: on
 * load, six prefetches queued behind the page's own API calls on the same server; a click costs one
 * small round trip instead.
 */
export function Nav({ role }: { role?: string }) {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  return (
    <nav className="nav" aria-label="Pages">
      <span className="brand">Fireworks Meter</span>
      {PAGES.map((p) => (
        <Link key={p.href} prefetch={false} href={query ? `${p.href}?${query}` : p.href} aria-current={pathname === p.href ? 'page' : undefined}>
          {p.label}
        </Link>
      ))}
      <form method="post" action="/api/logout" className="logout">
        {role ? <span className="muted small">{role === 'viewer' ? 'viewer (read-only)' : role}</span> : null}
        <button type="submit">Log out</button>
      </form>
    </nav>
  );
}
