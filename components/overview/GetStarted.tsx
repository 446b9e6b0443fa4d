'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { FilterOptions } from '@/lib/analytics/filter-options';
import { fetchJson } from '@/lib/client/use-analytics';
import { Panel } from '../Panel';

const snippets = (base: string) => [
  {
    name: 'openai (Node)',
    code: `import OpenAI from 'openai';\nconst client = new OpenAI({ apiKey: process.env.FIREWORKS_API_KEY, baseURL: '${base}' });`,
  },
  {
    name: 'Anthropic SDK',
    code: `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic({ apiKey: process.env.FIREWORKS_API_KEY, baseURL: '${base}' });`,
  },
  {
    name: 'curl',
    code: `curl ${base}/chat/completions \\\n  -H "Authorization: Bearer $FIREWORKS_API_KEY" -H "Content-Type: application/json" \\\n  -d '{"model":"accounts/fireworks/models/kimi-k3","messages":[{"role":"user","content":"Hello"}]}'`,
  },
];

/** On an install that has recorded nothing yet: the one line to change, for the clients people use. */
export function GetStarted() {
  const options = useQuery({ queryKey: ['filter-options'], queryFn: () => fetchJson<FilterOptions>('/api/v1/filter-options') });
  const [base, setBase] = useState('/inference/v1');
  useEffect(() => setBase(`${window.location.origin}/inference/v1`), []);
  if (!options.data || options.data.apiKeys.length > 0 || options.data.models.length > 0) return null;
  return (
    <Panel title="Get started: point your application at Meter" wide>
      <p>
        Nothing is recorded yet. Change your client&apos;s base URL to <code data-testid="proxy-url">{base}</code>; keep your Fireworks API key. Every
        call is forwarded unchanged and appears here within seconds.
      </p>
      {snippets(base).map((s) => (
        <figure key={s.name} className="snippet">
          <figcaption className="small muted">{s.name}</figcaption>
          <pre><code>{s.code}</code></pre>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(s.code)}>Copy</button>
        </figure>
      ))}
      <p className="small muted">
        To look around with data first, run <code>npm run demo</code>: Meter in front of the bundled Fireworks simulator, with traffic from several teams.
      </p>
    </Panel>
  );
}
