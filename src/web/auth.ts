// Who is calling, and what they may reach. Administrators send `Authorization: Bearer oum_…` (an
// admin token) or the session cookie of an admin sign-in; users only the session cookie of theirs
// (routes/session.ts). Every /api route needs an administrator, except the public ones (their
// schema says `security: []`: signing in, setting a password, the API document), /api/me/… (a
// signed-in user) and /api/session(s) (anyone signed in). What the OpenAPI document says is
// what holds: there is no other list of public routes. A change (POST, PUT, PATCH,
// DELETE) made with the cookie must carry the session's CSRF token in x-csrf-token: another site
// can make a browser send the cookie (SameSite=Strict aside, older browsers), never read the token.
// Failed attempts are limited per source address (auth-failures.ts); every 401 carries a
// WWW-Authenticate challenge (RFC 9110 §11.6.1; RFC 6750 §3 for bearer tokens).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenUmError } from '../errors.js';
import { countAuthRefusal } from '../services/ops/admin-metrics.js';
import { AuthFailureLimit } from './auth-failures.js';
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
    /** What credentials the request came with: counted as a failure if it is answered 401. */
    authAttempt: 'bearer' | 'cookie' | 'sign-in' | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

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

/** Routes that take a password, PIN, invitation or token in their body (routes/session.ts). */
const isSignIn = (method: string, path: string): boolean =>
  (method === 'POST' && path === '/api/session') || path.startsWith('/api/password/') || (method === 'PUT' && path === '/api/me/password');

/** Routes reached with the session cookie only: their challenge is the sign-in form, not a bearer token. */
const isCookieRoute = (path: string): boolean =>
  path === '/api/me' || path.startsWith('/api/me/') || path === '/api/session' || path === '/api/sessions' || path.startsWith('/api/password/');

/**
 * The challenge of a 401 (RFC 9110 §11.6.1 requires one). Bearer per RFC 6750 §3, with
 * error="invalid_token" only when a token was sent (§3.1: none when credentials were absent).
 * The cookie routes name the sign-in route and cookie, as draft-broyer-http-cookie-auth's
 * "Cookie" scheme does (browsers show no prompt for a scheme they do not know).
 */
export function challengeOf(path: string, attempt: FastifyRequest['authAttempt']): string {
  if (isCookieRoute(path)) return `Cookie realm="openum", form-action="/api/session", cookie-name="${SESSION_COOKIE}"`;
  return attempt === 'bearer'
    ? 'Bearer realm="openum", error="invalid_token", error_description="the token is unknown or revoked"'
    : 'Bearer realm="openum"';
}

function sameToken(sent: unknown, expected: string): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

export function registerAuth(app: AdminApp, node: OpenNode, failures = new AuthFailureLimit()): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('principal', null);
  app.decorateRequest('authAttempt', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    // API answers are one account's data (messages, PINs, tokens): never kept by a shared cache or the browser's.
    if (path.startsWith('/api/')) reply.header('cache-control', 'no-store');
    const header = request.headers.authorization;
    const cookie = request.cookies?.[SESSION_COOKIE];
    request.authAttempt = header !== undefined ? 'bearer' : cookie ? 'cookie' : isSignIn(request.method, path) ? 'sign-in' : null;
    if (request.authAttempt) {
      const wait = failures.retryAfter(request.ip);
      if (wait > 0) {
        countAuthRefusal('limited');
        reply.header('retry-after', String(wait));
        throw new OpenUmError('TOO_MANY_REQUESTS',
          `too many failed sign-ins or wrong tokens from this address (${failures.max} a minute); try again in ${wait} s`);
      }
    }
    let principal: Principal | null = null;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const token = m?.[1] ? await verifyAdminTokenId(node.store.db, m[1]) : undefined;
      if (!token) throw new OpenUmError('UNAUTHORIZED', 'the administrator token is wrong: send Authorization: Bearer <token>');
      principal = { kind: 'admin', name: token.name, via: 'token', tokenId: token.id };
    } else if (cookie) {
      principal = await sessionPrincipal(node, cookie);
      // A cookie of an ended session is dropped, so the browser fails once, not on every request.
      if (!principal) reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
    }
    request.principal = principal;
    if (principal) request.actor = actorOf(principal);
    if (!path.startsWith('/api/')) return; // the web app's own files
    if (principal?.session && changesWithSession(request.method, path) && !sameToken(request.headers['x-csrf-token'], principal.session.csrfToken)) {
      throw new OpenUmError('CSRF_TOKEN_INVALID', 'this change needs the x-csrf-token header with the csrfToken of the session');
    }
    // A route whose schema says `security: []` is public: what the OpenAPI document says is what holds.
    const security = (request.routeOptions.schema as { security?: unknown[] } | undefined)?.security;
    if (Array.isArray(security) && security.length === 0) return;
    if (path === '/api/me' || path.startsWith('/api/me/')) {
      if (!principal) throw new OpenUmError('UNAUTHORIZED', 'sign in first: POST /api/session with your e-mail address and password');
      if (principal.kind !== 'user') throw new OpenUmError('FORBIDDEN', '/api/me is for a signed-in user; administrators use /api/users/{name}');
      return;
    }
    if (path === '/api/session' || path === '/api/sessions') {
      if (!principal) throw new OpenUmError('UNAUTHORIZED', 'sign in first: POST /api/session');
      return;
    }
    if (!principal) {
      throw new OpenUmError('UNAUTHORIZED', 'an administrator is required: send Authorization: Bearer <token> or sign in as an administrator (POST /api/session)');
    }
    if (principal.kind !== 'admin') throw new OpenUmError('FORBIDDEN', 'this route is for administrators; a user reaches their own mailbox under /api/me');
  });
  // Every 401 gets its challenge; one answered to a request with credentials is a failure of its source.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode !== 401) return;
    reply.header('www-authenticate', challengeOf(request.url.split('?')[0] ?? '', request.authAttempt));
    if (request.authAttempt) {
      failures.fail(request.ip);
      countAuthRefusal('failed');
    }
  });
}

/** The signed-in user of a /api/me route (the hook has checked there is one). */
export function meOf(request: FastifyRequest): UmUser {
  const p = request.principal;
  if (p?.kind !== 'user') throw new OpenUmError('UNAUTHORIZED', 'sign in first: POST /api/session with your e-mail address and password');
  return p.user;
}
