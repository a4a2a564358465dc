// /api/nodes: the nodes sharing this store (org/nodes.ts), as `openum node list|remove`.
import { z } from 'zod';
import { listNodes, NODE_ROLES, NODE_STATES, removeNode, type NodeView } from '../../org/nodes.js';
import {
  getRoleRestart, listRoleRestarts, parseRestartTimeout, requestRoleRestart, RESTART_ROLES, RESTART_STATES, MAX_RESTART_TIMEOUT_S, DEFAULT_RESTART_TIMEOUT_S, type RoleRestart,
} from '../../org/role-restarts.js';
import { OpenUmError } from '../../errors.js';
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
  restart: z.object({
    id: z.number().int(), role: z.enum(RESTART_ROLES), state: z.enum(RESTART_STATES), requestedAt: z.string(),
  }).nullable().describe('A role restart in progress (draining: waiting for calls to end; restarting); a UM service restarting gets no new calls'),
}).meta({ id: 'Node' });
const same: Same<z.output<typeof nodeView>, NodeView> = true;
void same;
const params = z.object({ name: z.string().min(1).max(200) });
const restartParams = params.extend({ id: z.coerce.number().int().min(1) });
const restartBody = z.object({
  role: z.enum(RESTART_ROLES).describe('um: the UM service and its workers; callrouter: the Call Router processes'),
  timeoutSeconds: z.number().int().min(0).max(MAX_RESTART_TIMEOUT_S).optional()
    .describe(`How long calls in progress may take to end before they are ended and the role restarts (default ${DEFAULT_RESTART_TIMEOUT_S})`),
}).strict();
const restartView = z.object({
  id: z.number().int(), node: z.string(), role: z.enum(RESTART_ROLES), state: z.enum(RESTART_STATES).describe('requested, draining (waiting for calls to end), restarting, then done or failed'),
  timeoutMs: z.number().int(), requestedBy: z.string(), requestedAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  callsAtStart: z.number().int().nullable().describe('Calls in progress when the role stopped taking new ones'),
  callsEnded: z.number().int().nullable().describe('Calls still in progress at the timeout, ended so the role could restart'),
  outcome: z.string().nullable().describe('What the node did, or why it could not'),
}).meta({ id: 'RoleRestart' });
const sameRestart: Same<z.output<typeof restartView>, RoleRestart> = true;
void sameRestart;

export function registerNodeRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['Nodes'];
  app.get('/api/nodes', { schema: { tags, summary: 'The nodes sharing this store: roles, health, calls, version', response: { 200: z.array(nodeView), ...errors() } } },
    async () => listNodes(db, Date.now()));
  app.post('/api/nodes/:name/restart', {
    schema: {
      tags, summary: 'Ask a running node to restart a role without losing a call (openum service restart); follow it with GET …/restarts/{id}',
      params, body: restartBody, response: { 202: restartView, ...errors(404, 409) },
    },
  }, async (req, reply) => {
    const r = await requestRoleRestart(db, req.actor, { node: req.params.name, role: req.body.role, timeoutMs: parseRestartTimeout(req.body.timeoutSeconds, 'timeoutSeconds') });
    return reply.code(202).send(r);
  });
  app.get('/api/nodes/:name/restarts', { schema: { tags, summary: "The node's last role restarts, newest first", params, response: { 200: z.array(restartView), ...errors() } } },
    async (req) => listRoleRestarts(db, req.params.name));
  app.get('/api/nodes/:name/restarts/:id', { schema: { tags, summary: 'One role restart: its state and, once finished, what the node did', params: restartParams, response: { 200: restartView, ...errors(404) } } },
    async (req) => {
      const r = await getRoleRestart(db, req.params.id);
      if (!r || r.node !== req.params.name) throw new OpenUmError('NODE_NOT_FOUND', `node "${req.params.name}" has no restart ${req.params.id}; GET /api/nodes/${req.params.name}/restarts lists them`);
      return r;
    });
  app.delete('/api/nodes/:name', { schema: { tags, summary: 'Forget a node that is stopped or gone (409 while it is live)', params, response: { 204: noContent, ...errors(404, 409) } } },
    async (req, reply) => {
      await removeNode(db, req.params.name, Date.now());
      return reply.code(204).send();
    });
}
