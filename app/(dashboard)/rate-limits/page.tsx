import { HeadroomPanel } from '@/components/rate-limits/HeadroomPanel';
import { HeadroomWarning } from '@/components/rate-limits/HeadroomWarning';
import { RateLimitUsagePanel } from '@/components/rate-limits/RateLimitUsagePanel';
import { RefusalsPanel } from '@/components/rate-limits/RefusalsPanel';

export default function RateLimitsPage() {
  return (
    <>
      <h1>Rate limits</h1>
      <HeadroomWarning />
      <HeadroomPanel />
      <div className="grid rate-limit-charts">
        <RateLimitUsagePanel />
        <RefusalsPanel />
      </div>
    </>
  );
}
