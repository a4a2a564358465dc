// Voice messages in the store: the row a worker writes when recording starts, completes when it
// ends, and the queries delivery (SMTP), MWI and `openum voicemail` use. Audio lives in files
// under the data directory (written as recorded, so a crash keeps it); the row holds its path.
// Message rows are not configuration: they do not bump the revision, except an administrator's
// delete, which is audited like any change.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import { unclaimed } from '../store/job-claims.js';
import { bumpRevision } from '../store/revision.js';
import type { Database, VoiceMessagesTable } from '../store/schema.js';

type Db = Kysely<Database>;

export type MessageState = 'recording' | 'stored' | 'missed';
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'none';
export type EndReason = 'hangup' | 'dtmf' | 'silence' | 'max-duration' | 'max-call' | 'crash' | 'shutdown';

export interface VoiceMessage {
  id: number;
  key: string;
  serverName: string;
  worker: number;
  userId: number;
  callerId: string;
  callerName: string;
  called: string;
  callId: string;
  receivedAt: string;
  durationMs: number;
  /** Relative to the data directory. */
  audioPath: string;
  audioFormat: 'WAV' | 'MP3';
  state: MessageState;
  endReason: EndReason | null;
  read: boolean;
  delivery: DeliveryState;
  deliveryAttempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastError: string | null;
  /** Set while deleted by phone and still restorable (undelete) until the call ends. */
  deletedAt: string | null;
}

export function toVoiceMessage(r: Selectable<VoiceMessagesTable>): VoiceMessage {
  return {
    id: Number(r.id),
    key: r.message_key,
    serverName: r.server_name,
    worker: Number(r.worker),
    userId: Number(r.user_id),
    callerId: r.caller_id,
    callerName: r.caller_name,
    called: r.called,
    callId: r.call_id,
    receivedAt: r.received_at,
    durationMs: Number(r.duration_ms),
    audioPath: r.audio_path,
    audioFormat: r.audio_format as 'WAV' | 'MP3',
    state: r.state as MessageState,
    endReason: r.end_reason as EndReason | null,
    read: Number(r.read) === 1,
    delivery: r.delivery as DeliveryState,
    deliveryAttempts: Number(r.delivery_attempts),
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    lastError: r.last_error,
    deletedAt: r.deleted_at ?? null,
  };
}

/** A new URL-safe key: names the audio file (voicemail/<key>.wav) and the e-mail's Message-ID. */
export function newMessageKey(): string {
  return randomBytes(12).toString('base64url');
}

/** What a worker knows when recording starts: the message's fields before it has an outcome. */
export type BeginMessage = Pick<VoiceMessage, 'key' | 'serverName' | 'worker' | 'userId' | 'callerId' | 'callerName' | 'called' | 'callId' | 'audioPath' | 'audioFormat'>;

/**
 * The row for a recording that has started (state 'recording'); returns its id. `receivedAt` is
 * given when the row is written later than the call (it waited out a store outage).
 */
export async function beginMessage(db: Db, m: BeginMessage, receivedAt?: string): Promise<number> {
  const now = new Date().toISOString();
  const row = await db.insertInto('voice_messages').values({
    message_key: m.key, server_name: m.serverName, worker: m.worker, user_id: m.userId,
    caller_id: m.callerId, caller_name: m.callerName, called: m.called, call_id: m.callId,
    received_at: receivedAt ?? now, duration_ms: 0, audio_path: m.audioPath, audio_format: m.audioFormat,
    state: 'recording', end_reason: null, read: 0, delivery: 'none', delivery_attempts: 0,
    next_attempt_at: null, delivered_at: null, last_error: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The id and state of the message with this key (the key is unique), or undefined. */
export async function messageByKey(db: Db, key: string): Promise<{ id: number; state: MessageState } | undefined> {
  const row = await db.selectFrom('voice_messages').select(['id', 'state']).where('message_key', '=', key).executeTakeFirst();
  return row ? { id: Number(row.id), state: row.state as MessageState } : undefined;
}

/**
 * Ends a recording: 'stored' (delivery pending) or 'missed' (shorter than the minimum: no audio
 * kept; delivered as a missed-call notice only with `notifyMissed`). Only a row still 'recording' changes, so a recovery and a late
 * worker cannot both complete it; returns whether this call did.
 */
export async function completeMessage(db: Db, id: number, end: { state: 'stored' | 'missed'; durationMs: number; reason: EndReason; audioPath?: string; audioFormat?: 'WAV' | 'MP3'; notifyMissed?: boolean }): Promise<boolean> {
  const now = new Date().toISOString();
  // A missed call is mailed (no attachment) only when the user's policy asks for it.
  const deliver = end.state === 'stored' || end.notifyMissed === true;
  const r = await db.updateTable('voice_messages').set({
    state: end.state,
    duration_ms: Math.round(end.durationMs),
    end_reason: end.reason,
    delivery: deliver ? 'pending' : 'none',
    next_attempt_at: deliver ? now : null,
    ...(end.audioPath !== undefined ? { audio_path: end.audioPath } : {}),
    ...(end.audioFormat ? { audio_format: end.audioFormat } : {}),
    updated_at: now,
  }).where('id', '=', id).where('state', '=', 'recording').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Recordings left 'recording' by a worker that died (one worker, or all of this server's);
 * `startedBefore` leaves out rows a restarted worker has begun since.
 */
export async function orphanedRecordings(db: Db, serverName: string, worker?: number, startedBefore?: string): Promise<VoiceMessage[]> {
  let q = db.selectFrom('voice_messages').selectAll().where('server_name', '=', serverName).where('state', '=', 'recording');
  if (worker !== undefined) q = q.where('worker', '=', worker);
  if (startedBefore !== undefined) q = q.where('created_at', '<=', startedBefore);
  return (await q.orderBy('id').execute()).map(toVoiceMessage);
}

export async function getMessage(db: Db, id: number): Promise<VoiceMessage> {
  const row = await db.selectFrom('voice_messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new OpenUmError('VOICE_MESSAGE_NOT_FOUND', `no voice message has id ${id}`, { cli: "'openum voicemail list --user NAME' shows them", api: 'GET /api/users/{name}/voicemail lists them' });
  return toVoiceMessage(row);
}

/**
 * Which of a user's messages: 'new' (unread), 'saved' (read), 'messages' (both), 'all' (missed
 * calls too). Seen in the phone's and Outlook's terms; Exchange's "saved" is a message heard.
 */
export type MessageFolder = 'new' | 'saved' | 'messages' | 'all';

/** A user's messages, newest first; missed calls too unless `messagesOnly` (or a folder says). */
export async function listMessages(db: Db, userId: number, options: { messagesOnly?: boolean; folder?: MessageFolder; includeDeleted?: boolean } = {}): Promise<VoiceMessage[]> {
  const folder = options.folder ?? (options.messagesOnly ? 'messages' : 'all');
  let q = db.selectFrom('voice_messages').selectAll().where('user_id', '=', userId);
  q = folder === 'all' ? q.where('state', '!=', 'recording') : q.where('state', '=', 'stored');
  if (folder === 'new') q = q.where('read', '=', 0);
  if (folder === 'saved') q = q.where('read', '=', 1);
  if (!options.includeDeleted) q = q.where('deleted_at', 'is', null);
  return (await q.orderBy('received_at', 'desc').orderBy('id', 'desc').execute()).map(toVoiceMessage);
}

/**
 * Stored messages (and missed-call notices) ready for an SMTP attempt now; with `serverName`, only those recorded on that
 * server, so nodes sharing a store never send one message twice.
 */
export async function dueDeliveries(db: Db, nowIso = new Date().toISOString(), limit = 20, serverName?: string): Promise<VoiceMessage[]> {
  let q = db.selectFrom('voice_messages').selectAll()
    .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso);
  if (serverName !== undefined) q = q.where('server_name', '=', serverName);
  const rows = await q.orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
  return rows.map(toVoiceMessage);
}

/** Makes every pending delivery due now (the SMTP settings changed: no reason to wait). */
export async function retryPendingNow(db: Db, serverName?: string): Promise<number> {
  const now = new Date().toISOString();
  let q = db.updateTable('voice_messages').set({ next_attempt_at: now })
    .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending').where('next_attempt_at', '>', now)
    .where(unclaimed(now));
  if (serverName !== undefined) q = q.where('server_name', '=', serverName);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/** When the earliest pending delivery is due (null: none pending), to set the queue's timer. */
export async function nextDeliveryAt(db: Db, serverName?: string): Promise<string | null> {
  let q = db.selectFrom('voice_messages').select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('state', 'in', ['stored', 'missed']).where('delivery', '=', 'pending');
  if (serverName !== undefined) q = q.where('server_name', '=', serverName);
  const row = await q.executeTakeFirst();
  return (row?.at as string | null | undefined) ?? null;
}

/** Records an SMTP attempt: delivered, or the error and when to try again (null: give up). */
export async function recordDelivery(db: Db, id: number, outcome: { ok: true } | { ok: false; error: string; retryAt: string | null }): Promise<void> {
  const now = new Date().toISOString();
  const row = await db.selectFrom('voice_messages').select('delivery_attempts').where('id', '=', id).executeTakeFirst();
  const attempts = Number(row?.delivery_attempts ?? 0) + 1;
  await db.updateTable('voice_messages').set(outcome.ok
    ? { delivery: 'delivered', delivered_at: now, delivery_attempts: attempts, next_attempt_at: null, last_error: null, updated_at: now, claimed_by: null, claimed_until: null }
    : { delivery: outcome.retryAt ? 'pending' : 'failed', delivery_attempts: attempts, next_attempt_at: outcome.retryAt, last_error: outcome.error.slice(0, 500), updated_at: now, claimed_by: null, claimed_until: null },
  ).where('id', '=', id).execute();
}

/**
 * Marks a message read or unread. The revision moves too (not audited: reading mail is not a
 * configuration change), so the node's change watcher re-checks the MWI counts at once whichever
 * process, CLI or admin API made the change.
 */
export async function markRead(db: Db, id: number, read = true): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await bumpRevision(trx);
    const r = await trx.updateTable('voice_messages').set({ read: read ? 1 : 0, updated_at: new Date().toISOString() })
      .where('id', '=', id).where('state', '!=', 'recording').executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      throw new OpenUmError('VOICE_MESSAGE_NOT_FOUND', `no voice message has id ${id}`, { cli: "'openum voicemail list --user NAME' shows them", api: 'GET /api/users/{name}/voicemail lists them' });
    }
  });
}

/** Deletes a message row (audited); the caller removes its audio file. */
export async function deleteMessage(db: Db, actor: Actor, id: number): Promise<VoiceMessage> {
  const m = await getMessage(db, id);
  await mutate(db, actor, { action: 'voicemail.delete', target: `message ${id}` }, async (trx) => {
    await trx.deleteFrom('voice_messages').where('id', '=', id).execute();
    return { result: undefined, details: { userId: m.userId, callerId: m.callerId, receivedAt: m.receivedAt } };
  });
  return m;
}

/** The counts last notified per user (mwi_state), for reconciling against messageCounts. */
export async function notifiedCounts(db: Db): Promise<MessageCounts[]> {
  const rows = await db.selectFrom('mwi_state').select(['user_id', 'unread', 'read']).execute();
  return rows.map((r) => ({ userId: Number(r.user_id), unread: Number(r.unread), read: Number(r.read) }));
}

/** Records counts a NOTIFY carried and a gateway accepted (2xx). */
export async function recordNotified(db: Db, c: MessageCounts): Promise<void> {
  const now = new Date().toISOString();
  const user = await db.selectFrom('users').select('id').where('id', '=', c.userId).executeTakeFirst();
  if (!user) return; // removed meanwhile: nothing to remember
  await db.insertInto('mwi_state').values({ user_id: c.userId, unread: c.unread, read: c.read, notified_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ unread: c.unread, read: c.read, notified_at: now }))
    .execute();
}

export interface MessageCounts {
  userId: number;
  unread: number;
  read: number;
}

/** Stored (not missed, not recording, not deleted) messages per user: what MWI reports (RFC 3842 Voice-Message). */
export async function messageCounts(db: Db, userIds?: readonly number[]): Promise<MessageCounts[]> {
  let q = db.selectFrom('voice_messages')
    .select(['user_id', 'read', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', '=', 'stored').where('deleted_at', 'is', null);
  if (userIds) {
    if (userIds.length === 0) return [];
    q = q.where('user_id', 'in', [...userIds]);
  }
  const rows = await q.groupBy(['user_id', 'read']).execute();
  const by = new Map<number, MessageCounts>();
  for (const r of rows) {
    const uid = Number(r.user_id);
    const c = by.get(uid) ?? { userId: uid, unread: 0, read: 0 };
    if (Number(r.read) === 1) c.read += Number(r.n);
    else c.unread += Number(r.n);
    by.set(uid, c);
  }
  for (const uid of userIds ?? []) if (!by.has(uid)) by.set(uid, { userId: uid, unread: 0, read: 0 });
  return [...by.values()];
}
