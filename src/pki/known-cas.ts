// The CA certificates this store knows: trusted roots and the CAs in stored certificates' chains.
// A CRL is accepted only when one of them signed it.
import { X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { CertificateRecord } from './certificate-repository.js';

export async function knownCas(db: Kysely<Database>, records: CertificateRecord[]): Promise<Buffer[]> {
  const roots = (await db.selectFrom('trusted_roots').select('der').execute()).map((r) => Buffer.from(r.der));
  const chained = records.flatMap((r) => r.chain).filter((der) => {
    try {
      return new X509Certificate(der).ca;
    } catch {
      return false;
    }
  });
  return [...roots, ...chained];
}
