// Failed authentication against a real `openum start` (HTTPS): every 401 carries its
// WWW-Authenticate challenge (RFC 6750 §3, RFC 9110 §11.6.1), and after 20 failures a minute
// from one source address that address gets 429 with Retry-After, its right token too, while
// other addresses and successful requests are unaffected; /metrics counts both.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUTH_FAILURE_LIMIT } from '../../src/web/auth-failures.js';
import { initData, startServer, type RunningServer } from '../support/openum.js';
import { api } from '../support/api.js';
import { tempDir } from '../support/run.js';

const HOST = '127.0.131.1';
const GUESSER = '127.0.131.2';
const NEIGHBOUR = '127.0.131.3';
const WORKER = '127.0.131.4';
const CURIOUS = '127.0.131.5';

describe('failed authentication on the admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let token: string;
  let server: RunningServer;
  const from = (localAddress: string, path: string, t?: string) => api(server.port, 'GET', path, { host: HOST, localAddress, ...(t ? { token: t } : {}) });

  before(async () => {
    tmp = tempDir();
    const data = join(tmp.path, 'data');
    ({ token } = await initData(data, 'um.contoso.com'));
    server = await startServer(data, { args: ['--admin-address', HOST] });
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('answers every 401 with a challenge: Bearer realm, invalid_token when a token was wrong, the sign-in form for cookie routes', async () => {
    const none = await from(CURIOUS, '/api/certificates');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="openum"');
    const wrong = await from(CURIOUS, '/api/certificates', 'oum_not-the-token');
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.headers['www-authenticate']), /^Bearer realm="openum", error="invalid_token", error_description="[^"]+"$/);
    const me = await from(CURIOUS, '/api/me');
    assert.equal(me.status, 401);
    assert.match(String(me.headers['www-authenticate']), /^Cookie realm="openum", form-action="\/api\/session", cookie-name="openum_session"$/);
    const signIn = await api(server.port, 'POST', '/api/session', { host: HOST, localAddress: CURIOUS, body: { admin: 'nobody', password: 'wrong password' } });
    assert.equal(signIn.status, 401);
    assert.ok(signIn.headers['www-authenticate'], 'a refused sign-in has its challenge too');
    // A stale session cookie is dropped with its 401, so a browser fails once, not on every request.
    const stale = await api(server.port, 'GET', '/api/session', { host: HOST, localAddress: CURIOUS, headers: { cookie: 'openum_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    assert.equal(stale.status, 401);
    assert.match(String(stale.headers['set-cookie']), /openum_session=;/);
  });

  it('says so in the OpenAPI document: 401 with WWW-Authenticate, 429 with Retry-After, 507 on changes', async () => {
    type Res = Record<string, { headers?: Record<string, { description?: string; schema?: { type?: string } }> }>;
    const doc = (await from(CURIOUS, '/api/openapi.json')).json() as { paths: Record<string, Record<string, { responses: Res }>> };
    const get = doc.paths['/api/certificates']?.get?.responses;
    assert.equal(get?.['401']?.headers?.['WWW-Authenticate']?.schema?.type, 'string');
    assert.match(String(get?.['401']?.headers?.['WWW-Authenticate']?.description), /RFC 6750/);
    assert.equal(get?.['507'], undefined, 'reads answer on a full disk');
    const signIn = doc.paths['/api/session']?.post?.responses;
    assert.equal(signIn?.['429']?.headers?.['Retry-After']?.schema?.type, 'integer');
    assert.ok(doc.paths['/api/users/{name}']?.patch?.responses['507'], 'a change may find the disk full');
    assert.ok(doc.paths['/api/users/{name}/greeting']?.put?.responses['413'], 'an upload may be too large');
  });

  it('holds a source address after 20 failures a minute (429, Retry-After, the right token too); others are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT.max + 1; i++) statuses.push((await from(GUESSER, '/api/certificates', `oum_guess-${i}`)).status);
    assert.deepEqual(statuses, [...Array<number>(AUTH_FAILURE_LIMIT.max).fill(401), 429]);
    const held = await from(GUESSER, '/api/certificates', token);
    assert.equal(held.status, 429, 'the right token from the guessing address waits too');
    assert.equal((held.json() as { error: string }).error, 'TOO_MANY_REQUESTS');
    assert.match((held.json() as { message: string }).message, /too many failed sign-ins or wrong tokens from this address/);
    const wait = Number(held.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${held.headers['retry-after']}`);
    // Anonymous reads of the public document are not attempts: still served.
    assert.equal((await from(GUESSER, '/api/openapi.json')).status, 200);
    // Another address is not held: its wrong token is a 401, its right one a 200.
    assert.equal((await from(NEIGHBOUR, '/api/certificates', 'oum_wrong')).status, 401);
    assert.equal((await from(NEIGHBOUR, '/api/certificates', token)).status, 200);
  });

  it('does not count successful requests', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < AUTH_FAILURE_LIMIT.max + 5; i++) statuses.add((await from(WORKER, '/api/server', token)).status);
    assert.deepEqual([...statuses], [200]);
  });

  it('counts failures and held attempts in /metrics', async () => {
    const m = (await from(CURIOUS, '/metrics')).body;
    const failed = Number(/openum_admin_auth_refusals_total\{result="failed"\} (\d+)/.exec(m)?.[1]);
    const limited = Number(/openum_admin_auth_refusals_total\{result="limited"\} (\d+)/.exec(m)?.[1]);
    assert.ok(failed >= AUTH_FAILURE_LIMIT.max + 1, `failed ${failed}\n${m.slice(0, 400)}`);
    assert.ok(limited >= 2, `limited ${limited}`);
  });
});
