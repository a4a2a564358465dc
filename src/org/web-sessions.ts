// Signed-in browsers (issue 9). The cookie holds a 256-bit random value; the store keeps its
// SHA-256 only, so a copy of the store signs nobody in. A session ends after 30 minutes without a
// request (idle) or 12 hours after sign-in (absolute), whichever comes first (OWASP Session
// Management: short idle timeouts for sensitive applications), or when signed out; signing out
// everywhere ends every session of the account. Each session has its own CSRF token, which the
// browser sends back in the x-csrf-token header on changes (the double-submit rule, server side).
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { bestEffort } from '../store/disk-full.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database>;

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** Last-seen is written at most this often: not one store write per request. */
const TOUCH_EVERY_MS = 30_000;

/** user: a UM user; admin: an administrator account; token: an administrator who signed in with an admin token. */
export type SessionKind = 'user' | 'admin' | 'token';

export interface WebSession {
  idHash: string;
  kind: SessionKind;
  accountId: number;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

const hashOf = (id: string): string => createHash('sha256').update(id).digest('hex');

export async function createSession(db: Db, kind: SessionKind, accountId: number): Promise<{ cookie: string; session: WebSession }> {
  const cookie = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = new Date();
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString();
  // Expired sessions go when new ones come: the table stays as small as the signed-in browsers.
  await db.deleteFrom('web_sessions').where('expires_at', '<=', createdAt).execute();
  await db.deleteFrom('web_sessions').where('last_seen_at', '<=', new Date(now.getTime() - SESSION_IDLE_MS).toISOString()).execute();
  await db.insertInto('web_sessions').values({ id_hash: hashOf(cookie), kind, account_id: accountId, csrf_token: csrfToken, created_at: createdAt, last_seen_at: createdAt, expires_at: expiresAt }).execute();
  return { cookie, session: { idHash: hashOf(cookie), kind, accountId, csrfToken, createdAt, expiresAt } };
}

/** The live session of a cookie value, its last use moved to now; undefined when unknown or expired. */
export async function findSession(db: Db, cookie: string): Promise<WebSession | undefined> {
  if (cookie.length < 20 || cookie.length > 100) return undefined;
  const row = await db.selectFrom('web_sessions').selectAll().where('id_hash', '=', hashOf(cookie)).executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  const lastSeen = Date.parse(row.last_seen_at);
  if (Date.parse(row.expires_at) <= now || lastSeen + SESSION_IDLE_MS <= now) {
    // Ended either way; removing the row is tidying (a full disk leaves it for the next sign-in's sweep).
    await bestEffort(() => db.deleteFrom('web_sessions').where('id_hash', '=', row.id_hash).execute());
    return undefined;
  }
  if (now - lastSeen >= TOUCH_EVERY_MS) {
    // Bookkeeping of a request, not its purpose: a read answers even when this cannot be stored.
    await bestEffort(() => db.updateTable('web_sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id_hash', '=', row.id_hash).execute());
  }
  return { idHash: row.id_hash, kind: row.kind as SessionKind, accountId: Number(row.account_id), csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
}

/** Signs an account out everywhere. */
export async function endAccountSessions(db: Db, kind: SessionKind, accountId: number): Promise<number> {
  const r = await db.deleteFrom('web_sessions').where('kind', '=', kind).where('account_id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
