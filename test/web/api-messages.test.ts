// API messages speak API words (fields, routes), CLI messages CLI words: an OpenUmError carries
// both hints (src/errors.ts ErrorHints). Refusals through the admin API never tell a browser to
// run `openum …` or give a `--flag`; the CLI keeps its own text; and no OpenUmError in src/
// outside the CLI puts CLI words in its message without an API variant.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OpenUmError } from '../../src/errors.js';
import { startAdminInProcess, type InProcessAdmin } from '../support/admin-in-process.js';
import { cli } from '../support/openum.js';
import { tempDir } from '../support/run.js';

const CLI_WORDS = /openum |(^|[\s("'])--[a-z]/;

/** The source files of src/, the CLI aside (it speaks CLI words by design). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(join('src', 'cli')) ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The text of each `new OpenUmError(…)`, up to its closing parenthesis (strings skipped over). */
function constructions(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('new OpenUmError('); at >= 0; at = text.indexOf('new OpenUmError(', at + 1)) {
    let depth = 0;
    const quotes: string[] = []; // open string delimiters; '}' closes a ${ … } inside a template
    let i = at + 'new OpenUmError'.length;
    for (; i < text.length && i < at + 4000; i++) {
      const c = text[i];
      const q = quotes.at(-1);
      if (q === "'" || q === '"' || q === '`') {
        if (c === '\\') i++;
        else if (c === q) quotes.pop();
        else if (q === '`' && c === '$' && text[i + 1] === '{') { quotes.push('${'); i++; }
        continue;
      }
      if (c === "'" || c === '"' || c === '`') quotes.push(c);
      else if (q === '${' && c === '}') quotes.pop();
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    out.push(text.slice(at, i + 1));
  }
  return out;
}

/** The construction without its `cli:` hint (a quoted or template string). */
const withoutCliHint = (c: string) => c.replace(/cli:\s*(['"`])(?:\\.|\$\{[^}]*\}|(?!\1)[^\\])*\1/g, 'cli: …');

describe('API messages speak API words', () => {
  let admin: InProcessAdmin;
  let pfx: string;
  const tmp = tempDir('openum-api-messages-');

  before(async () => {
    admin = await startAdminInProcess('127.0.111.2');
    // A password-protected PFX made by openssl, for the import refusals.
    const key = join(tmp.path, 'k.pem');
    const crt = join(tmp.path, 'c.pem');
    const out = join(tmp.path, 'c.pfx');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=pfx.contoso.test'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-in', crt, '-inkey', key, '-out', out, '-passout', 'pass:secret'], { stdio: 'ignore' });
    pfx = readFileSync(out).toString('base64');
  });
  after(async () => {
    await admin?.close();
    tmp.cleanup();
  });

  it('no OpenUmError outside the CLI has CLI words without an API variant', () => {
    const root = join(import.meta.dirname, '..', '..', '..', 'src');
    const offenders: string[] = [];
    let seen = 0;
    for (const file of sources(root)) {
      for (const c of constructions(readFileSync(file, 'utf8'))) {
        seen++;
        if (CLI_WORDS.test(withoutCliHint(c))) offenders.push(`${relative(root, file)}: ${c.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
    assert.ok(seen > 200, `${seen} constructions scanned`);
    assert.deepEqual(offenders, []);
  });

  it('an OpenUmError keeps the CLI text in message and the API text in apiMessage', () => {
    const e = new OpenUmError('DIAL_PLAN_NOT_FOUND', 'no dial plan is named "X"', { cli: "'openum dialplan list' shows them", api: 'GET /api/dialplans lists them' });
    assert.equal(e.message, 'no dial plan is named "X"; \'openum dialplan list\' shows them');
    assert.equal(e.apiMessage, 'no dial plan is named "X"; GET /api/dialplans lists them');
    const p = new OpenUmError('PASSWORD_REQUIRED', 'the PFX file is password-protected', { cli: ': give its password with --password', api: ': give it in password' });
    assert.equal(p.message, 'the PFX file is password-protected: give its password with --password');
    assert.equal(p.apiMessage, 'the PFX file is password-protected: give it in password');
    assert.equal(new OpenUmError('INTERNAL', 'plain').apiMessage, 'plain');
  });

  it('refusals through the admin API name fields and routes, never a CLI command or flag', async () => {
    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await admin.call(method, path, { body });
      assert.ok(r.status < 300, `${method} ${path}: ${r.body}`);
    };
    await ok('POST', '/api/dialplans', { name: 'DP', extensionLength: 4 });
    await ok('POST', '/api/dialplans', { name: 'SEC', extensionLength: 4, voipSecurity: 'Secured' });
    await ok('POST', '/api/users', { name: 'alice', extension: '1000', dialPlan: 'DP', email: 'alice@contoso.test' });
    await ok('POST', '/api/autoattendants', { name: 'AA', dialPlan: 'DP' });
    await ok('POST', '/api/gateways', { name: 'gw', address: '192.0.2.10', dialPlan: 'DP' });

    const cases: Array<[string, string, unknown, number, string, RegExp]> = [
      ['GET', '/api/dialplans/Nope', undefined, 404, 'DIAL_PLAN_NOT_FOUND', /^no dial plan is named "Nope"; GET \/api\/dialplans lists them$/],
      ['POST', '/api/dialplans', { name: 'T' }, 400, 'BAD_SETTING', /give it in extensionLength$/],
      ['PATCH', '/api/dialplans/DP', {}, 400, 'BAD_ARGUMENT', /^nothing to change: give at least one field$/],
      ['DELETE', '/api/dialplans/DP', undefined, 409, 'OBJECT_IN_USE', /PATCH \/api\/users\/\{name\} \{ dialPlan \}/],
      ['PATCH', '/api/dialplans/DP', { extensionLength: 5 }, 409, 'OBJECT_IN_USE', /change their extensions first \(PATCH \/api\/users\/\{name\} \{ extension \}\)$/],
      ['GET', '/api/users/nobody', undefined, 404, 'UM_USER_NOT_FOUND', /GET \/api\/users lists them$/],
      ['PATCH', '/api/users/alice', {}, 400, 'BAD_ARGUMENT', /^nothing to change: give at least one field$/],
      ['GET', '/api/huntgroups/nope', undefined, 404, 'HUNT_GROUP_NOT_FOUND', /GET \/api\/huntgroups lists them$/],
      ['POST', '/api/huntgroups', { name: 'hg', gateway: 'gw', dialPlan: 'SEC' }, 409, 'GATEWAY_FQDN_REQUIRED', /\(PATCH \/api\/gateways\/gw \{ address: <gateway FQDN> \}\)$/],
      ['POST', '/api/gateways', { name: 'gw2', address: '192.0.2.11', dialPlan: 'SEC' }, 409, 'GATEWAY_FQDN_REQUIRED', /POST \/api\/gateways with address/],
      ['PATCH', '/api/gateways/gw', {}, 400, 'BAD_ARGUMENT', /give at least one field$/],
      ['GET', '/api/policies/nope', undefined, 404, 'MAILBOX_POLICY_NOT_FOUND', /GET \/api\/policies lists them$/],
      ['DELETE', '/api/policies/DP%20Default%20Policy', undefined, 409, 'OBJECT_IN_USE', /\(PATCH \/api\/users\/\{name\} \{ policy \}\)|\(DELETE \/api\/dialplans\/DP\)/],
      ['PUT', '/api/autoattendants/AA/keys/business/0', { action: 'transfer', target: '1000' }, 400, 'BAD_SETTING', /^key 0 is the operator: set it with operatorExtension$/],
      ['PUT', '/api/autoattendants/AA/keys/business/1', { action: 'transfer' }, 400, 'BAD_ARGUMENT', /^a transfer key needs the extension to transfer to \(target\)$/],
      ['PUT', '/api/autoattendants/AA/keys/business/2', { action: 'announcement' }, 400, 'BAD_ARGUMENT', /needs its recording \(data: base64 WAV\)$/],
      ['DELETE', '/api/autoattendants/AA/holidays/xmas', undefined, 400, 'BAD_SETTING', /GET \/api\/autoattendants\/AA lists them$/],
      ['GET', '/api/voicemail/999', undefined, 404, 'VOICE_MESSAGE_NOT_FOUND', /GET \/api\/users\/\{name\}\/voicemail lists them$/],
      ['PATCH', '/api/smtp', {}, 400, 'BAD_ARGUMENT', /give at least one of host, port, security, from$/],
      ['PATCH', '/api/smtp', { port: 587 }, 400, 'BAD_ARGUMENT', /give its name or address in host$/],
      ['PATCH', '/api/service', { sipTcpPort: 5070 }, 400, 'PORT_NOT_CHANGEABLE', /PATCH \/api\/callrouter \{ sipTcpPort \}/],
      ['PATCH', '/api/server', {}, 400, 'BAD_ARGUMENT', /give at least one field$/],
      ['GET', '/api/certificates/0000', undefined, 400, 'BAD_ARGUMENT', /GET \/api\/certificates lists them$/],
      ['GET', `/api/certificates/${'A'.repeat(40)}`, undefined, 404, 'CERTIFICATE_NOT_FOUND', /GET \/api\/certificates lists them$/],
      ['POST', `/api/certificates/${admin?.thumbprint ?? ''}/enable`, { services: 'UMCallRouter' }, 409, 'STARTUP_MODE_TCP', /\(PATCH \/api\/callrouter \{ startupMode: TLS \}\)$/],
      ['POST', `/api/certificates/${admin?.thumbprint ?? ''}/export`, { password: 'x' }, 409, 'KEY_NOT_EXPORTABLE', /without exportable: true\); export without password gives the public certificate$/],
      ['DELETE', `/api/trust/${'B'.repeat(40)}`, undefined, 404, 'TRUSTED_ROOT_NOT_FOUND', /GET \/api\/trust lists them$/],
      ['DELETE', `/api/trust/crls/${'C'.repeat(40)}`, undefined, 400, 'BAD_ARGUMENT', /GET \/api\/trust\/crls lists them$/],
      ['POST', '/api/workers/1/recycle', undefined, 400, 'BAD_ARGUMENT', /no UM workers$/],
    ];
    const messages: string[] = [];
    for (const [method, path, body, status, error, message] of cases) {
      const r = await admin.call(method, path, { body });
      const j = r.json() as { error: string; message: string };
      assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
      assert.equal(j.error, error, `${method} ${path}: ${r.body}`);
      assert.match(j.message, message, `${method} ${path}`);
      messages.push(j.message);
    }
    for (const m of messages) assert.doesNotMatch(m, CLI_WORDS, m);
  });

  it('refusals through the user API (/api/me, sign-in, passwords) and the web-account routes speak API words too', async () => {
    const PASSWORD = 'correct horse battery';
    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await admin.call(method, path, { body });
      assert.ok(r.status < 300, `${method} ${path}: ${r.body}`);
      return r.json() as Record<string, unknown>;
    };
    // alice exists (the case above); she sets her web password with an invitation and is signed in.
    const invite = await ok('POST', '/api/users/alice/invite', { email: false });
    const inviteToken = new URL(String(invite.link)).searchParams.get('token');
    const set = await admin.call('POST', '/api/password/invite', { token: null, body: { token: inviteToken, password: PASSWORD } });
    assert.equal(set.status, 200, set.body);
    const cookie = /^openum_session=[^;]+/.exec(String(set.headers['set-cookie']?.[0] ?? ''))?.[0] ?? '';
    assert.ok(cookie, 'signed in');
    const csrf = String((set.json() as { csrfToken: string }).csrfToken);
    await ok('POST', '/api/admins', { name: 'night', password: PASSWORD });

    type Who = 'user' | 'user+csrf' | 'admin' | 'anonymous';
    const headers = (who: Who): Record<string, string> | undefined => (who === 'user' ? { cookie } : who === 'user+csrf' ? { cookie, 'x-csrf-token': csrf } : undefined);
    const cases: Array<[Who, string, string, unknown, number, string, RegExp]> = [
      ['user', 'GET', '/api/me/messages/999/audio', undefined, 404, 'VOICE_MESSAGE_NOT_FOUND', /^no voice message has id 999; GET \/api\/me\/messages lists yours$/],
      ['user+csrf', 'PATCH', '/api/me/messages/999', { read: true }, 404, 'VOICE_MESSAGE_NOT_FOUND', /GET \/api\/me\/messages lists yours$/],
      ['user+csrf', 'POST', '/api/me/messages/999/play-on-phone', { number: '1001' }, 404, 'VOICE_MESSAGE_NOT_FOUND', /GET \/api\/me\/messages lists yours$/],
      ['user', 'GET', '/api/me/play-on-phone/999', undefined, 404, 'PLAY_ON_PHONE_NOT_FOUND', /^no Play on Phone call has id 999$/],
      ['user', 'GET', '/api/me/messages/abc/audio', undefined, 400, 'BAD_ARGUMENT', /^id: id must be a whole number$/],
      ['user+csrf', 'PATCH', '/api/me', { language: 'de' }, 400, 'BAD_ARGUMENT', /^language: language must be en, it, es, fr or null/],
      ['user+csrf', 'PATCH', '/api/me', { colour: 'red' }, 400, 'BAD_ARGUMENT', /^body: .*colour/],
      ['user', 'PATCH', '/api/me', { callAnswering: false }, 403, 'CSRF_TOKEN_INVALID', /x-csrf-token header with the csrfToken of the session$/],
      ['user+csrf', 'PUT', '/api/me/password', { currentPassword: PASSWORD, password: 'short' }, 400, 'WEAK_PASSWORD', /^password must have at least 10 characters$/],
      ['user+csrf', 'PUT', '/api/me/password', { password: 'another good password' }, 400, 'BAD_ARGUMENT', /^currentPassword: currentPassword is required$/],
      ['user+csrf', 'POST', '/api/me/pin/reset', { pin: '1234' }, 400, 'BAD_ARGUMENT', /^body: .*pin/],
      ['user', 'GET', '/api/users', undefined, 403, 'FORBIDDEN', /a user reaches their own mailbox under \/api\/me$/],
      ['admin', 'GET', '/api/me', undefined, 403, 'FORBIDDEN', /administrators use \/api\/users\/\{name\}$/],
      ['anonymous', 'GET', '/api/me/messages', undefined, 401, 'UNAUTHORIZED', /POST \/api\/session with your e-mail address and password$/],
      ['anonymous', 'GET', '/api/session', undefined, 401, 'UNAUTHORIZED', /POST \/api\/session$/],
      ['anonymous', 'POST', '/api/session', { email: 'alice@contoso.test' }, 400, 'BAD_ARGUMENT', /^body: give \{ email, password \}, \{ admin, password \} or \{ token \}$/],
      ['anonymous', 'POST', '/api/session', { email: 'nobody@contoso.test', password: 'not the password' }, 401, 'UNAUTHORIZED', /^the e-mail address or password is wrong$/],
      ['anonymous', 'POST', '/api/password/invite', { token: 'x'.repeat(43), password: 'a good long password' }, 400, 'INVITE_INVALID', /ask your administrator for a new one$/],
      ['anonymous', 'POST', '/api/password/pin', { email: 'alice@contoso.test', password: 'a good long password' }, 400, 'BAD_ARGUMENT', /^pin: pin is required$/],
      ['admin', 'POST', '/api/users/nobody/invite', {}, 404, 'UM_USER_NOT_FOUND', /GET \/api\/users lists them$/],
      ['admin', 'PUT', '/api/admins/nobody/password', { password: 'a good long password' }, 404, 'ADMIN_ACCOUNT_NOT_FOUND', /^no administrator account is named "nobody"; GET \/api\/admins lists them$/],
      ['admin', 'POST', '/api/admins', { name: 'night', password: PASSWORD }, 409, 'OBJECT_EXISTS', /choose another name$/],
      ['admin', 'POST', '/api/admins', { name: 'no spaces', password: PASSWORD }, 400, 'BAD_ARGUMENT', /administrator name "no spaces" must be/],
      ['admin', 'GET', '/api/refusals?limit=0', undefined, 400, 'BAD_ARGUMENT', /^limit: /],
      ['admin', 'GET', '/api/calls', undefined, 503, 'NOT_RUNNING', /without its SIP roles/],
    ];
    for (const [who, method, path, body, status, error, message] of cases) {
      const h = headers(who);
      const r = await admin.call(method, path, { body, ...(who === 'admin' ? {} : { token: null }), ...(h ? { headers: h } : {}) });
      const j = r.json() as { error: string; message: string };
      assert.equal(r.status, status, `${who} ${method} ${path}: ${r.body}`);
      assert.deepEqual(Object.keys(j).sort(), ['error', 'message'], `${method} ${path}`);
      assert.equal(j.error, error, `${who} ${method} ${path}: ${r.body}`);
      assert.match(j.message, message, `${method} ${path}`);
      assert.doesNotMatch(j.message, CLI_WORDS, j.message);
    }
    // Nothing was changed by the refusals: alice's settings and password are as they were.
    const me = await admin.call('GET', '/api/me', { token: null, headers: { cookie } });
    assert.equal((me.json() as { callAnswering: boolean }).callAnswering, true);
    const again = await admin.call('POST', '/api/session', { token: null, body: { email: 'alice@contoso.test', password: PASSWORD } });
    assert.equal(again.status, 200, again.body);
  });

  it('PFX passwords: the API names the password field', async () => {
    const tp = admin.thumbprint;
    assert.ok(tp);
    const refused = async (body: unknown, error: string, message: RegExp) => {
      const r = await admin.call('POST', '/api/certificates/import', { body });
      assert.equal(r.status, 400, r.body);
      const j = r.json() as { error: string; message: string };
      assert.equal(j.error, error);
      assert.match(j.message, message);
      assert.doesNotMatch(j.message, CLI_WORDS);
    };
    await refused({ data: pfx }, 'PASSWORD_REQUIRED', /^the PFX file is password-protected: give it in password$/);
    await refused({ data: pfx, password: 'wrong' }, 'BAD_PASSWORD', /^the PFX password is wrong \(.*\): check password$/);
  });

  it('the CLI keeps its own words for the same refusals', async () => {
    const r = await cli(['dialplan', 'get', 'Nope'], { data: admin.data });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no dial plan is named "Nope"; 'openum dialplan list' shows them/);
    const s = await cli(['smtp', 'set'], { data: admin.data });
    assert.match(s.stderr, /nothing to change: give at least one of --host, --port, --security, --from/);
  });
});
