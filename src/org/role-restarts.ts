// Role restarts (`openum service restart um|callrouter [--node N]`, POST /api/nodes/N/restart):
// a request row in the store (migration 0012) that the named node's running server carries out
// and reports on (services/role-restarter.ts), so the command works from any node's data
// directory and whether or not a server runs there. The request bumps the store's revision: every
// node's Call Routers re-read the node list at once and send a UM node that drains no new call.
// Its later states are runtime, like heartbeats: no revision, no audit.
import type { Kysely, Selectable } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database, RoleRestartsTable } from '../store/schema.js';
import { listNodes, runsCallRouter, runsUm } from './nodes.js';
import { findServer } from './server-settings.js';

export const RESTART_ROLES = ['um', 'callrouter'] as const;
export type RestartRole = (typeof RESTART_ROLES)[number];
export const RESTART_STATES = ['requested', 'draining', 'restarting', 'done', 'failed'] as const;
export type RestartState = (typeof RESTART_STATES)[number];
/** States of a restart not finished yet. */
export const ACTIVE_RESTART_STATES: readonly RestartState[] = ['requested', 'draining', 'restarting'];

/** How long calls in progress may take to end before the role restarts anyway (seconds). */
export const DEFAULT_RESTART_TIMEOUT_S = 300;
export const MAX_RESTART_TIMEOUT_S = 3600;

export interface RoleRestart {
  id: number;
  node: string;
  role: RestartRole;
  state: RestartState;
  timeoutMs: number;
  requestedBy: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Calls in progress when the role stopped taking new ones. */
  callsAtStart: number | null;
  /** Calls still in progress at the timeout, ended so the role could restart. */
  callsEnded: number | null;
  /** What the node did (done), or why it could not (failed). */
  outcome: string | null;
}

export function roleName(role: RestartRole): string {
  return role === 'um' ? 'UM service' : 'Call Router';
}

function toRestart(r: Selectable<RoleRestartsTable>): RoleRestart {
  return {
    id: Number(r.id), node: r.node, role: r.role as RestartRole, state: r.state as RestartState, timeoutMs: Number(r.timeout_ms),
    requestedBy: r.requested_by, requestedAt: r.requested_at, startedAt: r.started_at, finishedAt: r.finished_at,
    callsAtStart: r.calls_at_start === null ? null : Number(r.calls_at_start), callsEnded: r.calls_ended === null ? null : Number(r.calls_ended),
    outcome: r.outcome,
  };
}

export function parseRestartRole(text: string): RestartRole {
  const t = text.trim().toLowerCase();
  if ((RESTART_ROLES as readonly string[]).includes(t)) return t as RestartRole;
  throw new OpenUmError('BAD_ARGUMENT', `unknown role "${text}": a restart takes um (the UM service and its workers) or callrouter (the Call Router)`);
}

/** Seconds (a whole number from 0 to MAX_RESTART_TIMEOUT_S) → milliseconds. */
export function parseRestartTimeout(value: string | number | undefined, field: string): number {
  if (value === undefined) return DEFAULT_RESTART_TIMEOUT_S * 1000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_RESTART_TIMEOUT_S || (typeof value === 'string' && value.trim() === '')) {
    throw new OpenUmError('BAD_ARGUMENT', `${field} takes whole seconds from 0 to ${MAX_RESTART_TIMEOUT_S} (got "${value}")`);
  }
  return n * 1000;
}

/**
 * Asks `node` to restart `role`. Refused, with nothing written, when the node is unknown, not
 * running, runs no such role, or restarts a role already.
 */
export async function requestRoleRestart(db: Kysely<Database>, actor: Actor, r: { node: string; role: RestartRole; timeoutMs: number }, nowMs = Date.now()): Promise<RoleRestart> {
  const nodes = await listNodes(db, nowMs);
  const node = nodes.find((n) => n.name === r.node);
  const restart = `restart its ${roleName(r.role)}`;
  if (!node && await findServer(db, r.node)) {
    throw new OpenUmError('NODE_NOT_LIVE', `node "${r.node}" has never been started, so it has no ${roleName(r.role)} to restart`,
      { cli: `: start it (openum start on ${r.node})`, api: ': start it first' });
  }
  if (!node) {
    const known = nodes.map((n) => n.name).join(', ');
    throw new OpenUmError('NODE_NOT_FOUND', `no node named "${r.node}" has run on this store${known ? ` (nodes: ${known})` : ''}`,
      { cli: ': name one with --node (openum node list shows them)', api: ' (GET /api/nodes lists them)' });
  }
  if (node.health !== 'live') {
    const since = node.health === 'stopped' ? 'it was stopped' : `its last heartbeat was ${Math.round(node.heartbeatAgeMs / 1000)} s ago`;
    throw new OpenUmError('NODE_NOT_LIVE', `node "${r.node}" is not running (${since}), so it cannot ${restart}`,
      { cli: `: start it (openum start on ${r.node}); starting it starts its roles afresh`, api: ': start it; starting it starts its roles afresh' });
  }
  if (!(r.role === 'um' ? runsUm(node.roles) : runsCallRouter(node.roles))) {
    const other: RestartRole = r.role === 'um' ? 'callrouter' : 'um';
    throw new OpenUmError('ROLE_NOT_RUNNING', `node "${r.node}" runs no ${roleName(r.role)} (its roles: ${node.roles})`,
      { cli: `: restart its ${roleName(other)} instead (openum service restart ${other} --node ${r.node})`, api: `: restart its ${roleName(other)} instead (role: ${other})` });
  }
  const now = new Date(nowMs).toISOString();
  return mutate(db, actor, { action: 'service.restart', target: `${r.node}/${r.role}` }, async (trx) => {
    // Checked in the transaction that writes, so two requests at once cannot both pass.
    const busy = await trx.selectFrom('role_restarts').selectAll().where('node', '=', r.node).where('state', 'in', [...ACTIVE_RESTART_STATES]).executeTakeFirst();
    if (busy) {
      throw new OpenUmError('RESTART_IN_PROGRESS',
        `node "${r.node}" is already restarting its ${roleName(busy.role as RestartRole)} (${busy.state} since ${busy.started_at ?? busy.requested_at})`,
        { cli: ': wait for it to finish (openum node list shows it)', api: ': wait for it to finish (GET /api/nodes shows it)' });
    }
    const row = await trx.insertInto('role_restarts').values({
      node: r.node, role: r.role, state: 'requested', timeout_ms: r.timeoutMs, requested_by: actor.name, requested_at: now,
      started_at: null, finished_at: null, calls_at_start: null, calls_ended: null, outcome: null,
    }).returningAll().executeTakeFirstOrThrow();
    return { result: toRestart(row), details: { timeoutSeconds: r.timeoutMs / 1000 } };
  });
}

export async function getRoleRestart(db: Kysely<Database>, id: number): Promise<RoleRestart | undefined> {
  const row = await db.selectFrom('role_restarts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRestart(row) : undefined;
}

/** The restarts `node` has been asked for and not begun, oldest first. */
export async function requestedRestarts(db: Kysely<Database>, node: string): Promise<RoleRestart[]> {
  const rows = await db.selectFrom('role_restarts').selectAll().where('node', '=', node).where('state', '=', 'requested').orderBy('id').execute();
  return rows.map(toRestart);
}

/** Each node's unfinished restart. */
export async function activeRestarts(db: Kysely<Database>): Promise<Map<string, RoleRestart>> {
  const rows = await db.selectFrom('role_restarts').selectAll().where('state', 'in', [...ACTIVE_RESTART_STATES]).orderBy('id').execute();
  return new Map(rows.map((r) => [r.node, toRestart(r)]));
}

/** The last restarts of `node` (or of every node), newest first. */
export async function listRoleRestarts(db: Kysely<Database>, node: string | undefined, limit = 20): Promise<RoleRestart[]> {
  let q = db.selectFrom('role_restarts').selectAll().orderBy('id', 'desc').limit(limit);
  if (node !== undefined) q = q.where('node', '=', node);
  return (await q.execute()).map(toRestart);
}

export interface RestartPatch {
  state: RestartState;
  startedAt?: string;
  finishedAt?: string;
  callsAtStart?: number;
  callsEnded?: number;
  outcome?: string;
}

export async function updateRoleRestart(db: Kysely<Database>, id: number, p: RestartPatch): Promise<void> {
  await db.updateTable('role_restarts').set({
    state: p.state,
    ...(p.startedAt !== undefined ? { started_at: p.startedAt } : {}),
    ...(p.finishedAt !== undefined ? { finished_at: p.finishedAt } : {}),
    ...(p.callsAtStart !== undefined ? { calls_at_start: p.callsAtStart } : {}),
    ...(p.callsEnded !== undefined ? { calls_ended: p.callsEnded } : {}),
    ...(p.outcome !== undefined ? { outcome: p.outcome } : {}),
  }).where('id', '=', id).execute();
}

/** Closes the unfinished restarts of `node` as failed: it stopped (or was started again) meanwhile. */
export async function failUnfinishedRestarts(db: Kysely<Database>, node: string, outcome: string, nowMs = Date.now()): Promise<number> {
  const r = await db.updateTable('role_restarts').set({ state: 'failed', finished_at: new Date(nowMs).toISOString(), outcome })
    .where('node', '=', node).where('state', 'in', [...ACTIVE_RESTART_STATES]).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
