// Play on Phone (issue 8): a dial plan's outdialing rules (which numbers a UM server may call for
// it; null = its own extensions only), and one row per Play on Phone call, from the request
// ('queued') through the worker's progress (dialing, ringing, playing) to its end (completed,
// failed with the SIP status and reason, cancelled). A cancel asked for while a worker carries
// the call is a flag the main process forwards to it.
import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function playOnPhone(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('dial_plans').addColumn('outdial_allowed', 'text').execute();
      await db.schema.createTable('play_on_phone_calls')
        .addColumn('id', serial, id)
        .addColumn('server_name', 'text', (c) => c.notNull())
        // No foreign key to the message: key 3 deletes the message during the call, and the progress stays.
        .addColumn('message_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('gateway_id', 'integer', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('sip_status', 'integer')
        .addColumn('reason', 'text')
        .addColumn('worker', 'integer')
        .addColumn('cancel_requested', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('play_on_phone_calls_state').on('play_on_phone_calls').columns(['server_name', 'state']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('play_on_phone_calls').execute();
      await db.schema.alterTable('dial_plans').dropColumn('outdial_allowed').execute();
    },
  };
}
