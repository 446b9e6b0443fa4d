import { AffinityPanel } from '@/components/cache/AffinityPanel';
import { CacheStats } from '@/components/cache/CacheStats';
import { HitRateByApiKeyPanel } from '@/components/cache/HitRateByApiKeyPanel';
import { HitRateByModelPanel } from '@/components/cache/HitRateByModelPanel';
import { HitRateOverTimePanel } from '@/components/cache/HitRateOverTimePanel';
import { HowCachingWorks } from '@/components/cache/HowCachingWorks';
import { WorstSessionsPanel } from '@/components/cache/WorstSessionsPanel';

export default function CachePage() {
  return (
    <>
      <h1>Prompt cache</h1>
      <CacheStats />
      <div className="grid">
        <HitRateOverTimePanel />
        <AffinityPanel />
        <HowCachingWorks />
        <HitRateByModelPanel />
        <HitRateByApiKeyPanel />
        <WorstSessionsPanel />
      </div>
    </>
  );
}
