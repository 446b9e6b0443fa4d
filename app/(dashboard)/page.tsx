import { GetStarted } from '@/components/overview/GetStarted';
import { HeadlineStats } from '@/components/overview/HeadlineStats';
import { MonthForecastPanel } from '@/components/overview/MonthForecastPanel';
import { SpendByApiKeyPanel } from '@/components/overview/SpendByApiKeyPanel';
import { SpendByEndpointPanel } from '@/components/overview/SpendByEndpointPanel';
import { SpendByModelPanel } from '@/components/overview/SpendByModelPanel';
import { SpendByTagPanel } from '@/components/overview/SpendByTagPanel';
import { SpendOverTimePanel } from '@/components/overview/SpendOverTimePanel';
import { SpotDiscountPanel } from '@/components/overview/SpotDiscountPanel';

export default function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <GetStarted />
      <HeadlineStats />
      <div className="grid">
        <SpendOverTimePanel />
        <MonthForecastPanel />
        <SpendByModelPanel />
        <SpendByApiKeyPanel />
        <SpendByTagPanel />
        <SpendByEndpointPanel />
        <SpotDiscountPanel />
      </div>
    </>
  );
}
