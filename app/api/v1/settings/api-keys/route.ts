import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { apiKeyLabel, apiKeyLabelSchema, listApiKeyLabels, saveApiKeyLabel } from '@/lib/settings/api-key-labels';

export async function GET() {
  return Response.json({ apiKeys: listApiKeyLabels(getDb()) });
}

/** Body {apiKey, label, team?}; an empty label removes it. */
export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(apiKeyLabelSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const { apiKey } = body.data;
  return Response.json(audited(db, actor, { action: 'api_key_label.save', target: apiKey, before: apiKeyLabel(db, apiKey), apply: () => saveApiKeyLabel(db, body.data) }));
}
