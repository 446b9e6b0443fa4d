import { ApiKeyLabelsPanel } from '@/components/settings/ApiKeyLabelsPanel';
import { PriceCatalogPanel } from '@/components/settings/PriceCatalogPanel';
import { RepricePanel } from '@/components/settings/RepricePanel';

export default function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <div className="grid">
        <ApiKeyLabelsPanel />
        <PriceCatalogPanel />
        <RepricePanel />
      </div>
    </>
  );
}
