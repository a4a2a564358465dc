// Play on Phone requests and their progress (Exchange UM's Play on Phone): the API or CLI asks
// for a stored voice message to be played to a number; the request is checked here (the message
// has audio, the number is inside the dial plan's outdialing rules, a UM IP gateway of the plan
// allows outcalls) and queued in the store, where the main process hands it to a UM worker, which
// writes the progress back: dialing, ringing, playing, then completed, failed or cancelled.
import type { Kysely, Selectable } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database, PlayOnPhoneCallsTable } from '../store/schema.js';
import { dialPlanQuery } from './organisation-queries.js';
import { toDialPlan, toGateway, type DialPlan, type IpGateway } from './organisation-types.js';
import { checkOutdial } from './outdial-rules.js';
import { findUserById } from './users.js';
import { getMessage, type VoiceMessage } from './voice-messages.js';

export const POP_STATES = ['queued', 'dialing', 'ringing', 'playing', 'completed', 'failed', 'cancelled'] as const;
export type PopState = (typeof POP_STATES)[number];
export const POP_FINAL: ReadonlySet<PopState> = new Set(['completed', 'failed', 'cancelled']);

export interface PlayOnPhoneCall {
  id: number;
  messageId: number;
  userId: number;
  gatewayId: number;
  number: string;
  state: PopState;
  /** The SIP status of a failed call (e.g. 486), or of the final response. */
  sipStatus: number | null;
  reason: string | null;
  worker: number | null;
  cancelRequested: boolean;
  createdAt: string;
  updatedAt: string;
}

function toCall(r: Selectable<PlayOnPhoneCallsTable>): PlayOnPhoneCall {
  return {
    id: Number(r.id), messageId: Number(r.message_id), userId: Number(r.user_id), gatewayId: Number(r.gateway_id),
    number: r.number, state: r.state as PopState, sipStatus: r.sip_status === null ? null : Number(r.sip_status),
    reason: r.reason, worker: r.worker === null ? null : Number(r.worker), cancelRequested: Number(r.cancel_requested) === 1,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The enabled gateways serving the dial plan (through its hunt groups) that allow outcalls. */
export async function outcallGateways(db: Kysely<Database>, dialPlanId: number): Promise<IpGateway[]> {
  const rows = await db.selectFrom('ip_gateways')
    .innerJoin('hunt_groups', 'hunt_groups.gateway_id', 'ip_gateways.id')
    .where('hunt_groups.dial_plan_id', '=', dialPlanId)
    .where('ip_gateways.outcalls_allowed', '=', 1)
    .where('ip_gateways.status', '=', 'Enabled')
    .selectAll('ip_gateways').orderBy('ip_gateways.id').execute();
  const seen = new Set<number>();
  return rows.map(toGateway).filter((g) => !seen.has(g.id) && seen.add(g.id));
}

/** Queues a Play on Phone call of message `messageId` to `number`; refuses (changing nothing) what cannot be dialled. */
export async function requestPlayOnPhone(db: Kysely<Database>, actor: Actor, serverName: string, messageId: number, number: string): Promise<PlayOnPhoneCall> {
  if (!Number.isInteger(messageId) || messageId < 1) throw new OpenUmError('BAD_ARGUMENT', `"${messageId}" is not a voice message id; 'openum voicemail list --user NAME' shows them`);
  const message = await getMessage(db, messageId);
  if (message.state !== 'stored') throw new OpenUmError('AUDIO_NOT_FOUND', `voice message ${messageId} has no audio to play (it is ${message.state === 'missed' ? 'a missed call' : 'still being recorded'})`);
  const user = await findUserById(db, message.userId);
  if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `the owner of voice message ${messageId} is no longer a UM user`);
  const planRow = await dialPlanQuery(db).where('dial_plans.id', '=', user.dialPlanId).executeTakeFirst();
  if (!planRow) throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `the dial plan of ${user.name} no longer exists`);
  const plan = toDialPlan(planRow as Selectable<Database['dial_plans']>);
  const allowed = checkOutdial(plan, number);
  if (!allowed.ok) throw new OpenUmError('OUTDIAL_NOT_ALLOWED', allowed.reason);
  const [gateway] = await outcallGateways(db, plan.id);
  if (!gateway) {
    throw new OpenUmError('NO_OUTCALL_GATEWAY',
      `no enabled UM IP gateway of the dial plan "${plan.name}" allows outcalls; allow them with openum gateway set NAME --outcalls on`);
  }
  const now = new Date().toISOString();
  const id = await mutate(db, actor, { action: 'voicemail.play-on-phone', target: `message ${messageId}` }, async (trx) => {
    const row = await trx.insertInto('play_on_phone_calls').values({
      server_name: serverName, message_id: messageId, user_id: user.id, gateway_id: gateway.id, number: allowed.number,
      state: 'queued', sip_status: null, reason: null, worker: null, cancel_requested: 0, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    return { result: Number(row.id), details: { number: allowed.number, gateway: gateway.name, user: user.name } };
  });
  return getPlayOnPhone(db, id);
}

export async function getPlayOnPhone(db: Kysely<Database>, id: number): Promise<PlayOnPhoneCall> {
  const row = Number.isInteger(id) ? await db.selectFrom('play_on_phone_calls').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new OpenUmError('PLAY_ON_PHONE_NOT_FOUND', `no Play on Phone call has id ${id}`);
  return toCall(row);
}

/** Cancels a call: a queued one at once; one a worker carries is flagged for the worker to end. */
export async function cancelPlayOnPhone(db: Kysely<Database>, actor: Actor, id: number): Promise<PlayOnPhoneCall> {
  const call = await getPlayOnPhone(db, id);
  if (POP_FINAL.has(call.state)) return call;
  await mutate(db, actor, { action: 'voicemail.play-on-phone.cancel', target: `play-on-phone ${id}` }, async (trx) => {
    const now = new Date().toISOString();
    await trx.updateTable('play_on_phone_calls').set({ cancel_requested: 1, updated_at: now }).where('id', '=', id).execute();
    await trx.updateTable('play_on_phone_calls').set({ state: 'cancelled', reason: 'cancelled before dialing', updated_at: now })
      .where('id', '=', id).where('state', '=', 'queued').execute();
    return { result: undefined };
  });
  return getPlayOnPhone(db, id);
}

/** Progress written by the worker (no revision bump: progress is not configuration). Final states are never left. */
export async function setPlayOnPhoneState(db: Kysely<Database>, id: number, state: PopState, extra: { sipStatus?: number; reason?: string; worker?: number } = {}): Promise<void> {
  await db.updateTable('play_on_phone_calls').set({
    state, updated_at: new Date().toISOString(),
    ...(extra.sipStatus !== undefined ? { sip_status: extra.sipStatus } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.worker !== undefined ? { worker: extra.worker } : {}),
  }).where('id', '=', id).where('state', 'not in', [...POP_FINAL]).execute();
}

/** Calls of this server waiting for a worker, and live ones whose cancel is asked. */
export async function pendingPlayOnPhone(db: Kysely<Database>, serverName: string): Promise<PlayOnPhoneCall[]> {
  const rows = await db.selectFrom('play_on_phone_calls').selectAll().where('server_name', '=', serverName)
    .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('cancel_requested', '=', 1), eb('state', 'not in', [...POP_FINAL])])]))
    .orderBy('id').limit(100).execute();
  return rows.map(toCall);
}

/** What a worker needs to place the call. */
export async function playOnPhoneContext(db: Kysely<Database>, call: PlayOnPhoneCall): Promise<{ message: VoiceMessage; plan: DialPlan; gateway: IpGateway; user: string }> {
  const message = await getMessage(db, call.messageId);
  const user = await findUserById(db, call.userId);
  if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `user ${call.userId} is no longer a UM user`);
  const planRow = await dialPlanQuery(db).where('dial_plans.id', '=', user.dialPlanId).executeTakeFirstOrThrow();
  const gw = await db.selectFrom('ip_gateways').selectAll().where('id', '=', call.gatewayId).executeTakeFirst();
  if (!gw) throw new OpenUmError('IP_GATEWAY_NOT_FOUND', `gateway ${call.gatewayId} no longer exists`);
  return { message, plan: toDialPlan(planRow as Selectable<Database['dial_plans']>), gateway: toGateway(gw), user: user.name };
}

/** Calls a worker carried when it (or the whole server) stopped: failed, with the reason. */
export async function failInterrupted(db: Kysely<Database>, serverName: string, worker?: number): Promise<number> {
  let q = db.updateTable('play_on_phone_calls')
    .set({ state: 'failed', reason: 'interrupted: the UM worker carrying the call stopped', updated_at: new Date().toISOString() })
    .where('server_name', '=', serverName).where('state', 'in', ['dialing', 'ringing', 'playing']);
  if (worker !== undefined) q = q.where('worker', '=', worker);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
