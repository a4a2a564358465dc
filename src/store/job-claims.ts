// Jobs that any node sharing the store may do (SMTP delivery, MWI NOTIFYs): rows that carry
// claimed_by and claimed_until. A node claims up to N due rows by writing its name and a lease
// into them, in one statement — on PostgreSQL the candidate rows are locked FOR UPDATE SKIP LOCKED,
// so nodes claiming at once take different rows; SQLite has one writer at a time. The claim ends
// when the node records the attempt (clearing it) or gives it back; a node that dies holding one
// leaves the row to the next node whose timer passes the lease's end. No consensus of our own:
// the engine's row locks decide.
import { sql, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Engine } from './engine.js';
import type { Database } from './schema.js';

/** The tables that are job queues, and the key column that names one job. */
export const JOB_TABLES = { voice_messages: 'id', mwi_jobs: 'user_id' } as const;
export type JobTable = keyof typeof JOB_TABLES;

export interface Claim {
  claimant: string;
  /** Milliseconds since the epoch: what "due" and "lease ended" are measured against. */
  now: number;
  leaseMs: number;
  limit: number;
}

/** The claim condition: no claim, or one whose lease ended before `nowIso`. */
export function unclaimed(nowIso: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(claimed_until is null or claimed_until < ${nowIso})`;
}

/**
 * Claims up to `limit` of the rows `candidates` selects (due ones, in the order to work them; the
 * claim condition and the limit are added here) and returns them as now claimed.
 */
export async function claimJobs<T extends JobTable>(db: Kysely<Database>, engine: Engine, table: T,
  candidates: (nowIso: string) => SelectQueryBuilder<Database, T, object>, c: Claim): Promise<Selectable<Database[T]>[]> {
  const nowIso = new Date(c.now).toISOString();
  const until = new Date(c.now + c.leaseMs).toISOString();
  const key = sql.ref(JOB_TABLES[table]);
  let pick = candidates(nowIso).select(sql`${key}`.as('k')).where(unclaimed(nowIso)).limit(c.limit);
  if (engine === 'postgres') pick = pick.forUpdate().skipLocked();
  const r = await sql<Selectable<Database[T]>>`update ${sql.table(table)} set claimed_by = ${c.claimant}, claimed_until = ${until}
    where ${key} in (${pick}) returning *`.execute(db);
  return r.rows;
}

/** Gives back claims not worked (the node is stopping, or restarted): the rows are due again at once. */
export async function releaseJobs(db: Kysely<Database>, table: JobTable, claimant: string, keys?: readonly number[]): Promise<void> {
  if (keys?.length === 0) return;
  const key = sql.ref(JOB_TABLES[table]);
  const only = keys ? sql` and ${key} in (${sql.join(keys.map((k) => sql.lit(Math.trunc(k))))})` : sql``;
  await sql`update ${sql.table(table)} set claimed_by = null, claimed_until = null where claimed_by = ${claimant}${only}`.execute(db);
}

/**
 * When a row becomes claimable, given the column holding when it is due: its due time, or its
 * claim's end when later. For `min(...)` over the queue (the worker's next timer).
 */
export function claimableAt(dueColumn: string): RawBuilder<string | null> {
  const due = sql.ref(dueColumn);
  return sql<string | null>`case when claimed_until is not null and claimed_until > ${due} then claimed_until else ${due} end`;
}
