/** The tags Fireworks recognises in `Fireworks-Annotations: team=a,project=b,environment=c`. */
export interface Annotations {
  team: string | null;
  project: string | null;
  environment: string | null;
  tags: string | null;
}

const KNOWN = ['team', 'project', 'environment'] as const;

export function parseAnnotations(header: string | undefined): Annotations {
  const pairs = (header ?? '')
    .split(',')
    .map((part) => part.split('=').map((s) => s.trim()))
    .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== '' && kv[1] !== '')
    .map(([k, v]) => [k.toLowerCase(), v] as const);
  const byKey = new Map(pairs);
  const pick = (k: (typeof KNOWN)[number]) => byKey.get(k) ?? null;
  return {
    team: pick('team'),
    project: pick('project'),
    environment: pick('environment'),
    tags: pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : null,
  };
}
