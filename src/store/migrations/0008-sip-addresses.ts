// Where a server's SIP roles listen (issue 10): a JSON list of IP addresses on its row, null for
// the default (0.0.0.0). Until this migration it was a file beside node.json
// (DATA/sip-addresses.json); openNode moves such a file into the row once.
import type { Kysely } from 'kysely';

export function sipAddresses() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('servers').addColumn('sip_addresses', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('servers').dropColumn('sip_addresses').execute();
    },
  };
}
