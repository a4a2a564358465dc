// One OpenUM node: its data directory, store, key vault and server identity. Every command and
// the server open the node the same way, so they agree on where everything is.
import { importLegacySipAddresses } from './sip-addresses.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { OpenUmError } from '../errors.js';
import { findServer } from '../org/server-settings.js';
import type { PkiContext } from '../pki/context.js';
import { KeyVault, loadMasterKey, verifyVault } from '../pki/key-vault.js';
import { openStore, type Store } from '../store/database.js';
import type { Actor } from '../store/mutation.js';

export const NODE_FILE = 'node.json';

export interface NodeOptions {
  dataDir: string;
  databaseUrl?: string;
  actor: Actor;
}

export interface OpenNode {
  dataDir: string;
  store: Store;
  vault: KeyVault;
  /** The local server's name, undefined before the node is initialised. */
  serverName: string | undefined;
  actor: Actor;
  close(): Promise<void>;
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.OPENUM_DATA ?? './data');
}

/** The server name recorded in DATA/node.json at initialisation. */
export function readNodeName(dataDir: string): string | undefined {
  const file = join(dataDir, NODE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { server?: unknown };
    return typeof parsed.server === 'string' ? parsed.server : undefined;
  } catch {
    throw new OpenUmError('STORE_UNAVAILABLE', `${file} is damaged: it should hold {"server": "<name>"}`);
  }
}

export function writeNodeName(dataDir: string, name: string): void {
  writeFileSync(join(dataDir, NODE_FILE), JSON.stringify({ server: name }, null, 2) + '\n', { mode: 0o644 });
}

export function defaultServerName(): string {
  return hostname().split('.')[0]?.toLowerCase() || 'openum';
}

export async function openNode(options: NodeOptions): Promise<OpenNode> {
  const store = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    const vault = new KeyVault(loadMasterKey(options.dataDir));
    await verifyVault(store.db, vault, process.env.OPENUM_MASTER_KEY ? 'OPENUM_MASTER_KEY' : join(options.dataDir, 'master.key'));
    const name = readNodeName(options.dataDir);
    const serverName = name && (await findServer(store.db, name)) ? name : undefined;
    if (serverName) await importLegacySipAddresses(store.db, options.actor, options.dataDir, serverName);
    return { dataDir: options.dataDir, store, vault, serverName, actor: options.actor, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The node's PKI context; refuses a node that was never initialised. */
export function pkiContext(node: OpenNode): PkiContext {
  return { db: node.store.db, vault: node.vault, server: requireServer(node), actor: node.actor };
}

export function requireServer(node: OpenNode): string {
  if (!node.serverName) {
    throw new OpenUmError('STORE_UNAVAILABLE',
      `the data directory ${node.dataDir} is not initialised`,
      { cli: `: run 'openum start --data ${node.dataDir}' (or 'openum init') first`, api: ': the server must be initialised and restarted' });
  }
  return node.serverName;
}
