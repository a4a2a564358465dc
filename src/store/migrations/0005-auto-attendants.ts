// Fifth schema version: auto attendants (Exchange's UMAutoAttendant). An auto attendant belongs
// to a dial plan; its pilot numbers have a table of their own (unique within the dial plan, and
// checked against every dial plan's access numbers when claimed), so the routing lookup is one
// indexed read. Key mappings are rows whose targets are foreign keys: removing a user removes the
// keys that led to their voice mail, and an auto attendant another one's key leads to cannot be
// removed (the application refuses it with the referring names). Audio (greetings, holiday
// greetings, announcements) sits in its own table, so loading the configuration never loads audio.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function autoAttendants(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const blob = engine === 'postgres' ? 'bytea' : 'blob';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('auto_attendants')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('dial_plan_id', 'integer', (c) => c.notNull().references('dial_plans.id'))
        .addColumn('enabled', 'integer', (c) => c.notNull())
        /** IANA time zone name (Europe/Rome). */
        .addColumn('time_zone', 'text', (c) => c.notNull())
        /** JSON array of weekly ranges in minutes from Sunday 00:00: [{start, end}]. */
        .addColumn('business_hours', 'text', (c) => c.notNull())
        .addColumn('operator_extension', 'text')
        .addColumn('dial_by_extension', 'integer', (c) => c.notNull())
        /** off | LastName | FirstName */
        .addColumn('dial_by_name', 'text', (c) => c.notNull())
        /** en-US … ; null: the dial plan's default language. */
        .addColumn('language', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auto_attendants_name').on('auto_attendants').unique().expression(sql`lower(name)`).execute();
      await db.schema.createIndex('auto_attendants_dial_plan').on('auto_attendants').column('dial_plan_id').execute();

      await db.schema.createTable('auto_attendant_numbers')
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('dial_plan_id', 'integer', (c) => c.notNull().references('dial_plans.id'))
        .addColumn('auto_attendant_id', 'integer', (c) => c.notNull().references('auto_attendants.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('auto_attendant_numbers_pk', ['dial_plan_id', 'number'])
        .execute();
      await db.schema.createIndex('auto_attendant_numbers_aa').on('auto_attendant_numbers').column('auto_attendant_id').execute();

      await db.schema.createTable('auto_attendant_holidays')
        .addColumn('id', serial, id)
        .addColumn('auto_attendant_id', 'integer', (c) => c.notNull().references('auto_attendants.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        /** YYYY-MM-DD in the auto attendant's time zone, both inclusive. */
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auto_attendant_holidays_name').on('auto_attendant_holidays').unique()
        .columns(['auto_attendant_id', 'name']).execute();

      await db.schema.createTable('auto_attendant_keys')
        .addColumn('auto_attendant_id', 'integer', (c) => c.notNull().references('auto_attendants.id').onDelete('cascade'))
        /** business | after */
        .addColumn('hours', 'text', (c) => c.notNull())
        /** 1-9 */
        .addColumn('key', 'text', (c) => c.notNull())
        /** transfer | autoattendant | announcement | voicemail */
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('extension', 'text')
        .addColumn('target_auto_attendant_id', 'integer', (c) => c.references('auto_attendants.id'))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('auto_attendant_keys_pk', ['auto_attendant_id', 'hours', 'key'])
        .execute();

      // slot: business-hours | after-hours | holiday:<holiday id> | announcement:<hours>:<key>
      await db.schema.createTable('auto_attendant_audio')
        .addColumn('auto_attendant_id', 'integer', (c) => c.notNull().references('auto_attendants.id').onDelete('cascade'))
        .addColumn('slot', 'text', (c) => c.notNull())
        .addColumn('wav', blob, (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('auto_attendant_audio_pk', ['auto_attendant_id', 'slot'])
        .execute();
    },
  };
}
