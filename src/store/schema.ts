// Table types for kysely. One query code serves both engines, so every column uses a type both
// SQLite and PostgreSQL store the same way: text for timestamps (ISO 8601, UTC), integer 0/1 for
// booleans, blob/bytea for DER and encrypted key material (a Buffer on both drivers).
import type { ColumnType, Generated } from 'kysely';

/** Integer columns: PostgreSQL's driver hands 64-bit values back as strings. */
type Int = ColumnType<number, number, number>;
type Id = Generated<number>;

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
  /** Thumbprint of the self-signed certificate made at install (the default for UM/UMCallRouter). */
  install_certificate: string | null;
  created_at: string;
  updated_at: string;
}

export interface CertificatesTable {
  id: Id;
  server_name: string;
  /** SHA-1 of the certificate DER (or of the request DER while pending), upper-case hex. */
  thumbprint: string;
  /** 'certificate' | 'request' */
  kind: string;
  /** Certificate DER, or PKCS#10 DER while the entry is a pending request. */
  der: Buffer;
  /** Further certificates of the chain (DER each), concatenated as a JSON array of base64. */
  chain: string;
  /** AES-256-GCM sealed PKCS#8 DER (pki/key-vault.ts); null when the store has no private key. */
  private_key: Buffer | null;
  exportable: Int;
  friendly_name: string;
  /** 'self-signed' | 'request' | 'import' */
  origin: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceAssignmentsTable {
  server_name: string;
  /** IIS | SMTP | IMAP | POP | UM | UMCallRouter */
  service: string;
  thumbprint: string;
  assigned_at: string;
}

export interface TrustedRootsTable {
  thumbprint: string;
  subject: string;
  der: Buffer;
  added_at: string;
}

export interface CrlsTable {
  id: Id;
  /** SHA-1 of the CRL DER, upper-case hex. */
  fingerprint: string;
  issuer: string;
  this_update: string;
  next_update: string | null;
  der: Buffer;
  added_at: string;
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

/** Store-wide values: e.g. the master key check value. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  meta: MetaTable;
  servers: ServersTable;
  certificates: CertificatesTable;
  service_assignments: ServiceAssignmentsTable;
  trusted_roots: TrustedRootsTable;
  crls: CrlsTable;
  admin_tokens: AdminTokensTable;
  audit_log: AuditLogTable;
  revision: RevisionTable;
}
