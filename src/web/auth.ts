// Who is calling, and what they may reach. Administrators send `Authorization: Bearer oum_…` (an
// admin token) or the session cookie of an admin sign-in; users only the session cookie of theirs
// (routes/session.ts). Every /api route but the public ones needs an administrator, except
// /api/me/… (a signed-in user) and /api/sessions (anyone signed in). A change (POST, PUT, PATCH,
// DELETE) made with the cookie must carry the session's CSRF token in x-csrf-token: another site
// can make a browser send the cookie (SameSite=Strict aside, older browsers), never read the token.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenUmError } from '../errors.js';
import { findAdminAccountById } from '../org/admin-accounts.js';
import type { UmUser } from '../org/organisation-types.js';
import { findUserById } from '../org/users.js';
import { findSession, type WebSession } from '../org/web-sessions.js';
import { adminTokenName, verifyAdminTokenId } from '../services/admin-tokens.js';
import type { OpenNode } from '../services/node.js';
import type { Actor } from '../store/mutation.js';
import type { AdminApp } from './app-type.js';

export const SESSION_COOKIE = 'openum_session';

export type Principal =
  | { kind: 'admin'; name: string; via: 'token'; tokenId: number; session?: undefined }
  | { kind: 'admin'; name: string; via: 'session'; session: WebSession }
  | { kind: 'user'; user: UmUser; via: 'session'; session: WebSession };

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    principal: Principal | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Routes anyone may call: signing in, setting a password, the API document. */
function isPublic(path: string): boolean {
  return path === '/api/openapi.json' || path === '/api/session' || path.startsWith('/api/password/');
}

/** Whether a change here is made with the session's authority (so needs the CSRF token). */
const changesWithSession = (method: string, path: string): boolean =>
  UNSAFE.has(method) && !(method === 'POST' && path === '/api/session') && !path.startsWith('/api/password/');

export const actorOf = (p: Principal): Actor =>
  p.kind === 'user' ? { name: `web:${p.user.name}` } : p.via === 'token' ? { name: `api:${p.name}` } : { name: `admin:${p.name}` };

/** The account a session cookie stands for; null when unknown, expired or the account is gone. */
async function sessionPrincipal(node: OpenNode, cookie: string): Promise<Principal | null> {
  const db = node.store.db;
  const session = await findSession(db, cookie);
  if (!session) return null;
  if (session.kind === 'user') {
    const user = await findUserById(db, session.accountId);
    return user ? { kind: 'user', user, via: 'session', session } : null;
  }
  const name = session.kind === 'admin' ? (await findAdminAccountById(db, session.accountId))?.name : await adminTokenName(db, session.accountId);
  return name === undefined ? null : { kind: 'admin', name, via: 'session', session };
}

function sameToken(sent: unknown, expected: string): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

export function registerAuth(app: AdminApp, node: OpenNode): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    // API answers are one account's data (messages, PINs, tokens): never kept by a shared cache or the browser's.
    if (path.startsWith('/api/')) reply.header('cache-control', 'no-store');
    const header = request.headers.authorization;
    let principal: Principal | null = null;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const token = m?.[1] ? await verifyAdminTokenId(node.store.db, m[1]) : undefined;
      if (!token) throw new OpenUmError('UNAUTHORIZED', 'the administrator token is wrong: send Authorization: Bearer <token>');
      principal = { kind: 'admin', name: token.name, via: 'token', tokenId: token.id };
    } else {
      const cookie = request.cookies?.[SESSION_COOKIE];
      if (cookie) principal = await sessionPrincipal(node, cookie);
    }
    request.principal = principal;
    if (principal) request.actor = actorOf(principal);
    if (!path.startsWith('/api/')) return; // the web app's own files
    if (principal?.session && changesWithSession(request.method, path) && !sameToken(request.headers['x-csrf-token'], principal.session.csrfToken)) {
      throw new OpenUmError('CSRF_TOKEN_INVALID', 'this change needs the x-csrf-token header with the csrfToken of the session');
    }
    if (isPublic(path)) return;
    if (path === '/api/me' || path.startsWith('/api/me/')) {
      if (!principal) throw new OpenUmError('UNAUTHORIZED', 'sign in first: POST /api/session with your e-mail address and password');
      if (principal.kind !== 'user') throw new OpenUmError('FORBIDDEN', '/api/me is for a signed-in user; administrators use /api/users/{name}');
      return;
    }
    if (path === '/api/sessions') {
      if (!principal) throw new OpenUmError('UNAUTHORIZED', 'sign in first: POST /api/session');
      return;
    }
    if (!principal) {
      throw new OpenUmError('UNAUTHORIZED', 'an administrator is required: send Authorization: Bearer <token> or sign in as an administrator (POST /api/session)');
    }
    if (principal.kind !== 'admin') throw new OpenUmError('FORBIDDEN', 'this route is for administrators; a user reaches their own mailbox under /api/me');
  });
}

/** The signed-in user of a /api/me route (the hook has checked there is one). */
export function meOf(request: FastifyRequest): UmUser {
  const p = request.principal;
  if (p?.kind !== 'user') throw new OpenUmError('UNAUTHORIZED', 'sign in first: POST /api/session with your e-mail address and password');
  return p.user;
}
