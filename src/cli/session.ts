// Opens the node a management command works on, runs the command, and closes it whatever happens.
import { userInfo } from 'node:os';
import { OpenUmError } from '../errors.js';
import { openNode, readNodeName, resolveDataDir, type OpenNode } from '../services/node.js';
import { str, type Parsed } from './args.js';

export function cliActor(): { name: string } {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch { /* no passwd entry (containers): keep "unknown" */ }
  return { name: `cli:${user}` };
}

export async function withNode<T>(p: Parsed, work: (node: OpenNode) => Promise<T>): Promise<T> {
  const dataDir = resolveDataDir(str(p, 'data'));
  // Checked before opening the store, which would create the directory, the store and master.key.
  if (readNodeName(dataDir) === undefined) {
    throw new OpenUmError('STORE_UNAVAILABLE',
      `the data directory ${dataDir} is not initialised: run 'openum start --data ${dataDir}' (or 'openum init') first`);
  }
  const node = await openNode({
    dataDir,
    databaseUrl: process.env.OPENUM_DATABASE_URL || undefined,
    actor: cliActor(),
  });
  try {
    return await work(node);
  } finally {
    await node.close();
  }
}
