// Seventh schema version: the UM web services for users and the admin center (issue 9).
// - users.call_answering (1: UM answers calls diverted to it; 0: the Call Router refuses them with
//   480 and the PBX keeps the call), users.missed_call_notifications (null: the mailbox policy's
//   setting; 0/1: the user's own) and users.language (null: the dial plan's default language).
// - user_web_accounts: a user's web password (scrypt, as PINs: org/pin-hash.ts), the wrong
//   passwords counted against the mailbox policy's max logon attempts, and the lock they set.
// - web_invites: one-time links to set a web password; the token is kept as its SHA-256 only.
// - admin_accounts: administrators who sign in with a name and a password (besides tokens).
// - web_sessions: signed-in browsers; the cookie value is kept as its SHA-256 only, with the
//   CSRF token the browser echoes, and the idle and absolute expiries (org/web-sessions.ts).
import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function webAccounts(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('call_answering', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('users').addColumn('missed_call_notifications', 'integer').execute();
      await db.schema.alterTable('users').addColumn('language', 'text').execute();

      await db.schema.createTable('user_web_accounts')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('password_hash', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('locked', 'integer', (c) => c.notNull())
        .addColumn('set_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('web_invites')
        .addColumn('id', serial, id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();

      await db.schema.createTable('admin_accounts')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('web_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('web_sessions_account').on('web_sessions').columns(['kind', 'account_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('web_sessions').execute();
      await db.schema.dropTable('admin_accounts').execute();
      await db.schema.dropTable('web_invites').execute();
      await db.schema.dropTable('user_web_accounts').execute();
      await db.schema.alterTable('users').dropColumn('language').execute();
      await db.schema.alterTable('users').dropColumn('missed_call_notifications').execute();
      await db.schema.alterTable('users').dropColumn('call_answering').execute();
    },
  };
}
