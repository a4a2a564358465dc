// `openum init`: initialises a data directory as the first `openum start` does (the store, the
// server's self-signed certificate, an administrator token), without starting the server. Its
// own module, so that it does not load the server (the SIP roles, the admin web server): tests
// and scripts that prepare many data directories pay only for what init does.
import { initialiseNode } from '../../services/install.js';
import { openNode, resolveDataDir } from '../../services/node.js';
import { parse, str } from '../args.js';
import { cliActor } from '../session.js';

const INIT_HELP = `openum init [--data DIR] [--fqdn NAME] [--name NAME]
  Initialises DIR as 'openum start' does on first start, without starting the server.`;

export async function initCommand(argv: string[]): Promise<void> {
  const p = parse('init', argv, { fqdn: { type: 'string' }, name: { type: 'string' } }, { min: 0, max: 0, usage: '[--data DIR] [--fqdn NAME]' });
  if (p.values.help) return void console.log(INIT_HELP);
  const node = await openNode({ dataDir: resolveDataDir(str(p, 'data')), databaseUrl: process.env.OPENUM_DATABASE_URL || undefined, actor: cliActor() });
  try {
    if (node.serverName) return void console.log(`${node.dataDir} is already initialised (server ${node.serverName})`);
    const r = await initialiseNode(node, { fqdn: str(p, 'fqdn'), name: str(p, 'name') });
    printInstall(node.dataDir, r);
  } finally {
    await node.close();
  }
}

export function printInstall(dataDir: string, r: Awaited<ReturnType<typeof initialiseNode>>): void {
  console.log(`initialised ${dataDir}: server ${r.serverName}, FQDN ${r.fqdn}`);
  console.log(`self-signed certificate ${r.certificateThumbprint} assigned to IIS and SMTP`);
  console.log(`administrator token (shown once; keep it): ${r.adminToken}`);
}
