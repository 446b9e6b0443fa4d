import { z } from 'zod';
import { getDb } from '@/db/client';
import { inTransaction } from '@/db/database';
import { noActor, requestActor } from '@/lib/api/actor';
import { recordChange } from '@/lib/audit/audit-log';
import { revokeSession } from '@/lib/auth/sessions';

// session ids are 32-bit on PostgreSQL: a larger one names no session rather than failing the query
const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

/** Ends a session at once (its cookie stops working on the next request). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = idSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: 'Session id must be a positive integer.' }, { status: 400 });
  // Only a session that was live is a change worth keeping in the audit log.
  const revoked = await inTransaction(getDb(), async (tx) => {
    const ended = await revokeSession(tx, id.data);
    if (ended) await recordChange(tx, actor, { action: 'session.revoke', target: String(id.data), after: { revoked: true } });
    return ended;
  });
  if (!revoked) return Response.json({ error: `No live session ${id.data}.` }, { status: 404 });
  return Response.json({ revoked: id.data });
}
