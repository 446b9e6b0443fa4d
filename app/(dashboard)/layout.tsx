import { headers } from 'next/headers';
import { Suspense, type ReactNode } from 'react';
import { ROLE_HEADER } from '@/lib/auth/roles';
import { FilterBar } from '@/components/FilterBar';
import { Nav } from '@/components/Nav';
import { Providers } from '@/components/Providers';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const role = (await headers()).get(ROLE_HEADER) ?? undefined;
  return (
    <Providers>
      <Suspense>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="top">
          <Nav role={role} />
          <FilterBar />
        </header>
        <main className="page" id="main" tabIndex={-1}>{children}</main>
      </Suspense>
    </Providers>
  );
}
