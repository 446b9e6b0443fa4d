import { z } from 'zod';
import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { audited } from '@/lib/audit/audit-log';
import { revokeSession } from '@/lib/auth/sessions';

const idSchema = z.coerce.number().int().positive();

/** Ends a session at once (its cookie stops working on the next request). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = idSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: 'Session id must be a positive integer.' }, { status: 400 });
  const db = getDb();
  const revoked = audited(db, actor, { action: 'session.revoke', target: String(id.data), apply: () => revokeSession(db, id.data) });
  if (!revoked) return Response.json({ error: `No live session ${id.data}.` }, { status: 404 });
  return Response.json({ revoked: id.data });
}
