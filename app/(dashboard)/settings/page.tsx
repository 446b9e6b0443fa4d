import { headers } from 'next/headers';
import { AlertChannelsPanel } from '@/components/settings/AlertChannelsPanel';
import { ApiKeyLabelsPanel } from '@/components/settings/ApiKeyLabelsPanel';
import { AuditLogPanel } from '@/components/settings/AuditLogPanel';
import { BillingPanel } from '@/components/settings/BillingPanel';
import { PriceCatalogPanel } from '@/components/settings/PriceCatalogPanel';
import { RepricePanel } from '@/components/settings/RepricePanel';
import { SessionsPanel } from '@/components/settings/SessionsPanel';
import { WatchesPanel } from '@/components/settings/WatchesPanel';
import { ROLE_HEADER } from '@/lib/auth/roles';

export default async function SettingsPage() {
  const admin = (await headers()).get(ROLE_HEADER) === 'admin';
  return (
    <>
      <h1>Settings</h1>
      {admin ? null : <p className="muted" role="note">You are logged in read-only (viewer): changes here are refused.</p>}
      <div className="grid">
        <ApiKeyLabelsPanel />
        <BillingPanel />
        <PriceCatalogPanel />
        <RepricePanel />
        <AlertChannelsPanel />
        <WatchesPanel />
        {admin ? <SessionsPanel /> : null}
        <AuditLogPanel />
      </div>
    </>
  );
}
