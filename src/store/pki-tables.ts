// Certificates and requests, their service assignments, trusted roots and CRLs: kysely table types
// (schema.ts says how columns are typed for both engines).
import type { Int, Id } from './column-types.js';

export interface CertificatesTable {
  id: Id;
  /** The node the certificate was made or imported on; every node sharing the store may use it (migration 0012). */
  server_name: string;
  /** SHA-1 of the certificate DER (or of the request DER while pending), upper-case hex; unique in the store. */
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
