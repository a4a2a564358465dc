// The UM web services' accounts over a real `openum start` (HTTPS): password change and sign-out
// everywhere, the sign-in rate limit (429), the lockout at the mailbox policy's max logon
// attempts and its unlock, administrator accounts and token sign-in with CSRF.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../support/openum.js';
import { WebClient } from '../support/web-client.js';
import { startWebSite, type WebSite } from '../support/web-site.js';

const PASSWORD = 'correct horse battery';

describe('user web API: accounts and sessions', () => {
  let site: WebSite;
  let server: RunningServer;
  let token: string;
  const must = (args: string[], input?: string) => site.must(args, input);

  before(async () => {
    site = await startWebSite('127.0.112.4', '127.0.112.5');
    ({ server, token } = site);
    await site.setPassword('alice', PASSWORD);
  });
  after(async () => { await site?.stop(); });

  async function signedInAlice(): Promise<WebClient> {
    const web = new WebClient(server.port);
    const r = await web.signIn({ email: 'alice@contoso.test', password: PASSWORD });
    assert.equal(r.status, 200, r.body.toString());
    return web;
  }

  it('changes the password and signs out everywhere', async () => {
    const one = await signedInAlice();
    const two = await signedInAlice();
    let r = await one.send('PUT', '/api/me/password', { body: { currentPassword: 'not the password', password: 'another good password' }, csrf: true });
    assert.equal(r.status, 401);
    r = await one.send('PUT', '/api/me/password', { body: { currentPassword: PASSWORD, password: PASSWORD }, csrf: true });
    assert.equal(r.status, 204);
    assert.equal((await two.send('GET', '/api/session')).status, 401, 'a password change signs the other browsers out');
    const three = await signedInAlice();
    r = await one.send('DELETE', '/api/sessions');
    assert.equal(r.status, 403, 'signing out everywhere is a change: it needs the CSRF token');
    r = await one.send('DELETE', '/api/sessions', { csrf: true });
    assert.equal(r.status, 204);
    assert.equal((await one.send('GET', '/api/session')).status, 401);
    assert.equal((await three.send('GET', '/api/me')).status, 401);
    const four = await signedInAlice();
    assert.equal((await four.send('DELETE', '/api/session', { csrf: true })).status, 204);
    assert.equal(four.cookie, undefined);
  });

  it('limits sign-in attempts per address and account (429 with Retry-After)', async () => {
    const web = new WebClient(server.port);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await web.send('POST', '/api/session', { body: { email: 'nobody@contoso.test', password: 'wrong password' } })).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
    const r = await web.send('POST', '/api/session', { body: { email: 'nobody@contoso.test', password: 'wrong password' } });
    assert.equal(r.status, 429);
    assert.equal(r.json().error, 'TOO_MANY_REQUESTS');
    assert.ok(Number(r.headers['retry-after']) > 0);
    // Another account from the same address has its own count.
    assert.equal((await web.send('POST', '/api/session', { body: { email: 'nobody2@contoso.test', password: 'wrong password' } })).status, 401);
    // The same refusal whether the address exists or not.
    const known = await web.send('POST', '/api/session', { body: { email: 'alice@contoso.test', password: 'wrong password' } });
    assert.equal(known.status, 401);
    const unknown = await web.send('POST', '/api/session', { body: { email: 'nobody3@contoso.test', password: 'wrong password' } });
    assert.equal(known.json().message, unknown.json().message);
  });

  it("locks a web account at the mailbox policy's max logon attempts until an administrator unlocks it", async () => {
    const invite = JSON.parse(await must(['user', 'invite', 'bob', '--no-email', '--json'])) as { link: string; emailed: boolean };
    assert.equal(invite.emailed, false);
    const web = new WebClient(server.port);
    let r = await web.send('POST', '/api/password/invite', { body: { token: new URL(invite.link).searchParams.get('token'), password: PASSWORD } });
    assert.equal(r.status, 200);
    const wrong = () => web.send('POST', '/api/session', { body: { email: 'bob@contoso.test', password: 'not bob password' } });
    assert.equal((await wrong()).status, 401);
    assert.equal((await wrong()).status, 401);
    r = await wrong();
    assert.equal(r.status, 403);
    assert.equal(r.json().error, 'ACCOUNT_LOCKED');
    assert.match(r.json().message as string, /administrator must unlock/);
    r = await web.send('POST', '/api/session', { body: { email: 'bob@contoso.test', password: PASSWORD } });
    assert.equal(r.json().error, 'ACCOUNT_LOCKED');
    r = await web.send('GET', '/api/users/bob/web', { token });
    assert.deepEqual(r.json(), { user: 'bob', passwordSet: true, attempts: 3, locked: true, maxAttempts: 3 });
    r = await web.send('POST', '/api/users/bob/web/unlock', { token, body: {} });
    assert.equal(r.json().locked, false);
    assert.equal((await web.send('POST', '/api/session', { body: { email: 'bob@contoso.test', password: PASSWORD } })).status, 200);
  });

  it('signs administrators in with an admin account or a token; their cookie needs the CSRF token too', async () => {
    await must(['admin', 'account', 'add', 'ops'], 'an admin password\n');
    const web = new WebClient(server.port);
    assert.equal((await web.signIn({ admin: 'ops', password: 'wrong password!' })).status, 401);
    let r = await web.signIn({ admin: 'ops', password: 'an admin password' });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json().kind, 'admin');
    assert.equal((await web.send('GET', '/api/users')).status, 200);
    r = await web.send('POST', '/api/users/alice/invite', { body: { email: false } });
    assert.equal(r.status, 403);
    assert.equal(r.json().error, 'CSRF_TOKEN_INVALID');
    r = await web.send('POST', '/api/users/alice/invite', { body: { email: false }, csrf: true });
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.json()).sort(), ['emailed', 'expiresAt', 'link']);
    assert.equal(r.json().emailed, false);
    r = await web.send('GET', '/api/me');
    assert.equal(r.status, 403);

    const byToken = new WebClient(server.port);
    r = await byToken.signIn({ token });
    assert.equal(r.status, 200);
    assert.equal(r.json().kind, 'admin');
    assert.equal((await byToken.send('GET', '/api/admins')).status, 200);
    r = await byToken.send('POST', '/api/admins', { body: { name: 'second', password: 'short' }, csrf: true });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'WEAK_PASSWORD');
  });
});
