// /api/nodes: the nodes sharing this store (org/nodes.ts), as `openum node list|remove`.
import { z } from 'zod';
import { listNodes, NODE_ROLES, NODE_STATES, removeNode, type NodeView } from '../../org/nodes.js';
import type { OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { errors, noContent, type Same } from '../route-schema.js';

const nodeView = z.object({
  name: z.string(),
  roles: z.enum(NODE_ROLES).describe('all, callrouter (Call Router only) or um (UM service and workers only)'),
  sipHost: z.string().describe("Where other nodes' Call Routers reach its UM service"),
  umTcp: z.boolean().describe('Its UM service takes TCP/UDP calls now'),
  umTls: z.boolean().describe('Its UM service takes TLS calls now'),
  calls: z.number().int(), maxCalls: z.number().int(),
  version: z.string(), pid: z.number().int(),
  state: z.enum(NODE_STATES), startedAt: z.string(), heartbeatAt: z.string(),
  heartbeatAgeMs: z.number().int(),
  health: z.enum(['live', 'stale', 'stopped']).describe('live: a heartbeat in the last 6 s; Call Routers send calls only to live nodes'),
}).meta({ id: 'Node' });
const same: Same<z.output<typeof nodeView>, NodeView> = true;
void same;
const params = z.object({ name: z.string().min(1).max(200) });

export function registerNodeRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['Nodes'];
  app.get('/api/nodes', { schema: { tags, summary: 'The nodes sharing this store: roles, health, calls, version', response: { 200: z.array(nodeView), ...errors() } } },
    async () => listNodes(db, Date.now()));
  app.delete('/api/nodes/:name', { schema: { tags, summary: 'Forget a node that is stopped or gone (409 while it is live)', params, response: { 204: noContent, ...errors(404, 409) } } },
    async (req, reply) => {
      await removeNode(db, req.params.name, Date.now());
      return reply.code(204).send();
    });
}
