import { getDb } from '@/db/client';
import { parseJsonBody } from '@/lib/api/body';
import { apiKeyLabelSchema, listApiKeyLabels, saveApiKeyLabel } from '@/lib/settings/api-key-labels';

export const dynamic = 'force-dynamic';

export async function GET() {
  return Response.json({ apiKeys: listApiKeyLabels(getDb()) });
}

/** Body {apiKey, label, team?}; an empty label removes it. */
export async function PUT(request: Request) {
  const body = await parseJsonBody(apiKeyLabelSchema, request);
  if (!body.ok) return body.response;
  return Response.json(saveApiKeyLabel(getDb(), body.data));
}
