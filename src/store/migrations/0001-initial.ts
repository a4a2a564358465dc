// First schema version: the local server and its UM/Call Router settings, certificates and their
// service assignments, trusted roots and CRLs, admin tokens, the audit log and the change revision.
import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

export function initial(engine: Engine) {
  const blob = engine === 'postgres' ? 'bytea' : 'blob';
  const serial = engine === 'postgres' ? 'serial' : 'integer';
  const id = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('servers')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('fqdn', 'text', (c) => c.notNull())
        .addColumn('um_startup_mode', 'text', (c) => c.notNull())
        .addColumn('um_max_calls', 'integer', (c) => c.notNull())
        .addColumn('cr_startup_mode', 'text', (c) => c.notNull())
        .addColumn('cr_sip_tcp_port', 'integer', (c) => c.notNull())
        .addColumn('cr_sip_tls_port', 'integer', (c) => c.notNull())
        .addColumn('cr_sip_udp', 'integer', (c) => c.notNull())
        .addColumn('admin_address', 'text', (c) => c.notNull())
        .addColumn('admin_port', 'integer', (c) => c.notNull())
        .addColumn('rtp_port_min', 'integer', (c) => c.notNull().defaultTo(1024))
        .addColumn('rtp_port_max', 'integer', (c) => c.notNull().defaultTo(65535))
        .addColumn('install_certificate', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('certificates')
        .addColumn('id', serial, id)
        .addColumn('server_name', 'text', (c) => c.notNull().references('servers.name'))
        .addColumn('thumbprint', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('der', blob, (c) => c.notNull())
        .addColumn('chain', 'text', (c) => c.notNull())
        .addColumn('private_key', blob)
        .addColumn('exportable', 'integer', (c) => c.notNull())
        .addColumn('friendly_name', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('certificates_server_thumbprint', ['server_name', 'thumbprint'])
        .execute();

      await db.schema.createTable('service_assignments')
        .addColumn('server_name', 'text', (c) => c.notNull().references('servers.name'))
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('thumbprint', 'text', (c) => c.notNull())
        .addColumn('assigned_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_assignments_pk', ['server_name', 'service'])
        .execute();

      await db.schema.createTable('trusted_roots')
        .addColumn('thumbprint', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('der', blob, (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('crls')
        .addColumn('id', serial, id)
        .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('this_update', 'text', (c) => c.notNull())
        .addColumn('next_update', 'text')
        .addColumn('der', blob, (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('admin_tokens')
        .addColumn('id', serial, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();

      await db.schema.createTable('audit_log')
        .addColumn('id', serial, id)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('revision')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('revision' as never).values({ id: 1, value: 0, changed_at: new Date().toISOString() } as never).execute();
    },
  };
}
