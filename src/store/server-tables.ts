// The servers and nodes sharing the store, and store-wide bookkeeping: settings, heartbeats,
// audit, revision, admin tokens: kysely table types (schema.ts says how columns are typed for both
// engines).
import type { ColumnType } from 'kysely';
import type { Int, Id } from './column-types.js';

/** Store-wide values: e.g. the master key check value. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface ServersTable {
  name: string;
  fqdn: string;
  um_startup_mode: string;
  um_max_calls: Int;
  cr_startup_mode: string;
  cr_sip_tcp_port: Int;
  cr_sip_tls_port: Int;
  cr_sip_udp: Int;
  admin_address: string;
  admin_port: Int;
  /** UDP range for RTP/RTCP on the workers (seeds: 1024–65535, changeable). */
  rtp_port_min: ColumnType<number, number | undefined, number>;
  rtp_port_max: ColumnType<number, number | undefined, number>;
  /** Thumbprint of the self-signed certificate made at install (the default for UM/UMCallRouter). */
  install_certificate: string | null;
  /** JSON list of the IP addresses the SIP roles listen on; null: 0.0.0.0 (migration 0008). */
  sip_addresses: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where voice mail is sent by e-mail; null: not configured (messages wait, undelivered). */
  smtp_host: ColumnType<string | null, string | null | undefined, string | null>;
  smtp_port: ColumnType<number, number | undefined, number>;
  /** none | starttls (upgrade when offered) | require-starttls | tls (implicit, port 465) */
  smtp_security: ColumnType<string, string | undefined, string>;
  smtp_from: ColumnType<string | null, string | null | undefined, string | null>;
  /** Recordings shorter than this are missed calls, not messages. */
  min_recording_ms: ColumnType<number, number | undefined, number>;
  created_at: string;
  updated_at: string;
}

/** One row per running node sharing the store (migration 0009; org/nodes.ts). */
export interface NodesTable {
  name: string;
  /** all | callrouter | um */
  roles: string;
  /** Where other nodes' Call Routers reach this node's UM service. */
  sip_host: string;
  um_tcp: Int;
  um_tls: Int;
  calls: Int;
  max_calls: Int;
  version: string;
  pid: Int;
  /** running | stopped (a role restart in progress is in role_restarts) */
  state: string;
  started_at: string;
  heartbeat_ms: Int;
}

/** A role restart asked of one node (migration 0012; org/role-restarts.ts). */
export interface RoleRestartsTable {
  id: Id;
  node: string;
  /** um | callrouter */
  role: string;
  /** requested | draining | restarting | done | failed */
  state: string;
  timeout_ms: Int;
  requested_by: string;
  requested_at: string;
  started_at: string | null;
  finished_at: string | null;
  calls_at_start: Int | null;
  calls_ended: Int | null;
  outcome: string | null;
}

export interface AdminTokensTable {
  id: Id;
  name: string;
  /** SHA-256 of the token, hex. Tokens are 256-bit random values, so a plain hash suffices. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AuditLogTable {
  id: Id;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: string;
}

export interface RevisionTable {
  id: Int;
  value: Int;
  changed_at: string;
}
