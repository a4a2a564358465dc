// The UM web services for users over a real `openum start` (HTTPS) with a real SMTP server:
// invite → mail → set a password → sign in (cookie flags) → CSRF → messages (list, Range, read,
// delete, Play on Phone) → another user's messages (403) → 401/404; settings, greeting, PIN;
// admin routes refuse users, bearer tokens still work. (Sessions, limits: user-api-accounts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../support/openum.js';
import { toneWav, type StoredMessage } from '../support/voicemail.js';
import { WebClient } from '../support/web-client.js';
import { startWebSite, type WebSite } from '../support/web-site.js';

const PASSWORD = 'correct horse battery';

describe('user web API', () => {
  let site: WebSite;
  let server: RunningServer;
  let token: string;
  let alice: StoredMessage[];
  let bobMessage: StoredMessage;
  let missedId: number;
  const must = (args: string[], input?: string) => site.must(args, input);
  const mailTo = (to: string, subject: RegExp) => site.mailTo(to, subject);

  before(async () => {
    site = await startWebSite('127.0.112.1', '127.0.112.3');
    ({ server, token, alice, bobMessage, aliceMissedId: missedId } = site);
  });
  after(async () => { await site?.stop(); });

  it('invites by the CLI, mails the link, sets the password once, and signs in with safe cookies', async () => {
    const invite = JSON.parse(await must(['user', 'invite', 'alice', '--json'])) as { link: string; expiresAt: string; emailed: boolean };
    assert.equal(invite.emailed, true);
    assert.match(invite.link, /^https:\/\/um\.contoso\.test(:\d+)?\/set-password\?token=[\w-]{43}$/);
    assert.ok(Date.parse(invite.expiresAt) - Date.now() > 6.9 * 86_400_000);
    const mail = await mailTo('alice@contoso.test', /web password/);
    const link = /https:\/\/\S+set-password\?token=[\w-]+/.exec(mail.parsed.text ?? '')?.[0];
    assert.equal(link, invite.link);
    const inviteToken = new URL(link ?? '').searchParams.get('token') ?? '';

    const web = new WebClient(server.port);
    let r = await web.send('POST', '/api/password/invite', { body: { token: inviteToken, password: 'short' } });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'WEAK_PASSWORD');
    assert.match(r.json().message as string, /password must have at least 10 characters/);
    r = await web.send('POST', '/api/password/invite', { body: { token: inviteToken, password: PASSWORD } });
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual({ ...r.json(), csrfToken: typeof r.json().csrfToken }, { kind: 'user', name: 'alice', displayName: 'alice', email: 'alice@contoso.test', csrfToken: 'string' });
    r = await new WebClient(server.port).send('POST', '/api/password/invite', { body: { token: inviteToken, password: PASSWORD } });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'INVITE_INVALID');

    const browser = new WebClient(server.port);
    r = await browser.signIn({ email: 'Alice@contoso.test', password: PASSWORD });
    assert.equal(r.status, 200, r.body.toString());
    const cookie = browser.setCookie ?? '';
    assert.match(cookie, /^openum_session=[\w-]{43};/);
    for (const attribute of [/;\s*HttpOnly/i, /;\s*Secure/i, /;\s*SameSite=Strict/i, /;\s*Path=\/(;|$)/]) assert.match(cookie, attribute);
    r = await browser.send('GET', '/api/session');
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.json().csrfToken, browser.csrf);

    r = await browser.send('GET', '/api/me');
    assert.deepEqual(r.json(), {
      name: 'alice', displayName: 'alice', email: 'alice@contoso.test', extension: '1000', dialPlan: 'DP', language: null,
      callAnswering: true, missedCallNotifications: null, hasGreeting: false, hasRecordedName: false, pinLocked: false,
    });
  });

  async function signedInAlice(): Promise<WebClient> {
    const web = new WebClient(server.port);
    const r = await web.signIn({ email: 'alice@contoso.test', password: PASSWORD });
    assert.equal(r.status, 200, r.body.toString());
    return web;
  }

  it('lists, streams with Range, marks read and deletes the user\'s own messages; refuses changes without the CSRF token', async () => {
    const web = await signedInAlice();
    let r = await web.send('GET', '/api/me/messages');
    const messages = r.json().messages as { id: number; kind: string; hasAudio: boolean; read: boolean; durationSec: number; callerName: string; receivedAt: string }[];
    assert.deepEqual(messages.map((m) => m.id), [missedId, alice[1]?.id, alice[0]?.id]);
    assert.deepEqual(messages.map((m) => [m.kind, m.hasAudio]), [['missed', false], ['voicemail', true], ['voicemail', true]]);
    assert.equal(messages[1]?.durationSec, 2);
    assert.equal(messages[1]?.callerName, 'Dario Bianchi');
    assert.ok(!Number.isNaN(Date.parse(messages[1]?.receivedAt ?? '')));

    const first = alice[0] as StoredMessage;
    r = await web.send('GET', `/api/me/messages/${first.id}/audio`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'audio/wav');
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.ok(r.body.equals(first.wav));
    r = await web.send('GET', `/api/me/messages/${first.id}/audio`, { headers: { range: 'bytes=100-199' } });
    assert.equal(r.status, 206);
    assert.equal(r.headers['content-range'], `bytes 100-199/${first.wav.length}`);
    assert.ok(r.body.equals(first.wav.subarray(100, 200)));
    r = await web.send('GET', `/api/me/messages/${first.id}/audio`, { headers: { range: 'bytes=-50' } });
    assert.equal(r.status, 206);
    assert.ok(r.body.equals(first.wav.subarray(first.wav.length - 50)));
    r = await web.send('GET', `/api/me/messages/${first.id}/audio`, { headers: { range: `bytes=${first.wav.length}-` } });
    assert.equal(r.status, 416);
    assert.equal(r.headers['content-range'], `bytes */${first.wav.length}`);
    assert.equal(r.json().error, 'RANGE_NOT_SATISFIABLE');
    r = await web.send('GET', `/api/me/messages/${first.id}/audio?download=1`);
    assert.equal(r.headers['content-disposition'], `attachment; filename="voicemail-${first.id}.wav"`);

    r = await web.send('PATCH', `/api/me/messages/${first.id}`, { body: { read: true } });
    assert.equal(r.status, 403);
    assert.equal(r.json().error, 'CSRF_TOKEN_INVALID');
    r = await web.send('PATCH', `/api/me/messages/${first.id}`, { body: { read: true }, headers: { 'x-csrf-token': 'x'.repeat(32) } });
    assert.equal(r.status, 403);
    r = await web.send('PATCH', `/api/me/messages/${first.id}`, { body: { read: true }, csrf: true });
    assert.equal(r.status, 200);
    assert.equal(r.json().read, true);
    r = await web.send('DELETE', `/api/me/messages/${first.id}`);
    assert.equal(r.status, 403);
    r = await web.send('DELETE', `/api/me/messages/${first.id}`, { csrf: true });
    assert.equal(r.status, 204);
    r = await web.send('GET', `/api/me/messages/${first.id}/audio`);
    assert.equal(r.status, 404);
    assert.equal(r.json().error, 'VOICE_MESSAGE_NOT_FOUND');
  });

  it("never reaches another user's messages or calls (403), answers 404 for unknown ids and 401 without a session", async () => {
    const web = await signedInAlice();
    const other = bobMessage.id;
    for (const [method, path, body] of [
      ['GET', `/api/me/messages/${other}/audio`], ['PATCH', `/api/me/messages/${other}`, { read: true }],
      ['DELETE', `/api/me/messages/${other}`], ['POST', `/api/me/messages/${other}/play-on-phone`, { number: '1001' }],
    ] as const) {
      const r = await web.send(method, path, { csrf: true, ...(body ? { body } : {}) });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json().error, 'FORBIDDEN');
    }
    assert.equal((await web.send('GET', '/api/me/messages')).json().messages instanceof Array, true);
    assert.ok(!((await web.send('GET', '/api/me/messages')).json().messages as { id: number }[]).some((m) => m.id === other));
    let r = await web.send('GET', '/api/me/messages/999999/audio');
    assert.equal(r.status, 404);
    assert.equal(r.json().error, 'VOICE_MESSAGE_NOT_FOUND');
    assert.doesNotMatch(r.json().message as string, /openum|--/, 'the API speaks API words');
    r = await web.send('GET', '/api/me/play-on-phone/999999');
    assert.equal(r.status, 404);

    // Play on Phone of one's own message: queued, followed, cancelled; bob cannot see alice's call.
    const own = alice[1] as StoredMessage;
    r = await web.send('POST', `/api/me/messages/${own.id}/play-on-phone`, { body: { number: '1001' }, csrf: true });
    assert.equal(r.status, 202, r.body.toString());
    const callId = r.json().id as number;
    assert.deepEqual(Object.keys(r.json()), ['id']);
    r = await web.send('GET', `/api/me/play-on-phone/${callId}`);
    assert.deepEqual(r.json(), { id: callId, state: 'queued', sipStatus: null, reason: null, number: '1001' });
    r = await web.send('POST', `/api/me/messages/${own.id}/play-on-phone`, { body: { number: '+15551234567' }, csrf: true });
    assert.equal(r.status, 403);
    assert.equal(r.json().error, 'OUTDIAL_NOT_ALLOWED');
    assert.doesNotMatch(r.json().message as string, /openum|--/, 'the API speaks API words');
    const bob = new WebClient(server.port);
    const invite = JSON.parse(await must(['user', 'invite', 'bob', '--no-email', '--json'])) as { link: string };
    r = await bob.send('POST', '/api/password/invite', { body: { token: new URL(invite.link).searchParams.get('token'), password: PASSWORD } });
    bob.csrf = r.json().csrfToken as string;
    assert.equal((await bob.send('GET', `/api/me/play-on-phone/${callId}`)).status, 403);
    assert.equal((await bob.send('DELETE', `/api/me/play-on-phone/${callId}`, { csrf: true })).status, 403);
    r = await web.send('DELETE', `/api/me/play-on-phone/${callId}`, { csrf: true });
    assert.equal(r.status, 202);
    assert.equal(r.json().state, 'cancelled');

    const anonymous = new WebClient(server.port);
    for (const path of ['/api/me', '/api/me/messages', `/api/me/messages/${other}/audio`, '/api/session']) {
      r = await anonymous.send('GET', path);
      assert.equal(r.status, 401, path);
      assert.equal(r.json().error, 'UNAUTHORIZED');
    }
    anonymous.cookie = 'openum_session=' + 'A'.repeat(43);
    assert.equal((await anonymous.send('GET', '/api/me')).status, 401);
  });

  it('keeps administrator routes for administrators: a user session gets 403, a bearer token works as before', async () => {
    const web = await signedInAlice();
    for (const path of ['/api/users', '/api/users/bob/voicemail', `/api/voicemail/${bobMessage.id}/audio`, '/api/admins']) {
      const r = await web.send('GET', path);
      assert.equal(r.status, 403, path);
      assert.equal(r.json().error, 'FORBIDDEN');
    }
    let r = await new WebClient(server.port).send('GET', '/api/users/alice', { token });
    assert.equal(r.status, 200);
    assert.equal(r.json().callAnswering, true);
    r = await new WebClient(server.port).send('GET', '/api/users');
    assert.equal(r.status, 401);
    r = await new WebClient(server.port).send('GET', '/api/users', { token: 'oum_wrong' });
    assert.equal(r.status, 401);
    // An administrator reaching /api/me is told it is for users.
    r = await new WebClient(server.port).send('GET', '/api/me', { token });
    assert.equal(r.status, 403);
  });

  it('changes the user settings, greeting and PIN from the web', async () => {
    const web = await signedInAlice();
    let r = await web.send('PATCH', '/api/me', { body: { language: 'it', callAnswering: false, missedCallNotifications: false }, csrf: true });
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual([r.json().language, r.json().callAnswering, r.json().missedCallNotifications], ['it', false, false]);
    const shown = JSON.parse(await must(['user', 'get', 'alice', '--json'])) as Record<string, unknown>;
    assert.deepEqual([shown.language, shown.callAnswering, shown.missedCallNotifications], ['it-IT', false, false]);
    r = await web.send('PATCH', '/api/me', { body: { language: 'de' }, csrf: true });
    assert.equal(r.status, 400);
    assert.match(r.json().message as string, /^language/);
    assert.doesNotMatch(r.json().message as string, /--/);
    r = await web.send('PATCH', '/api/me', { body: { language: null, callAnswering: true, missedCallNotifications: null }, csrf: true });
    assert.deepEqual([r.json().language, r.json().callAnswering, r.json().missedCallNotifications], [null, true, null]);

    r = await web.send('PUT', '/api/me/greeting', { raw: toneWav(1), type: 'audio/wav', csrf: true });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json().durationMs, 1000);
    assert.equal((await web.send('GET', '/api/me')).json().hasGreeting, true);
    r = await web.send('GET', '/api/me/greeting');
    assert.equal(r.headers['content-type'], 'audio/wav');
    r = await web.send('PUT', '/api/me/recorded-name', { body: { audio: toneWav(1).toString('base64') }, csrf: true });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal((await web.send('DELETE', '/api/me/greeting', { csrf: true })).status, 204);
    r = await web.send('GET', '/api/me/greeting');
    assert.equal(r.status, 404);
    assert.equal(r.json().error, 'AUDIO_NOT_FOUND');

    r = await web.send('POST', '/api/me/pin/reset', { body: {}, csrf: true });
    assert.equal(r.status, 200, r.body.toString());
    const pin = r.json().pin as string;
    assert.match(pin, /^\d{6,}$/);
    assert.equal(r.json().emailed, true);
    const mail = await mailTo('alice@contoso.test', /new voice mail PIN/);
    assert.match(mail.parsed.text ?? '', new RegExp(`Your new PIN is: ${pin}`));

    // The PIN proves who the user is: a new password with it (a wrong PIN is refused).
    const fresh = new WebClient(server.port);
    r = await fresh.send('POST', '/api/password/pin', { body: { email: 'alice@contoso.test', pin: '000000', password: PASSWORD } });
    assert.equal(r.status, 401);
    r = await fresh.send('POST', '/api/password/pin', { body: { email: 'alice@contoso.test', pin, password: PASSWORD } });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json().kind, 'user');
    const status = JSON.parse(await must(['user', 'pin', 'get', 'alice', '--json'])) as { attempts: number };
    assert.equal(status.attempts, 0);
  });
});
