// One-time links to set a web password (issue 9): an administrator invites a user (openum user
// invite, POST /api/users/:name/invite); the link holds a 256-bit random token, kept here as its
// SHA-256 only, valid for 7 days and once. A new invitation replaces the user's unused ones.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { audited, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import type { UmUser } from './organisation-types.js';
import { findUserById, getUser } from './users.js';
import { hashPassword, storeUserPassword } from './web-passwords.js';

type Db = Kysely<Database>;

export const INVITE_LIFETIME_MS = 7 * 86_400_000;
const INVITE_REFUSED = 'this invitation link is unknown, already used or expired; ask your administrator for a new one';

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new invitation for `userName`: the token (shown once, in the link) and when it expires. */
export async function createInvite(db: Db, actor: Actor, userName: string): Promise<{ user: UmUser; token: string; expiresAt: string }> {
  const user = await getUser(db, userName);
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + INVITE_LIFETIME_MS).toISOString();
  await audited(db, actor, { action: 'web.invite', target: user.name }, async (trx) => {
    await trx.deleteFrom('web_invites').where('user_id', '=', user.id).where('used_at', 'is', null).execute();
    await trx.insertInto('web_invites').values({ user_id: user.id, token_hash: tokenHash(token), created_at: now.toISOString(), expires_at: expiresAt, used_at: null }).execute();
    return { result: undefined, details: { expiresAt } };
  });
  return { user, token, expiresAt };
}

/**
 * Sets the password of the invited user and uses the invitation up; the password is checked
 * first, so a refused password leaves the link usable. An invitation also unlocks the web account:
 * an administrator sent it.
 */
export async function acceptInvite(db: Db, token: unknown, password: string): Promise<UmUser> {
  const hash = await hashPassword(password);
  if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw new OpenUmError('INVITE_INVALID', INVITE_REFUSED);
  const now = new Date().toISOString();
  const userId = await db.transaction().execute(async (trx) => {
    const used = await trx.updateTable('web_invites').set({ used_at: now })
      .where('token_hash', '=', tokenHash(token)).where('used_at', 'is', null).where('expires_at', '>', now)
      .returning('user_id').executeTakeFirst();
    if (!used) return undefined;
    await storeUserPassword(trx, Number(used.user_id), hash, { unlock: true });
    return Number(used.user_id);
  });
  const user = userId === undefined ? undefined : await findUserById(db, userId);
  if (!user) throw new OpenUmError('INVITE_INVALID', INVITE_REFUSED);
  await audited(db, { name: `web:${user.name}` }, { action: 'web.password-set', target: user.name }, async () => ({ result: undefined, details: { by: 'invitation' } }));
  return user;
}
