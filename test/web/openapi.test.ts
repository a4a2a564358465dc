// GET /api/openapi.json: one OpenAPI 3 document generated from the routes' zod schemas. It is
// well formed (every operation has responses, every $ref resolves), lists exactly the routes
// fastify has, documents every error code with its status, and a request its schema refuses is
// answered as documented: 400 { error: 'BAD_ARGUMENT', message: '<field>: <problem>' }.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.js';
import { startAdminInProcess, type InProcessAdmin } from '../support/admin-in-process.js';

type Json = Record<string, unknown>;
interface Operation { responses?: Record<string, Json>; security?: unknown[]; tags?: string[]; summary?: string }
interface Doc { openapi: string; info: Json; security?: unknown[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> } }

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** Every value of `$ref` anywhere in `v`. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

function resolve(doc: unknown, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `only local references: ${ref}`);
  return ref.slice(2).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

describe('OpenAPI document of the API', () => {
  let admin: InProcessAdmin;
  let doc: Doc;

  before(async () => {
    admin = await startAdminInProcess('127.0.111.1');
    const r = await admin.call('GET', '/api/openapi.json', { token: null });
    assert.equal(r.status, 200, r.body);
    doc = r.json() as Doc;
  });
  after(async () => {
    await admin?.close();
  });

  it('is an OpenAPI 3 document served without a token, with bearer and cookie security', () => {
    assert.match(doc.openapi, /^3\.0\.\d$/);
    assert.equal(doc.info.title, 'OpenUM API');
    assert.match(String(doc.info.version), /^\d+\.\d+\.\d+/);
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.bearerAuth?.description,
    });
    assert.equal(doc.components.securitySchemes.cookieAuth?.in, 'cookie');
    assert.equal(doc.components.securitySchemes.cookieAuth?.name, 'openum_session');
    assert.deepEqual(doc.paths['/api/openapi.json']?.get?.security, []);
  });

  /** Every operation as [method, path, operation]. */
  const operations = (): Array<[string, string, Operation]> => Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, op]): [string, string, Operation] => [m.toUpperCase(), path, op]));

  it('declares both security schemes; the user routes need the session cookie; the public routes are the ones auth lets through', async () => {
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearerAuth', 'cookieAuth']);
    assert.deepEqual(doc.security, [{ bearerAuth: [] }, { cookieAuth: [] }], 'by default: an administrator token or an administrator\'s session');
    const me = operations().filter(([, path]) => path === '/api/me' || path.startsWith('/api/me/'));
    assert.ok(me.length >= 15, `${me.length} /api/me operations`);
    for (const [method, path, op] of me) {
      assert.deepEqual(op.security, [{ cookieAuth: [] }], `${method} ${path} requires cookieAuth`);
      assert.ok(op.responses?.['403'], `${method} ${path} documents 403 (an administrator, or a change without x-csrf-token)`);
    }
    const open = operations().filter(([, , op]) => Array.isArray(op.security) && op.security.length === 0).map(([m, p]) => `${m} ${p}`).sort();
    assert.deepEqual(open, ['DELETE /api/session', 'GET /api/openapi.json', 'POST /api/password/invite', 'POST /api/password/pin', 'POST /api/session']);
    // What the document says holds: anonymous calls pass auth on the public routes only.
    for (const route of open) {
      const [method = '', path = ''] = route.split(' ');
      const r = await admin.call(method, path, { token: null, body: method === 'POST' ? {} : undefined });
      assert.notEqual(r.status, 401, `${route}: ${r.body}`);
    }
    assert.equal((await admin.call('GET', '/api/session', { token: null })).status, 401);
    assert.equal((await admin.call('GET', '/api/me', { token: null })).status, 401);
    const byToken = await admin.call('GET', '/api/me');
    assert.equal(byToken.status, 403, 'an administrator token does not reach /api/me');
    assert.equal((byToken.json() as Json).error, 'FORBIDDEN');
  });

  it('documents the rate limit (429) on sign-in and password routes, and the audio range answers (206, 416)', () => {
    for (const [method, path] of [['post', '/api/session'], ['post', '/api/password/invite'], ['post', '/api/password/pin'], ['put', '/api/me/password']] as const) {
      assert.ok(doc.paths[path]?.[method]?.responses?.['429'], `${method.toUpperCase()} ${path} documents 429`);
    }
    const audio = doc.paths['/api/me/messages/{id}/audio']?.get?.responses ?? {};
    for (const s of ['200', '206']) assert.ok((audio[s] as { content?: Json } | undefined)?.content?.['audio/wav'], `audio ${s} is audio/wav`);
    assert.ok(audio['416'], 'audio documents 416');
    assert.ok(doc.paths['/api/session']?.post?.responses?.['403'], 'a locked account (ACCOUNT_LOCKED) is documented');
  });

  it('gives every operation a tag, a summary and responses with descriptions; every $ref resolves', () => {
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item).filter(([m]) => METHODS.includes(m))) {
        operations++;
        const where = `${method.toUpperCase()} ${path}`;
        assert.ok(op.tags?.length, `${where} has a tag`);
        assert.ok(op.summary, `${where} has a summary`);
        const responses = Object.entries(op.responses ?? {});
        assert.ok(responses.some(([s]) => /^2\d\d$/.test(s)), `${where} documents its success`);
        for (const s of ['400', '401', '500']) assert.ok(op.responses?.[s], `${where} documents ${s}`);
        for (const [status, res] of responses) assert.equal(typeof res.description, 'string', `${where} ${status} has a description`);
        for (const p of path.match(/\{(\w+)\}/g) ?? []) {
          const params = (op as { parameters?: Array<{ in: string; name: string }> }).parameters ?? [];
          assert.ok(params.some((x) => x.in === 'path' && `{${x.name}}` === p), `${where} documents its path parameter ${p}`);
        }
      }
    }
    assert.ok(operations > 60, `${operations} operations`);
    const all = refs(doc);
    assert.ok(all.length > 0);
    for (const ref of new Set(all)) assert.ok(resolve(doc, ref) !== undefined, `${ref} resolves`);
  });

  it('lists exactly the routes fastify has registered under /api', () => {
    const routes = admin.server.routes.filter((r) => r.url.startsWith('/api'))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual([...new Set(documented)].sort(), [...new Set(routes)].sort());
  });

  it('documents every error code under its HTTP status, in the shared { error, message } body', () => {
    const used = new Set<string>();
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, res] of Object.entries(op.responses ?? {})) {
          if (!/^[45]\d\d$/.test(status)) continue;
          const ref = (res as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.['application/json']?.schema?.$ref;
          assert.equal(ref, `#/components/schemas/Error${status}`, `${status} uses the shared error body`);
          used.add(status);
        }
      }
    }
    for (const [code, { http }] of Object.entries(ERROR_CODES)) {
      assert.ok(used.has(String(http)), `some route documents HTTP ${http} (${code})`);
      const body = doc.components.schemas[`Error${http}`] as { properties: { error: { enum: string[] }; message: Json }; required: string[] };
      assert.ok(body.properties.error.enum.includes(code), `${code} is in the enum of Error${http}`);
      assert.deepEqual([...body.required].sort(), ['error', 'message']);
    }
  });

  it('answers a request its schema refuses with the documented 400, naming the field', async () => {
    const error400 = doc.components.schemas.Error400 as { properties: { error: { enum: string[] } } };
    const check = async (method: string, path: string, body: unknown, message: RegExp) => {
      const r = await admin.call(method, path, { body });
      assert.equal(r.status, 400, `${method} ${path}: ${r.body}`);
      const j = r.json() as Json;
      assert.deepEqual(Object.keys(j).sort(), ['error', 'message']);
      assert.equal(j.error, 'BAD_ARGUMENT');
      assert.ok(error400.properties.error.enum.includes(String(j.error)));
      assert.match(String(j.message), message);
    };
    await check('POST', '/api/dialplans', { name: 'DP', extensionLength: 4, colour: 'red' }, /^body: .*colour/);
    await check('POST', '/api/dialplans', undefined, /^name: /);
    await check('POST', '/api/gateways', { name: 'gw', address: 5 }, /^address: /);
    await check('PATCH', '/api/voicemail/abc', { read: true }, /^id: id must be a whole number$/);
    await check('GET', '/api/audit?limit=0', undefined, /^limit: /);
    await check('PUT', '/api/autoattendants/AA/keys/business/3', { action: 'transfer', target: true }, /^target: /);
    assert.equal((await admin.call('GET', '/api/dialplans')).status, 200, 'nothing was created');
    assert.deepEqual((await admin.call('GET', '/api/dialplans')).json(), []);
  });

  it('answers the success bodies it documents field by field', async () => {
    for (const [path, component] of <Array<[string, string]>>[['/api/server', 'ServerSettings'], ['/api/service', 'UmServiceSettings'], ['/api/callrouter', 'CallRouterSettings'], ['/api/admin', 'AdminSettings'], ['/api/smtp', 'SmtpSettings']]) {
      const r = await admin.call('GET', path);
      assert.equal(r.status, 200, r.body);
      const documented = doc.components.schemas[component] as { properties: Json; required: string[] };
      assert.deepEqual(Object.keys(r.json() as Json).sort(), Object.keys(documented.properties).sort(), path);
      assert.deepEqual([...documented.required].sort(), Object.keys(documented.properties).sort(), path);
    }
  });

  it('still needs the token everywhere else', async () => {
    const r = await admin.call('GET', '/api/dialplans', { token: null });
    assert.equal(r.status, 401);
    assert.equal((r.json() as Json).error, 'UNAUTHORIZED');
  });
});
