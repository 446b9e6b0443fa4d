import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { getRuntime } from '@/lib/runtime';
import { apiKeyLabel, apiKeyLabelSchema, listApiKeyLabels, saveApiKeyLabel } from '@/lib/settings/api-key-labels';
import { applyKeyTeams } from '@/lib/settings/key-teams';

export async function GET() {
  return Response.json({ apiKeys: await listApiKeyLabels(getDb()) });
}

/** Body {apiKey, label, team?}; an empty label removes it. */
export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(apiKeyLabelSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const { apiKey } = body.data;
  const saved = await audited(db, actor, { action: 'api_key_label.save', target: apiKey, before: await apiKeyLabel(db, apiKey), apply: (tx) => saveApiKeyLabel(tx, body.data) });
  // new calls on this replica take the key's team at once (other replicas within a second; so does
  // this one if reading fails now); its past calls without an annotated team follow in the background
  await getRuntime()
    ?.keyTeams.reload()
    .catch((error: unknown) => console.error(`settings: reading the API keys' teams again failed: ${String(error)}`));
  void applyKeyTeams(db, apiKey).catch((error: unknown) => console.error(`settings: re-stamping the calls of ${apiKey} failed: ${String(error)}`));
  return Response.json(saved);
}
