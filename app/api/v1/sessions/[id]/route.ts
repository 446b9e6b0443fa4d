import { z } from 'zod';
import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { recordChange } from '@/lib/audit/audit-log';
import { revokeSession } from '@/lib/auth/sessions';

const idSchema = z.coerce.number().int().positive();

/** Ends a session at once (its cookie stops working on the next request). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = idSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: 'Session id must be a positive integer.' }, { status: 400 });
  const db = getDb();
  // Only a session that was live is a change worth keeping in the audit log.
  const revoked = db.transaction(() => {
    const ended = revokeSession(db, id.data);
    if (ended) recordChange(db, actor, { action: 'session.revoke', target: String(id.data), after: { revoked: true } });
    return ended;
  });
  if (!revoked) return Response.json({ error: `No live session ${id.data}.` }, { status: 404 });
  return Response.json({ revoked: id.data });
}
