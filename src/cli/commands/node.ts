// `openum node list|remove`: the nodes sharing this store (org/nodes.ts): their roles, health
// (a heartbeat in the last few seconds), calls, version; and forgetting one that is gone for good.
import { listNodes, removeNode, type NodeView } from '../../org/nodes.js';
import { flag, parse } from '../args.js';
import { printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum node — the nodes sharing this store (several nodes share one PostgreSQL store)
  list [--json]   each node: roles, health (live: a heartbeat in the last 6 s), state (running,
                  or draining/restarting a role: openum service restart), where its UM service
                  is reached, transports, calls / MaxCallsAllowed, version, last heartbeat
  remove NAME     forget a node that is stopped or gone (a live one is refused)`;

function state(n: NodeView): string {
  if (n.health !== 'live' || !n.restart) return n.state;
  // A UM service asked to restart gets no new calls from then on: it is draining already.
  const now = n.restart.state === 'requested' ? (n.restart.role === 'um' ? 'draining' : 'restarting') : n.restart.state;
  return `${now} ${n.restart.role}`;
}

function transports(n: NodeView): string {
  const t = [n.umTcp ? 'TCP' : '', n.umTls ? 'TLS' : ''].filter(Boolean).join('+');
  return t || '-';
}

const commands: CommandTable = {
  async list(argv) {
    const p = parse('node list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const nodes = await listNodes(node.store.db, Date.now());
      if (flag(p, 'json')) return printJson(nodes);
      if (nodes.length === 0) return void console.log("no node has run on this store yet: 'openum start' registers one");
      printTable(['NAME', 'ROLES', 'HEALTH', 'STATE', 'UM AT', 'UM TAKES', 'CALLS', 'VERSION', 'LAST HEARTBEAT'],
        nodes.map((n) => [n.name, n.roles, n.health, state(n), n.sipHost, transports(n), `${n.calls}/${n.maxCalls}`, n.version, `${n.heartbeatAt} (${Math.round(n.heartbeatAgeMs / 1000)} s ago)`]));
    });
  },
  async remove(argv) {
    const p = parse('node remove', argv, {}, { min: 1, max: 1, usage: 'NAME' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeNode(node.store.db, p.positionals[0] ?? '', Date.now());
      console.log(`node ${p.positionals[0]} removed from the node list`);
    });
  },
};

export const nodeCommand = (argv: string[]) => runSubcommand('node', commands, argv, HELP);
