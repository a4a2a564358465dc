// Ninth schema version (issue 11): the nodes sharing this store. Each running `openum start`
// keeps one row fresh (a heartbeat every few seconds): its roles, where other nodes reach its UM
// service, its calls and capacity, its version. Call Routers send calls only to UM services whose
// heartbeat is recent; `openum node list` shows them. Runtime state, not configuration: writing
// it bumps no revision and audits nothing. Keyed by the server name (servers.name).
import type { Kysely } from 'kysely';

export function nodes() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('nodes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('sip_host', 'text', (c) => c.notNull())
        .addColumn('um_tcp', 'integer', (c) => c.notNull())
        .addColumn('um_tls', 'integer', (c) => c.notNull())
        .addColumn('calls', 'integer', (c) => c.notNull())
        .addColumn('max_calls', 'integer', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        // Milliseconds since the epoch by the node's clock (nodes are expected to run NTP).
        .addColumn('heartbeat_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('nodes').execute();
    },
  };
}
