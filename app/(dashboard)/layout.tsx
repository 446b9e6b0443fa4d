import { Suspense, type ReactNode } from 'react';
import { FilterBar } from '@/components/FilterBar';
import { Nav } from '@/components/Nav';
import { Providers } from '@/components/Providers';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <Providers>
      <Suspense>
        <header className="top">
          <Nav />
          <FilterBar />
        </header>
        <main className="page">{children}</main>
      </Suspense>
    </Providers>
  );
}
