// The audit log: who changed what, and when. Written in the same transaction as the change.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export async function writeAudit(
  trx: Transaction<Database>,
  entry: { actor: string; action: string; target: string; details?: Record<string, unknown> },
): Promise<void> {
  await trx.insertInto('audit_log').values({
    at: new Date().toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: JSON.stringify(entry.details ?? {}),
  }).execute();
}

/** The newest entries first; `before` pages on: only entries older than that id. */
export async function readAudit(db: Kysely<Database>, options: { limit?: number; action?: string; before?: number } = {}): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit ?? 50);
  if (options.action) q = q.where('action', 'like', `${options.action}%`);
  if (options.before !== undefined) q = q.where('id', '<', options.before);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), details: JSON.parse(r.details) as Record<string, unknown> }));
}
