import { HeadlineStats } from '@/components/overview/HeadlineStats';
import { SpendOverTimePanel } from '@/components/overview/SpendOverTimePanel';

export default function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <HeadlineStats />
      <div className="grid">
        <SpendOverTimePanel />
      </div>
    </>
  );
}
