// Twelfth schema version (issue 11): what an operator does once for every node sharing the store.
// Certificates belong to the store, not to the server they were made or imported on (the seeds:
// "import the certificate to be used on all Client Access and Mailbox servers"): a thumbprint is
// unique store-wide, and `server_name` now says only which node added it. Copies of one
// certificate imported on several nodes before this version are merged into one row (the one
// holding a private key, else the oldest); service assignments name thumbprints, so they keep
// pointing at it. And role restarts (`openum service restart um|callrouter --node N`) are
// requests in the store that the named node carries out and reports on (org/role-restarts.ts).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function clusterOperations(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const rows = await sql<{ id: number; thumbprint: string; has_key: number }>`
        select id, thumbprint, case when private_key is null then 0 else 1 end as has_key
        from certificates order by id`.execute(db);
      const keep = new Map<string, { id: number; hasKey: boolean }>();
      const drop: number[] = [];
      for (const r of rows.rows) {
        const id = Number(r.id);
        const hasKey = Number(r.has_key) === 1;
        const kept = keep.get(r.thumbprint);
        if (!kept) keep.set(r.thumbprint, { id, hasKey });
        else if (hasKey && !kept.hasKey) {
          drop.push(kept.id);
          keep.set(r.thumbprint, { id, hasKey });
        } else drop.push(id);
      }
      for (const id of drop) await sql`delete from certificates where id = ${id}`.execute(db);
      await db.schema.createIndex('certificates_thumbprint').unique().on('certificates').column('thumbprint').execute();

      await db.schema.createTable('role_restarts')
        .addColumn('id', serial, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('node', 'text', (c) => c.notNull())
        // um | callrouter
        .addColumn('role', 'text', (c) => c.notNull())
        // requested | draining | restarting | done | failed
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        // Calls in progress when the role stopped taking new ones, and those still going at the timeout.
        .addColumn('calls_at_start', 'integer')
        .addColumn('calls_ended', 'integer')
        .addColumn('outcome', 'text')
        .execute();
      await db.schema.createIndex('role_restarts_node').on('role_restarts').columns(['node', 'state']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('role_restarts').execute();
      await db.schema.dropIndex('certificates_thumbprint').execute();
    },
  };
}
