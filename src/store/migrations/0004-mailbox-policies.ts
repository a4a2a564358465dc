// Fourth schema version: the mailbox service, mailbox policies and PINs.
// - audio_objects: audio kept in the store itself (store/audio/table-audio-store.ts): users'
//   greetings (moved here from user_greetings, which goes) and recorded names.
// - voice_messages.deleted_at: a message deleted by phone stays restorable until the caller hangs
//   up (Exchange's "undelete"); the mailbox purges it then, or at the next start after a crash.
// - mailbox_policies (Exchange's UMMailboxPolicy): PIN rules, logon limits and missed-call
//   notifications, each of one dial plan; every dial plan has a default one (made here for the
//   dial plans that exist), and users.policy_id names the user's.
// - user_pins: the PIN as a salted scrypt hash with its parameters, the last hashes (history),
//   whether it must change at the next logon, and the failed logons that reset or lock it.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export const POLICY_DEFAULTS = {
  min_pin_length: 6, pin_lifetime_days: 60, pin_history_count: 5, allow_common_patterns: 0,
  logon_failures_before_pin_reset: 5, max_logon_attempts: 15, missed_call_notifications: 1,
} as const;

export const defaultPolicyName = (dialPlan: string): string => `${dialPlan} Default Policy`;

export function mailboxPolicies(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const blob = engine === 'postgres' ? 'bytea' : 'blob';

  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('audio_objects')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('data', blob, (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO audio_objects (key, data, bytes, updated_at)
        SELECT 'greetings/' || CAST(user_id AS text) || '.wav', wav, length(wav), updated_at FROM user_greetings`.execute(db);
      await db.schema.dropTable('user_greetings').execute();

      await db.schema.alterTable('voice_messages').addColumn('deleted_at', 'text').execute();

      await db.schema.createTable('mailbox_policies')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('dial_plan_id', 'integer', (c) => c.notNull().references('dial_plans.id'))
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('min_pin_length', 'integer', (c) => c.notNull())
        .addColumn('pin_lifetime_days', 'integer', (c) => c.notNull())
        .addColumn('pin_history_count', 'integer', (c) => c.notNull())
        .addColumn('allow_common_patterns', 'integer', (c) => c.notNull())
        .addColumn('logon_failures_before_pin_reset', 'integer', (c) => c.notNull())
        .addColumn('max_logon_attempts', 'integer', (c) => c.notNull())
        .addColumn('missed_call_notifications', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mailbox_policies_name').on('mailbox_policies').unique().expression(sql`lower(name)`).execute();
      await db.schema.createIndex('mailbox_policies_dial_plan').on('mailbox_policies').column('dial_plan_id').execute();
      await db.schema.alterTable('users').addColumn('policy_id', 'integer', (c) => c.references('mailbox_policies.id')).execute();

      const now = new Date().toISOString();
      const plans = await db.selectFrom('dial_plans').select(['id', 'name']).execute() as { id: number; name: string }[];
      for (const plan of plans) {
        const row = await db.insertInto('mailbox_policies').values({
          name: defaultPolicyName(plan.name), dial_plan_id: plan.id, is_default: 1, ...POLICY_DEFAULTS, created_at: now, updated_at: now,
        }).returning('id').executeTakeFirstOrThrow() as { id: number };
        await db.updateTable('users').set({ policy_id: Number(row.id) }).where('dial_plan_id', '=', plan.id).execute();
      }

      await db.schema.createTable('user_pins')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('pin_hash', 'text', (c) => c.notNull())
        .addColumn('history', 'text', (c) => c.notNull())
        .addColumn('must_change', 'integer', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('locked', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
