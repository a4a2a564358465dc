// Third schema version: voice mail. A voice message is a row from the moment recording starts
// (state 'recording', with the path its audio is being written to), so a worker that dies
// mid-message leaves a row the node finds and completes; 'stored' once the recording ended,
// 'missed' when it was shorter than the minimum (a missed call, no audio kept). Delivery by SMTP
// is tracked per message so a failed send is retried and never lost. mwi_state holds the counts
// last notified per user (RFC 3842), so a NOTIFY goes out only when they change. SMTP settings
// are columns on servers; a user's own greeting has a table of its own.
import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function voicemail(engine: Engine) {
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const blob = engine === 'postgres' ? 'bytea' : 'blob';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('voice_messages')
        .addColumn('id', serial, id)
        /** Random, URL-safe: names the audio file and the e-mail's Message-ID. */
        .addColumn('message_key', 'text', (c) => c.notNull().unique())
        .addColumn('server_name', 'text', (c) => c.notNull())
        .addColumn('worker', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('caller_id', 'text', (c) => c.notNull())
        .addColumn('caller_name', 'text', (c) => c.notNull())
        .addColumn('called', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        /** Relative to the data directory. */
        .addColumn('audio_path', 'text', (c) => c.notNull())
        .addColumn('audio_format', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('end_reason', 'text')
        .addColumn('read', 'integer', (c) => c.notNull())
        .addColumn('delivery', 'text', (c) => c.notNull())
        .addColumn('delivery_attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('voice_messages_user').on('voice_messages').columns(['user_id', 'state', 'read']).execute();
      await db.schema.createIndex('voice_messages_state').on('voice_messages').columns(['server_name', 'state', 'worker']).execute();
      await db.schema.createIndex('voice_messages_delivery').on('voice_messages').columns(['delivery', 'next_attempt_at']).execute();

      await db.schema.createTable('mwi_state')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('unread', 'integer', (c) => c.notNull())
        .addColumn('read', 'integer', (c) => c.notNull())
        .addColumn('notified_at', 'text', (c) => c.notNull())
        .execute();

      // A user's own greeting, apart from users so that routing lookups never load audio.
      await db.schema.createTable('user_greetings')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('wav', blob, (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('servers').addColumn('smtp_host', 'text').execute();
      await db.schema.alterTable('servers').addColumn('smtp_port', 'integer', (c) => c.notNull().defaultTo(25)).execute();
      await db.schema.alterTable('servers').addColumn('smtp_security', 'text', (c) => c.notNull().defaultTo('starttls')).execute();
      await db.schema.alterTable('servers').addColumn('smtp_from', 'text').execute();
      await db.schema.alterTable('servers').addColumn('min_recording_ms', 'integer', (c) => c.notNull().defaultTo(2000)).execute();
    },
  };
}
