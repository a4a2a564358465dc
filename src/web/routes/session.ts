// Signing in and out of the web services, and setting a web password (issue 9):
//   POST /api/session { email, password } | { admin, password } | { token }  → the session body, cookie set
//   GET /api/session → the session body; DELETE /api/session → signs this browser out;
//   DELETE /api/sessions → signs the account out everywhere;
//   POST /api/password/invite { token, password } and POST /api/password/pin { email, pin, password }
//   set a user's password and sign them in; PUT /api/me/password { currentPassword, password }.
// Sign-in and password routes are rate limited per client address and account (a guesser moving
// between accounts meets each account's own limit and, for users, the policy's lockout).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { checkAdminPassword } from '../../org/admin-accounts.js';
import type { UmUser } from '../../org/organisation-types.js';
import { getUser } from '../../org/users.js';
import { acceptInvite } from '../../org/web-invites.js';
import { changeUserPassword, checkPasswordRules, DUMMY_HASH, hashPassword, refuseLocked, storeUserPassword, verifyPassword, checkUserPassword } from '../../org/web-passwords.js';
import { createSession, endAccountSessions, endSession, type SessionKind } from '../../org/web-sessions.js';
import { verifyAdminTokenId } from '../../services/admin-tokens.js';
import { openPinService } from '../../services/mailbox/open-mailbox.js';
import type { OpenNode } from '../../services/node.js';
import { audited } from '../../store/mutation.js';
import type { AdminApp } from '../app-type.js';
import { meOf, SESSION_COOKIE, type Principal } from '../auth.js';

const password = z.string('password is required');
const signIn = z.union([
  z.object({ email: z.string().min(1).max(320), password }).strict(),
  z.object({ admin: z.string().min(1).max(64), password }).strict(),
  z.object({ token: z.string().min(1).max(200) }).strict(),
], 'give { email, password }, { admin, password } or { token }');
const inviteBody = z.object({ token: z.string('token is required'), password }).strict();
const pinBody = z.object({ email: z.string('email is required').max(320), pin: z.string('pin is required').max(64), password }).strict();
const changeBody = z.object({ currentPassword: z.string('currentPassword is required'), password }).strict();

export interface SessionBody {
  kind: 'user' | 'admin';
  name: string;
  displayName: string;
  email?: string;
  csrfToken: string;
}

export const SIGN_IN_LIMIT = { max: 10, timeWindow: 60_000 };

/** The account a sign-in or password request names, for its own rate limit bucket. */
function accountKey(req: FastifyRequest): string {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const v = b.email ?? b.admin ?? (b.token === undefined ? '' : 'token');
  return typeof v === 'string' ? v.trim().toLowerCase().slice(0, 320) : '';
}

const rateLimit = {
  rateLimit: {
    ...SIGN_IN_LIMIT, hook: 'preHandler' as const,
    keyGenerator: (req: FastifyRequest) => `${req.ip}|${req.url.split('?')[0]}|${accountKey(req)}`,
  },
};

function userBody(user: UmUser, csrfToken: string): SessionBody {
  return { kind: 'user', name: user.name, displayName: user.displayName, email: user.email, csrfToken };
}

export function sessionBody(p: Principal): SessionBody {
  const csrfToken = p.session?.csrfToken ?? '';
  return p.kind === 'user' ? userBody(p.user, csrfToken) : { kind: 'admin', name: p.name, displayName: p.name, csrfToken };
}

export function registerSessionRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const pins = openPinService(node, app.log as never);

  async function signedIn(reply: FastifyReply, kind: SessionKind, accountId: number, body: Omit<SessionBody, 'csrfToken'>): Promise<SessionBody> {
    const { cookie, session } = await createSession(db, kind, accountId);
    reply.setCookie(SESSION_COOKIE, cookie, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
    return { ...body, csrfToken: session.csrfToken };
  }
  const signInUser = (reply: FastifyReply, user: UmUser) =>
    signedIn(reply, 'user', user.id, { kind: 'user', name: user.name, displayName: user.displayName, email: user.email });

  app.post('/api/session', { config: rateLimit }, async (req, reply) => {
    const body = signIn.parse(req.body ?? {});
    if ('token' in body) {
      const token = await verifyAdminTokenId(db, body.token);
      if (!token) throw new OpenUmError('UNAUTHORIZED', 'the administrator token is wrong');
      return signedIn(reply, 'token', token.id, { kind: 'admin', name: token.name, displayName: token.name });
    }
    if ('admin' in body) {
      const account = await checkAdminPassword(db, body.admin, body.password);
      if (!account) throw new OpenUmError('UNAUTHORIZED', 'the administrator name or password is wrong');
      await audited(db, { name: `admin:${account.name}` }, { action: 'web.sign-in', target: account.name }, async () => ({ result: undefined }));
      return signedIn(reply, 'admin', account.id, { kind: 'admin', name: account.name, displayName: account.name });
    }
    return signInUser(reply, await checkUserPassword(db, body.email, body.password));
  });

  app.get('/api/session', async (req) => {
    if (!req.principal?.session) throw new OpenUmError('UNAUTHORIZED', 'not signed in: POST /api/session');
    return sessionBody(req.principal);
  });
  app.delete('/api/session', async (req, reply) => {
    if (req.principal?.session) await endSession(db, req.principal.session.idHash);
    reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
    return reply.code(204).send();
  });
  app.delete('/api/sessions', async (req, reply) => {
    const p = req.principal;
    if (p?.session) await endAccountSessions(db, p.session.kind, p.session.accountId);
    else if (p?.via === 'token') await endAccountSessions(db, 'token', p.tokenId);
    reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
    return reply.code(204).send();
  });

  app.post('/api/password/invite', { config: rateLimit }, async (req, reply) => {
    const body = inviteBody.parse(req.body ?? {});
    return signInUser(reply, await acceptInvite(db, body.token, body.password));
  });

  app.post('/api/password/pin', { config: rateLimit }, async (req, reply) => {
    const body = pinBody.parse(req.body ?? {});
    checkPasswordRules(body.password);
    const found = await db.selectFrom('users').select('id').where('email', '=', body.email.trim().toLowerCase()).executeTakeFirst();
    if (!found) {
      await verifyPassword(body.pin, DUMMY_HASH); // as slow as a real check
      throw new OpenUmError('UNAUTHORIZED', 'the e-mail address or PIN is wrong');
    }
    const userId = Number(found.id);
    await refuseLocked(db, userId);
    const r = await pins.checkPin(userId, body.pin);
    if (!r.ok && r.reason === 'locked') {
      throw new OpenUmError('ACCOUNT_LOCKED', 'the voice mail PIN is locked after too many wrong PINs; an administrator must unlock it');
    }
    if (!r.ok) throw new OpenUmError('UNAUTHORIZED', 'the e-mail address or PIN is wrong');
    const hash = await hashPassword(body.password);
    const user = await db.transaction().execute(async (trx) => {
      await storeUserPassword(trx, userId, hash);
      return trx.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow();
    });
    await audited(db, { name: `web:${user.name}` }, { action: 'web.password-set', target: user.name }, async () => ({ result: undefined, details: { by: 'PIN' } }));
    return signInUser(reply, await getUser(db, user.name));
  });

  app.put('/api/me/password', { config: rateLimit }, async (req, reply) => {
    const body = changeBody.parse(req.body ?? {});
    const user = meOf(req);
    await changeUserPassword(db, user, body.currentPassword, body.password);
    // The other browsers signed in with the old password are signed out; this one stays.
    const current = req.principal?.session?.idHash;
    await db.deleteFrom('web_sessions').where('kind', '=', 'user').where('account_id', '=', user.id)
      .where('id_hash', '!=', current ?? '').execute();
    return reply.code(204).send();
  });
}
