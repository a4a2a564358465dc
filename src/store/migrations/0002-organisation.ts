// Second schema version: the UM organisation objects (Exchange's UMDialPlan, UMIPGateway,
// UMHuntGroup and UM-enabled mailboxes). Surrogate integer ids, foreign keys by id; names are
// unique without regard to case (an index on lower(name), which the lookups use). Access numbers
// have a table of their own so that a number is unique across dial plans and a pilot lookup is
// one indexed read; dial_plans.access_numbers keeps the ordered list for display.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function organisation(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('dial_plans')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('uri_type', 'text', (c) => c.notNull())
        .addColumn('extension_length', 'integer')
        .addColumn('voip_security', 'text', (c) => c.notNull())
        .addColumn('country_code', 'text')
        .addColumn('access_numbers', 'text', (c) => c.notNull())
        .addColumn('default_language', 'text', (c) => c.notNull())
        .addColumn('max_call_minutes', 'integer', (c) => c.notNull())
        .addColumn('max_recording_minutes', 'integer', (c) => c.notNull())
        .addColumn('recording_idle_seconds', 'integer', (c) => c.notNull())
        .addColumn('input_failures', 'integer', (c) => c.notNull())
        .addColumn('logon_failures', 'integer', (c) => c.notNull())
        .addColumn('audio_codec', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dial_plans_name').on('dial_plans').unique().expression(sql`lower(name)`).execute();

      await db.schema.createTable('dial_plan_access_numbers')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('dial_plan_id', 'integer', (c) => c.notNull().references('dial_plans.id'))
        .execute();
      await db.schema.createIndex('dial_plan_access_numbers_plan').on('dial_plan_access_numbers').column('dial_plan_id').execute();

      await db.schema.createTable('ip_gateways')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull().unique())
        .addColumn('address_kind', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('outcalls_allowed', 'integer', (c) => c.notNull())
        .addColumn('mwi_allowed', 'integer', (c) => c.notNull())
        .addColumn('ip_family', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ip_gateways_name').on('ip_gateways').unique().expression(sql`lower(name)`).execute();
      await db.schema.createIndex('ip_gateways_status').on('ip_gateways').column('status').execute();

      await db.schema.createTable('hunt_groups')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('gateway_id', 'integer', (c) => c.notNull().references('ip_gateways.id'))
        .addColumn('dial_plan_id', 'integer', (c) => c.notNull().references('dial_plans.id'))
        // '' is "any call" (Exchange's empty pilot identifier); never NULL, so the unique
        // constraint below holds on both engines (NULLs are distinct in a unique index).
        .addColumn('pilot_identifier', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('hunt_groups_gateway_pilot', ['gateway_id', 'pilot_identifier'])
        .execute();
      await db.schema.createIndex('hunt_groups_gateway_name').on('hunt_groups').unique().columns(['gateway_id', 'name']).execute();
      await db.schema.createIndex('hunt_groups_dial_plan').on('hunt_groups').column('dial_plan_id').execute();

      await db.schema.createTable('users')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('extension', 'text', (c) => c.notNull())
        /** sip:user@host, lower-case (compared case-insensitively). */
        .addColumn('sip_uri', 'text', (c) => c.unique())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('dial_plan_id', 'integer', (c) => c.notNull().references('dial_plans.id'))
        .addColumn('um_enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_dial_plan_extension', ['dial_plan_id', 'extension'])
        .execute();
      await db.schema.createIndex('users_name').on('users').unique().expression(sql`lower(name)`).execute();
    },
  };
}
