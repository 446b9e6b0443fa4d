import { getDb } from '@/db/client';
import { listAuditLog } from '@/lib/audit/audit-log';

/** The newest 100 changes to prices, labels, history and sessions. */
export async function GET() {
  return Response.json({ entries: await listAuditLog(getDb()) });
}
