// `openum service restart um|callrouter [--node N] [--timeout S] [--no-wait]`: asks a node (this
// data directory's by default) to restart a role through the store (org/role-restarts.ts) and
// follows the request until the node reports what it did. The node's running server does the
// work (services/role-restarter.ts); this command works from any node sharing the store.
import { OpenUmError } from '../../errors.js';
import { listNodes, NODE_STALE_MS } from '../../org/nodes.js';
import {
  DEFAULT_RESTART_TIMEOUT_S, getRoleRestart, parseRestartRole, parseRestartTimeout, requestRoleRestart, roleName, updateRoleRestart, type RoleRestart,
} from '../../org/role-restarts.js';
import { requireServer } from '../../services/node.js';
import { flag, parse, str } from '../args.js';
import { printJson } from '../output.js';
import { withNode } from '../session.js';

export const RESTART_HELP = `openum service restart um|callrouter [--node NAME] [--timeout SECONDS] [--no-wait] [--json]
  Restarts a role of a running node (default: this data directory's node), without a call lost:
  um          the UM service stops taking new calls (the Call Routers of every node send them to
              other UM services at once), waits for the calls in progress to end, restarts its
              workers and reopens its SIP listeners. After --timeout seconds (default
              ${DEFAULT_RESTART_TIMEOUT_S}, 0 to 3600) the calls still in progress are ended (recordings kept).
  callrouter  every Call Router process is replaced by a new one, one at a time; the node keeps
              its SIP ports open throughout (a Call Router holds no call: it redirects and forgets).
  The command waits and says what the node did; --no-wait returns once the node is asked
  ('openum node list' shows the node draining and restarting).`;

/** The request is taken up within a second by a running node; longer means it never will be. */
const PICKUP_MS = 10_000;
const POLL_MS = 250;

function describe(r: RoleRestart, calls: number | undefined): string {
  if (r.state === 'draining') return `draining: ${calls ?? r.callsAtStart ?? 0} call${(calls ?? r.callsAtStart) === 1 ? '' : 's'} in progress`;
  return r.state;
}

export async function serviceRestartCommand(argv: string[]): Promise<void> {
  const p = parse('service restart', argv, { node: { type: 'string' }, timeout: { type: 'string' }, 'no-wait': { type: 'boolean' } },
    { min: 1, max: 1, usage: 'um|callrouter [--node NAME] [--timeout SECONDS] [--no-wait]' });
  if (p.values.help) return void console.log(RESTART_HELP);
  const role = parseRestartRole(p.positionals[0] ?? '');
  const timeoutMs = parseRestartTimeout(str(p, 'timeout'), '--timeout');
  await withNode(p, async (node) => {
    const db = node.store.db;
    const target = str(p, 'node') ?? requireServer(node);
    const asked = await requestRoleRestart(db, node.actor, { node: target, role, timeoutMs });
    const json = flag(p, 'json');
    if (flag(p, 'no-wait')) {
      if (json) return printJson(asked);
      return void console.log(`asked ${target} to restart its ${roleName(role)} (request ${asked.id}); 'openum node list' shows it`);
    }
    /** Why the request will not finish, if it will not: not taken up, or the node stopped answering. */
    const stalled = (r: RoleRestart, live: boolean): string | undefined => {
      if (r.state === 'requested' && Date.now() - Date.parse(r.requestedAt) > PICKUP_MS) {
        return `the node did not take the request up within ${PICKUP_MS / 1000} s (is its server running a version without role restarts?)`;
      }
      return live ? undefined : `${target} stopped answering during the restart (no heartbeat for ${NODE_STALE_MS / 1000} s)`;
    };
    let last = '';
    const deadline = Date.now() + timeoutMs + 60_000;
    for (;;) {
      const [r, n] = await Promise.all([getRoleRestart(db, asked.id), listNodes(db, Date.now()).then((l) => l.find((x) => x.name === target))]);
      if (!r) throw new OpenUmError('RESTART_FAILED', `the restart request ${asked.id} vanished from the store`);
      if (r.state === 'done') {
        if (json) return printJson(r);
        return void console.log(`${target}: ${r.outcome ?? `${roleName(role)} restarted`}`);
      }
      if (r.state === 'failed') throw new OpenUmError('RESTART_FAILED', `${target}: ${r.outcome ?? 'the restart failed'}; its log says more`);
      const now = describe(r, n?.calls);
      if (!json && now !== last) console.error(`${target}: ${now}`);
      last = now;
      const problem = stalled(r, n?.health === 'live');
      if (problem || Date.now() > deadline) {
        const why = problem ?? `the restart did not finish within ${Math.round((timeoutMs + 60_000) / 1000)} s`;
        await updateRoleRestart(db, r.id, { state: 'failed', finishedAt: new Date().toISOString(), outcome: why });
        throw new OpenUmError('RESTART_FAILED', `${target}: ${why}; its log says more`);
      }
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  });
}
