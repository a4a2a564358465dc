// Versioned migrations, applied in name order at every open. A new schema version is a new file
// in migrations/ added to the list below; a migration is never edited once released.
import { Migrator, type Kysely, type Migration } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Engine } from './engine.js';
import { initial } from './migrations/0001-initial.js';
import { organisation } from './migrations/0002-organisation.js';
import { voicemail } from './migrations/0003-voicemail.js';
import { mailboxPolicies } from './migrations/0004-mailbox-policies.js';
import { autoAttendants } from './migrations/0005-auto-attendants.js';
import { playOnPhone } from './migrations/0006-play-on-phone.js';
import { webAccounts } from './migrations/0007-web-accounts.js';
import { sipAddresses } from './migrations/0008-sip-addresses.js';
import { nodes } from './migrations/0009-nodes.js';
import { deliveryClaims } from './migrations/0010-delivery-claims.js';
import { mwiJobs } from './migrations/0011-mwi-jobs.js';
import { clusterOperations } from './migrations/0012-cluster-operations.js';
import type { Database } from './schema.js';

function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': initial(engine),
    '0002-organisation': organisation(engine),
    '0003-voicemail': voicemail(engine),
    '0004-mailbox-policies': mailboxPolicies(engine),
    '0005-auto-attendants': autoAttendants(engine),
    '0006-play-on-phone': playOnPhone(engine),
    '0007-web-accounts': webAccounts(engine),
    '0008-sip-addresses': sipAddresses(),
    '0009-nodes': nodes(),
    '0010-delivery-claims': deliveryClaims(),
    '0011-mwi-jobs': mwiJobs(),
    '0012-cluster-operations': clusterOperations(engine),
  };
}

/** Applies every migration, or those up to `target` (tests of a migration's data steps). */
export async function migrateToLatest(db: Kysely<Database>, engine: Engine, schema?: string, target?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(engine) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new OpenUmError('STORE_UNAVAILABLE', `store migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
}
