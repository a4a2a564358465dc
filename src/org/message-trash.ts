// Deleting by phone (Exchange's Outlook Voice Access): a message deleted during a call stays
// restorable ("undelete") until the caller hangs up, so it is marked deleted_at rather than
// removed; the mailbox purges it (row and audio) when the call ends, and the node purges what a
// crashed worker left marked at its next start. An administrator's delete (CLI, admin API) is
// immediate and audited (voice-messages.ts deleteMessage). Each change moves the store revision,
// so the node's change watcher updates the user's MWI lamp whichever process made it.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { bumpRevision } from '../store/revision.js';
import type { Database } from '../store/schema.js';
import { toVoiceMessage, type VoiceMessage } from './voice-messages.js';

type Db = Kysely<Database>;

const notFound = (id: number) => new OpenUmError('VOICE_MESSAGE_NOT_FOUND', `no voice message has id ${id}`, { cli: "'openum voicemail list --user NAME' shows them", api: 'GET /api/users/{name}/voicemail lists them' });

/** Marks a message deleted (restorable); returns false when it was already. */
export async function softDeleteMessage(db: Db, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await bumpRevision(trx);
    const row = await trx.selectFrom('voice_messages').select(['deleted_at', 'state']).where('id', '=', id).executeTakeFirst();
    if (!row || row.state === 'recording') throw notFound(id);
    if (row.deleted_at !== null) return false;
    await trx.updateTable('voice_messages').set({ deleted_at: new Date().toISOString(), updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    return true;
  });
}

/** Restores a message deleted by phone; false when it was not deleted. */
export async function undeleteMessage(db: Db, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await bumpRevision(trx);
    const row = await trx.selectFrom('voice_messages').select(['deleted_at']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
    if (row.deleted_at === null) return false;
    await trx.updateTable('voice_messages').set({ deleted_at: null, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    return true;
  });
}

/**
 * Removes the rows marked deleted (of one user, or marked before `markedBefore`); returns them so
 * the caller removes their audio.
 */
export async function purgeDeletedMessages(db: Db, scope: { userId?: number; markedBefore?: string }): Promise<VoiceMessage[]> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('voice_messages').selectAll().where('deleted_at', 'is not', null);
    if (scope.userId !== undefined) q = q.where('user_id', '=', scope.userId);
    if (scope.markedBefore !== undefined) q = q.where('deleted_at', '<', scope.markedBefore);
    const rows = (await q.execute()).map(toVoiceMessage);
    if (rows.length === 0) return rows;
    await bumpRevision(trx);
    await trx.deleteFrom('voice_messages').where('id', 'in', rows.map((m) => m.id)).execute();
    return rows;
  });
}
