// The nodes sharing this store (migration 0009): each running node writes its row every
// HEARTBEAT_INTERVAL_MS; a row older than NODE_STALE_MS is a node that stopped or hangs, and
// Call Routers send it no calls. Clocks of nodes are expected to agree within a second (NTP).
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { RestartRole, RestartState } from './role-restarts.js';

export const NODE_ROLES = ['all', 'callrouter', 'um'] as const;
export type NodeRoles = (typeof NODE_ROLES)[number];
/** What a node's heartbeat says; a role restart in progress shows in NodeView.restart. */
export const NODE_STATES = ['running', 'draining', 'stopped'] as const;
export type NodeState = (typeof NODE_STATES)[number];

export const HEARTBEAT_INTERVAL_MS = 2_000;
/** Three missed heartbeats: with the Call Routers' 2 s refresh, a dead node gets no call after 8 s. */
export const NODE_STALE_MS = 6_000;

export interface NodeBeat {
  name: string;
  roles: NodeRoles;
  /** Where other nodes reach this node's UM service (an address, or the server's FQDN). */
  sipHost: string;
  /** Whether its UM service takes TCP/UDP calls and TLS calls now. */
  umTcp: boolean;
  umTls: boolean;
  calls: number;
  maxCalls: number;
  version: string;
  pid: number;
  state: NodeState;
  startedAt: string;
}

export type NodeHealth = 'live' | 'stale' | 'stopped';

/** A role restart the node was asked for and has not finished (org/role-restarts.ts). */
export interface NodeRestart {
  id: number;
  role: RestartRole;
  state: RestartState;
  requestedAt: string;
}

export interface NodeView extends NodeBeat {
  heartbeatAt: string;
  /** Milliseconds since its last heartbeat, by this node's clock. */
  heartbeatAgeMs: number;
  health: NodeHealth;
  restart: NodeRestart | null;
}

/** Whether Call Routers may send the node's UM service calls: not while it drains for a restart. */
export function umTakesCalls(n: Pick<NodeView, 'restart'>): boolean {
  return n.restart?.role !== 'um';
}

export function parseNodeRoles(text: string, field: string): NodeRoles {
  const t = text.trim().toLowerCase();
  if ((NODE_ROLES as readonly string[]).includes(t)) return t as NodeRoles;
  throw new OpenUmError('BAD_ARGUMENT', `${field} takes all, callrouter or um (got "${text}")`);
}

export function runsUm(roles: NodeRoles): boolean {
  return roles !== 'callrouter';
}

export function runsCallRouter(roles: NodeRoles): boolean {
  return roles !== 'um';
}

/** Writes this node's row (insert or update). */
export async function writeHeartbeat(db: Kysely<Database>, b: NodeBeat, nowMs: number): Promise<void> {
  const row = {
    roles: b.roles, sip_host: b.sipHost, um_tcp: b.umTcp ? 1 : 0, um_tls: b.umTls ? 1 : 0,
    calls: b.calls, max_calls: b.maxCalls, version: b.version, pid: b.pid, state: b.state,
    started_at: b.startedAt, heartbeat_ms: nowMs,
  };
  await db.insertInto('nodes').values({ name: b.name, ...row })
    .onConflict((oc) => oc.column('name').doUpdateSet(row))
    .execute();
}

export async function markNodeStopped(db: Kysely<Database>, name: string, nowMs: number): Promise<void> {
  await db.updateTable('nodes').set({ state: 'stopped', calls: 0, heartbeat_ms: nowMs }).where('name', '=', name).execute();
}

export function nodeHealth(state: NodeState, ageMs: number): NodeHealth {
  if (state === 'stopped') return 'stopped';
  return ageMs <= NODE_STALE_MS ? 'live' : 'stale';
}

export async function listNodes(db: Kysely<Database>, nowMs: number): Promise<NodeView[]> {
  const [rows, restarts] = await Promise.all([
    db.selectFrom('nodes').selectAll().orderBy('name').execute(),
    db.selectFrom('role_restarts').select(['id', 'node', 'role', 'state', 'requested_at'])
      .where('state', 'in', ['requested', 'draining', 'restarting']).orderBy('id').execute(),
  ]);
  const restartOf = new Map(restarts.map((x) => [x.node, { id: Number(x.id), role: x.role as RestartRole, state: x.state as RestartState, requestedAt: x.requested_at }]));
  return rows.map((r) => {
    const heartbeat = Number(r.heartbeat_ms);
    const state = (NODE_STATES as readonly string[]).includes(r.state) ? r.state as NodeState : 'stopped';
    const roles = (NODE_ROLES as readonly string[]).includes(r.roles) ? r.roles as NodeRoles : 'all';
    const age = Math.max(0, nowMs - heartbeat);
    return {
      name: r.name, roles, sipHost: r.sip_host, umTcp: Number(r.um_tcp) === 1, umTls: Number(r.um_tls) === 1,
      calls: Number(r.calls), maxCalls: Number(r.max_calls), version: r.version, pid: Number(r.pid), state,
      startedAt: r.started_at, heartbeatAt: new Date(heartbeat).toISOString(), heartbeatAgeMs: age, health: nodeHealth(state, age),
      restart: restartOf.get(r.name) ?? null,
    };
  });
}

/** Forgets a node that is not live (`openum node remove`): a live one is refused. */
export async function removeNode(db: Kysely<Database>, name: string, nowMs: number): Promise<void> {
  const node = (await listNodes(db, nowMs)).find((n) => n.name === name);
  if (!node) throw new OpenUmError('NODE_NOT_FOUND', `no node named "${name}" shares this store`, { cli: ' (openum node list shows them)', api: ' (GET /api/nodes lists them)' });
  if (node.health === 'live') {
    throw new OpenUmError('NODE_LIVE', `node "${name}" is running (heartbeat ${Math.round(node.heartbeatAgeMs / 1000)} s ago)`,
      { cli: ': stop it first (openum stop on that node), then remove it', api: ': stop it first, then remove it' });
  }
  await db.deleteFrom('nodes').where('name', '=', name).execute();
}
