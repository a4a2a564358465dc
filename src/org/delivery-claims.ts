// SMTP delivery as a job for every node sharing the store: a node claims up to N due messages
// (pending, next attempt due, no live claim) by writing its name and a lease into them, in one
// statement — on PostgreSQL the candidate rows are locked FOR UPDATE SKIP LOCKED, so nodes
// claiming at once take different rows; SQLite has one writer at a time. The claim ends when the
// attempt is recorded (recordDelivery clears it); a node that dies holding one leaves the message
// to the next node whose timer passes the lease's end. At least once, and once unless a node dies
// between the SMTP server's acceptance and recording it.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../store/engine.js';
import type { Database } from '../store/schema.js';
import { toVoiceMessage, type VoiceMessage } from './voice-messages.js';

/** Longer than any attempt takes (SMTP timeouts are under a minute each). */
export const CLAIM_LEASE_MS = 10 * 60_000;

export async function claimDeliveries(db: Kysely<Database>, engine: Engine, claimant: string, now: number, limit: number): Promise<VoiceMessage[]> {
  const nowIso = new Date(now).toISOString();
  const until = new Date(now + CLAIM_LEASE_MS).toISOString();
  const rows = await db.updateTable('voice_messages')
    .set({ claimed_by: claimant, claimed_until: until })
    .where('id', 'in', (eb) => {
      let q = eb.selectFrom('voice_messages').select('id')
        .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending')
        .where('next_attempt_at', '<=', nowIso)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', nowIso)]))
        .orderBy('next_attempt_at').orderBy('id').limit(limit);
      if (engine === 'postgres') q = q.forUpdate().skipLocked();
      return q;
    })
    .returningAll()
    .execute();
  return rows.map(toVoiceMessage).sort((a, b) => a.id - b.id);
}

/** Pending messages waiting for an attempt, whichever node recorded them (the SMTP queue). */
export async function pendingDeliveries(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('voice_messages').select((eb) => eb.fn.countAll().as('n'))
    .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending').executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** When the next message becomes claimable (its attempt due and any claim ended); null: none pending. */
export async function nextClaimableAt(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('voice_messages')
    .select(sql<string | null>`min(case when claimed_until is not null and claimed_until > next_attempt_at then claimed_until else next_attempt_at end)`.as('at'))
    .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending').executeTakeFirst();
  return row?.at ?? null;
}

/** Gives back claims not attempted (the node is stopping): the messages are due again at once. */
export async function releaseClaims(db: Kysely<Database>, claimant: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('voice_messages').set({ claimed_by: null, claimed_until: null })
    .where('id', 'in', ids).where('claimed_by', '=', claimant).where('delivery', '=', 'pending').execute();
}
