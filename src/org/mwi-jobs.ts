// Pending message-waiting indications as a job queue in the store (migration 0011), worked by
// every UM node sharing it through the claims of store/job-claims.ts. One job per user: the
// counts wanted (a later change overwrites them, so only the newest state is sent, to every
// gateway of the user), the back-off of failed attempts, and the gateways those went to. What a
// change does to a waiting job (requestMwi):
// - new counts for a job not yet tried, or for one whose gateways changed since it failed: due now;
// - new counts for a job in back-off to the same gateways: it keeps its back-off (the retry sends
//   the counts current then), so unrelated changes never cut a back-off short (issue 10);
// - a job claimed by a node: only the counts and revision move; that node's outcome decides.
import type { Kysely, Selectable } from 'kysely';
import { claimableAt, claimJobs, releaseJobs } from '../store/job-claims.js';
import type { Engine } from '../store/engine.js';
import type { Database, MwiJobsTable } from '../store/schema.js';

/**
 * A claim outlives any attempt: the TCP/TLS connect gives up after 10 s and a NOTIFY's
 * transaction after Timer F (64*T1 = 32 s, RFC 3261 §17.1.2.2), the gateways in parallel.
 */
export const MWI_LEASE_MS = 60_000;

export interface MwiJob {
  userId: number;
  unread: number;
  read: number;
  revision: number;
  /** Failed attempts in a row. */
  attempts: number;
  nextAttemptAt: string;
  targets: string | null;
  lastError: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
}

const toJob = (r: Selectable<MwiJobsTable>): MwiJob => ({
  userId: Number(r.user_id), unread: Number(r.unread), read: Number(r.read), revision: Number(r.revision),
  attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, targets: r.targets, lastError: r.last_error,
  claimedBy: r.claimed_by, claimedUntil: r.claimed_until,
});

export type MwiRequestResult = 'queued' | 'due now' | 'updated' | 'unchanged';

/**
 * A user's counts differ from those last notified: queue (or update) the job. `targets` says
 * where the NOTIFYs would go now, so a job in back-off to other gateways is tried at once.
 */
export async function requestMwi(db: Kysely<Database>, want: { userId: number; unread: number; read: number; targets: string }, now: number, again = true): Promise<MwiRequestResult> {
  const nowIso = new Date(now).toISOString();
  const inserted = await db.insertInto('mwi_jobs').values({
    user_id: want.userId, unread: want.unread, read: want.read, revision: 0, attempts: 0, next_attempt_at: nowIso,
    targets: null, last_error: null, claimed_by: null, claimed_until: null, created_at: nowIso, updated_at: nowIso,
  }).onConflict((oc) => oc.column('user_id').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return 'queued';
  const row = await db.selectFrom('mwi_jobs').selectAll().where('user_id', '=', want.userId).executeTakeFirst();
  if (!row) return again ? requestMwi(db, want, now, false) : 'unchanged'; // done and removed meanwhile: queue it anew
  const job = toJob(row);
  const sameCounts = job.unread === want.unread && job.read === want.read;
  const gatewaysChanged = job.attempts > 0 && job.targets !== null && job.targets !== want.targets;
  if (sameCounts && !gatewaysChanged) return 'unchanged';
  const claimed = job.claimedUntil !== null && job.claimedUntil >= nowIso;
  const dueNow = !claimed && (job.attempts === 0 || gatewaysChanged);
  // Conditional on the revision read: a node that changed the job meanwhile did the same work.
  await db.updateTable('mwi_jobs').set({
    unread: want.unread, read: want.read, revision: job.revision + 1, updated_at: nowIso,
    ...(dueNow ? { next_attempt_at: nowIso } : {}),
  }).where('user_id', '=', want.userId).where('revision', '=', job.revision).execute();
  return dueNow ? 'due now' : 'updated';
}

/** Claims up to `limit` due jobs (no live claim) for `claimant`, in due order. */
export async function claimMwiJobs(db: Kysely<Database>, engine: Engine, claimant: string, now: number, limit: number, leaseMs = MWI_LEASE_MS): Promise<MwiJob[]> {
  const rows = await claimJobs(db, engine, 'mwi_jobs',
    (nowIso) => db.selectFrom('mwi_jobs').where('next_attempt_at', '<=', nowIso).orderBy('next_attempt_at').orderBy('user_id'),
    { claimant, now, leaseMs, limit });
  return rows.map(toJob).sort((a, b) => a.userId - b.userId);
}

/**
 * Every gateway accepted the counts (or the user has none left): the job ends, unless its counts
 * changed since it was claimed — then the newest are due at once. Nothing happens if the claim
 * was lost (the lease ended and another node took the job).
 */
export async function completeMwiJob(db: Kysely<Database>, job: MwiJob, claimant: string, now: number): Promise<'done' | 'again'> {
  const r = await db.deleteFrom('mwi_jobs').where('user_id', '=', job.userId)
    .where('claimed_by', '=', claimant).where('revision', '=', job.revision).executeTakeFirst();
  if (Number(r.numDeletedRows) > 0) return 'done';
  const nowIso = new Date(now).toISOString();
  await db.updateTable('mwi_jobs').set({
    attempts: 0, next_attempt_at: nowIso, targets: null, last_error: null, claimed_by: null, claimed_until: null, updated_at: nowIso,
  }).where('user_id', '=', job.userId).where('claimed_by', '=', claimant).execute();
  return 'again';
}

/** An attempt failed: the job waits until `retryAt` (its back-off), remembering where it went and why. */
export async function failMwiJob(db: Kysely<Database>, job: MwiJob, claimant: string, outcome: { error: string; targets: string; retryAt: string }, now: number): Promise<void> {
  await db.updateTable('mwi_jobs').set({
    attempts: job.attempts + 1, next_attempt_at: outcome.retryAt, targets: outcome.targets, last_error: outcome.error.slice(0, 500),
    claimed_by: null, claimed_until: null, updated_at: new Date(now).toISOString(),
  }).where('user_id', '=', job.userId).where('claimed_by', '=', claimant).execute();
}

/** Gives back this node's claims (it stops, or it starts again after dying with some). */
export async function releaseMwiJobs(db: Kysely<Database>, claimant: string, userIds?: readonly number[]): Promise<void> {
  await releaseJobs(db, 'mwi_jobs', claimant, userIds);
}

/** When the next job becomes claimable (due, and any claim ended); null: none waits. */
export async function nextMwiAt(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('mwi_jobs').select((eb) => eb.fn.min(claimableAt('next_attempt_at')).as('at')).executeTakeFirst();
  return row?.at ?? null;
}

/** The waiting jobs (tests, `openum` status). */
export async function mwiJobs(db: Kysely<Database>): Promise<MwiJob[]> {
  return (await db.selectFrom('mwi_jobs').selectAll().orderBy('user_id').execute()).map(toJob);
}
