import { headers } from 'next/headers';
import { AlertsPanel } from '@/components/budgets/AlertsPanel';
import { BudgetsPanel } from '@/components/budgets/BudgetsPanel';
import { ROLE_HEADER } from '@/lib/auth/roles';

export default async function BudgetsPage() {
  const admin = (await headers()).get(ROLE_HEADER) === 'admin';
  return (
    <>
      <h1>Budgets</h1>
      <div className="grid">
        <BudgetsPanel admin={admin} />
        <AlertsPanel admin={admin} />
      </div>
    </>
  );
}
