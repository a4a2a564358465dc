// Rows of the certificates and service_assignments tables, as records the pki/ operations use.
// Certificates belong to the store: every node sharing it sees and may use each one (migration
// 0012). Service assignments are per node (server), as Enable-ExchangeCertificate -Server.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { CertificatesTable, Database } from '../store/schema.js';
import type { Service } from './services.js';

export type CertificateKind = 'certificate' | 'request';
export type CertificateOrigin = 'self-signed' | 'request' | 'import';

export interface CertificateRecord {
  id: number;
  thumbprint: string;
  kind: CertificateKind;
  der: Buffer;
  chain: Buffer[];
  sealedKey: Buffer | null;
  exportable: boolean;
  friendlyName: string;
  origin: CertificateOrigin;
  /** The node it was made or imported on. */
  addedBy: string;
  createdAt: string;
}

type Db = Kysely<Database> | Transaction<Database>;

function toRecord(row: Selectable<CertificatesTable>): CertificateRecord {
  return {
    id: Number(row.id),
    thumbprint: row.thumbprint,
    kind: row.kind as CertificateKind,
    der: Buffer.from(row.der),
    chain: (JSON.parse(row.chain) as string[]).map((b) => Buffer.from(b, 'base64')),
    sealedKey: row.private_key ? Buffer.from(row.private_key) : null,
    exportable: Number(row.exportable) === 1,
    friendlyName: row.friendly_name,
    origin: row.origin as CertificateOrigin,
    addedBy: row.server_name,
    createdAt: row.created_at,
  };
}

/** Accepts "ab:cd…", "AB CD …" and lower case; returns upper-case hex without separators. */
export function normaliseThumbprint(text: string): string {
  const t = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}$/.test(t)) {
    throw new OpenUmError('BAD_ARGUMENT', `"${text}" is not a thumbprint (40 hexadecimal digits)`, { cli: "'openum certificate list' shows them", api: 'GET /api/certificates lists them' });
  }
  return t;
}

/** Every certificate and request in the store. */
export async function listRecords(db: Db): Promise<CertificateRecord[]> {
  const rows = await db.selectFrom('certificates').selectAll().orderBy('id').execute();
  return rows.map(toRecord);
}

export async function findRecord(db: Db, thumbprint: string): Promise<CertificateRecord | undefined> {
  const row = await db.selectFrom('certificates').selectAll().where('thumbprint', '=', thumbprint).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function getRecord(db: Db, thumbprintText: string): Promise<CertificateRecord> {
  const thumbprint = normaliseThumbprint(thumbprintText);
  const rec = await findRecord(db, thumbprint);
  if (!rec) {
    throw new OpenUmError('CERTIFICATE_NOT_FOUND', `no certificate or request with thumbprint ${thumbprint} in the store`, { cli: "'openum certificate list' shows them", api: 'GET /api/certificates lists them' });
  }
  return rec;
}

/** Adds a certificate or request to the store; `server` is the node it is made or imported on. */
export async function insertRecord(
  trx: Transaction<Database>,
  server: string,
  rec: Omit<CertificateRecord, 'id' | 'createdAt' | 'addedBy'>,
): Promise<void> {
  const now = new Date().toISOString();
  if (await findRecord(trx, rec.thumbprint)) {
    throw new OpenUmError('CERTIFICATE_EXISTS', `the certificate ${rec.thumbprint} is already in the store`);
  }
  await trx.insertInto('certificates').values({
    server_name: server,
    thumbprint: rec.thumbprint,
    kind: rec.kind,
    der: rec.der,
    chain: JSON.stringify(rec.chain.map((c) => c.toString('base64'))),
    private_key: rec.sealedKey,
    exportable: rec.exportable ? 1 : 0,
    friendly_name: rec.friendlyName,
    origin: rec.origin,
    created_at: now,
    updated_at: now,
  }).execute();
}

/** Turns a pending request into the certificate issued for it (same key, new thumbprint). */
export async function completeRequest(
  trx: Transaction<Database>,
  id: number,
  issued: { thumbprint: string; der: Buffer; chain: Buffer[] },
): Promise<void> {
  await trx.updateTable('certificates').set({
    thumbprint: issued.thumbprint,
    kind: 'certificate',
    der: issued.der,
    chain: JSON.stringify(issued.chain.map((c) => c.toString('base64'))),
    updated_at: new Date().toISOString(),
  }).where('id', '=', id).execute();
}

export async function deleteRecord(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.deleteFrom('certificates').where('id', '=', id).execute();
}

/** Service → thumbprint, for the explicit assignments of one server. */
export async function readAssignments(db: Db, server: string): Promise<Map<Service, string>> {
  const rows = await db.selectFrom('service_assignments').select(['service', 'thumbprint']).where('server_name', '=', server).execute();
  return new Map(rows.map((r) => [r.service as Service, r.thumbprint]));
}

/** Every node's explicit assignments: node (server) name → service → thumbprint. */
export async function readAllAssignments(db: Db): Promise<Map<string, Map<Service, string>>> {
  const rows = await db.selectFrom('service_assignments').select(['server_name', 'service', 'thumbprint']).execute();
  const out = new Map<string, Map<Service, string>>();
  for (const r of rows) {
    const m = out.get(r.server_name) ?? new Map<Service, string>();
    m.set(r.service as Service, r.thumbprint);
    out.set(r.server_name, m);
  }
  return out;
}

export async function assignService(trx: Transaction<Database>, server: string, service: Service, thumbprint: string): Promise<void> {
  const at = new Date().toISOString();
  await trx.insertInto('service_assignments')
    .values({ server_name: server, service, thumbprint, assigned_at: at })
    .onConflict((oc) => oc.columns(['server_name', 'service']).doUpdateSet({ thumbprint, assigned_at: at }))
    .execute();
}
