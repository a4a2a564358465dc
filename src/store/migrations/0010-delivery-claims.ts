// Tenth schema version (issue 11): SMTP delivery is a job any node sharing the store may do. A
// node claims a due message (claimed_by, claimed_until: a lease) before it sends it, so two nodes
// never send the same one; a node that dies with a claim leaves it to be taken again when the
// lease ends (org/delivery-claims.ts).
import type { Kysely } from 'kysely';

export function deliveryClaims() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('voice_messages').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('voice_messages').addColumn('claimed_until', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('voice_messages').dropColumn('claimed_until').execute();
      await db.schema.alterTable('voice_messages').dropColumn('claimed_by').execute();
    },
  };
}
