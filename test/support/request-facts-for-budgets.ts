import type { RequestFacts } from '@/lib/usage/request-facts';

/** The facts the proxy hands the budget check before a call, for a call of team `team` on key k1. */
export function requestFacts(team: string): RequestFacts {
  return { team, project: null, environment: null, apiKey: 'k1', model: 'm', servingPath: 'standard', region: 'global' } as unknown as RequestFacts;
}
