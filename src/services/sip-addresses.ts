// Before store migration 0008, a node's SIP listen addresses were a file beside node.json
// (DATA/sip-addresses.json). openNode moves such a file into the server's row once, keeping a
// value already stored, and renames the file so it is not read again.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { findServer, setServerIdentity } from '../org/server-settings.js';
import { parseSipAddresses } from '../org/sip-addresses.js';
import type { Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';

export const LEGACY_SIP_ADDRESSES_FILE = 'sip-addresses.json';

/** What became of a legacy file: nothing there, moved into the store, or left as it was stored. */
export type LegacyImport = 'none' | 'imported' | 'kept-stored' | 'unreadable';

export async function importLegacySipAddresses(db: Kysely<Database>, actor: Actor, dataDir: string, server: string, log?: Logger): Promise<LegacyImport> {
  const file = join(dataDir, LEGACY_SIP_ADDRESSES_FILE);
  if (!existsSync(file)) return 'none';
  let addresses: string[] | undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { addresses?: unknown };
    if (Array.isArray(parsed.addresses)) addresses = parseSipAddresses(parsed.addresses.map(String), file);
  } catch {
    addresses = undefined;
  }
  const current = await findServer(db, server);
  let result: LegacyImport;
  if (!addresses) result = 'unreadable';
  else if (current?.sipAddressesStored) result = 'kept-stored';
  else {
    await setServerIdentity(db, actor, server, { sipAddresses: addresses });
    result = 'imported';
  }
  renameSync(file, `${file}.${result === 'imported' ? 'imported' : 'ignored'}`);
  log?.info({ file, result, addresses }, 'SIP addresses file moved into the store');
  return result;
}
