// Eleventh schema version (issue 11): MWI NOTIFYs are a job any UM node sharing the store may do.
// One row per user whose lamp needs telling: the counts wanted (the latest; a later change
// overwrites them, so only the newest state is sent), the back-off of failed attempts (kept
// across restarts and nodes), and a claim with a lease like SMTP delivery's (store/job-claims.ts).
// The row goes once every gateway of the user accepted the counts it was claimed for.
import type { Kysely } from 'kysely';

export function mwiJobs() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('mwi_jobs')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('unread', 'integer', (c) => c.notNull())
        .addColumn('read', 'integer', (c) => c.notNull())
        // Moves with every change of the wanted counts: an attempt claimed before it does not end the job.
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        // The gateways (address, port, family, security) the last failed attempt went to.
        .addColumn('targets', 'text')
        .addColumn('last_error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mwi_jobs_due').on('mwi_jobs').column('next_attempt_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('mwi_jobs').execute();
    },
  };
}
