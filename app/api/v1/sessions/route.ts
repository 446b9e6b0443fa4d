import { getDb } from '@/db/client';
import { requestActor } from '@/lib/api/actor';
import { listSessions } from '@/lib/auth/sessions';

/** Live dashboard sessions (admin only: they show where people log in from). */
export async function GET(request: Request) {
  const actor = requestActor(request);
  if (actor?.role !== 'admin') return Response.json({ error: 'Listing sessions needs the admin role.' }, { status: 403 });
  const sessions = await listSessions(getDb());
  return Response.json({ sessions: sessions.map((s) => ({ ...s, current: s.id === actor.sessionId })) });
}
