// Every change to the store goes through `mutate`: one transaction that bumps the revision first
// (on SQLite that takes the write lock at once, so two processes queue instead of deadlocking on
// a read-to-write upgrade), makes the change, and writes its audit entry.
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from './audit.js';
import { bumpRevision } from './revision.js';
import type { Database } from './schema.js';

export interface Actor {
  /** "cli:alice", "api:token-1", "server" … */
  name: string;
}

export async function mutate<T>(
  db: Kysely<Database>,
  actor: Actor,
  audit: { action: string; target: string },
  change: (trx: Transaction<Database>) => Promise<{ result: T; details?: Record<string, unknown> }>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await bumpRevision(trx);
    const { result, details } = await change(trx);
    await writeAudit(trx, { actor: actor.name, action: audit.action, target: audit.target, details });
    return result;
  });
}

/**
 * An audited change that is not configuration (passwords, invitations, web accounts): in one
 * transaction with its audit entry, without moving the revision, so no role reloads for it.
 */
export async function audited<T>(
  db: Kysely<Database>,
  actor: Actor,
  audit: { action: string; target: string },
  change: (trx: Transaction<Database>) => Promise<{ result: T; details?: Record<string, unknown> }>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const { result, details } = await change(trx);
    await writeAudit(trx, { actor: actor.name, action: audit.action, target: audit.target, details });
    return result;
  });
}
