// SMTP delivery as a job for every node sharing the store (store/job-claims.ts): a node claims up
// to N due messages (pending, next attempt due, no live claim) with a lease. The claim ends when
// the attempt is recorded (recordDelivery clears it); a node that dies holding one leaves the
// message to the next node whose timer passes the lease's end. At least once, and once unless a
// node dies between the SMTP server's acceptance and recording it.
import type { Kysely } from 'kysely';
import { claimableAt, claimJobs, releaseJobs } from '../store/job-claims.js';
import type { Engine } from '../store/engine.js';
import type { Database } from '../store/schema.js';
import { toVoiceMessage, type VoiceMessage } from './voice-messages.js';

/** Longer than any attempt takes (SMTP timeouts are under a minute each). */
export const CLAIM_LEASE_MS = 10 * 60_000;

const pending = (db: Kysely<Database>) => db.selectFrom('voice_messages')
  .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending');

export async function claimDeliveries(db: Kysely<Database>, engine: Engine, claimant: string, now: number, limit: number): Promise<VoiceMessage[]> {
  const rows = await claimJobs(db, engine, 'voice_messages',
    (nowIso) => pending(db).where('next_attempt_at', '<=', nowIso).orderBy('next_attempt_at').orderBy('id'),
    { claimant, now, leaseMs: CLAIM_LEASE_MS, limit });
  return rows.map(toVoiceMessage).sort((a, b) => a.id - b.id);
}

/** Pending messages waiting for an attempt, whichever node recorded them (the SMTP queue). */
export async function pendingDeliveries(db: Kysely<Database>): Promise<number> {
  const row = await pending(db).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** When the next message becomes claimable (its attempt due and any claim ended); null: none pending. */
export async function nextClaimableAt(db: Kysely<Database>): Promise<string | null> {
  const row = await pending(db).select((eb) => eb.fn.min(claimableAt('next_attempt_at')).as('at')).executeTakeFirst();
  return row?.at ?? null;
}

/** Gives back claims not attempted (the node is stopping): the messages are due again at once. */
export async function releaseClaims(db: Kysely<Database>, claimant: string, ids: number[]): Promise<void> {
  await releaseJobs(db, 'voice_messages', claimant, ids);
}
