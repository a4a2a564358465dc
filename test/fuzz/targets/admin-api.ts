// The admin API's request bodies (zod schemas in src/web/routes, then the handlers), answered in
// process through fastify's inject on a server of an initialised data directory. Every route that
// takes a body gets schema-shaped bodies (schema-bodies.ts), any JSON, broken JSON text, or bytes
// of another content type; path parameters are names that exist or not. A crash: a 5xx, a 4xx
// without a JSON {error, message} body, or a 4xx after which the store's change revision moved
// (every write bumps it, src/store/revision.ts): a refused body must change nothing.
import fc from 'fast-check';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { readRevision } from '../../../src/store/revision.js';
import { openNode, type OpenNode } from '../../../src/services/node.js';
import { AdminServer } from '../../../src/web/admin-server.js';
import { initData } from '../../support/openum.js';
import { tempDir } from '../../support/run.js';
import { silentLog } from '../../support/voicemail.js';
import { bodyFor, type JsonSchema } from '../schema-bodies.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';

export interface ApiInput {
  method: string;
  url: string;
  auth: boolean;
  contentType: string;
  /** The body as sent (latin1 for bytes). */
  payload: string;
}

interface Route {
  method: string;
  path: string;
  contentType: string;
  schema: JsonSchema;
}

/** Loopback address of this helper's range (docs/RELIABILITY.md "Fuzzing"); nothing connects to it. */
const HOST = process.env.FUZZ_API_HOST ?? '127.0.134.1';
const NAMES = ['fz-dp', 'fzgw', 'fz-hg', 'alice', 'fz-aa', 'fz-policy', 'nobody', '1', '0', '-1', '99999999999', 'a%20b', '..', '%00', 'x'.repeat(300), 'business', 'after', '5', 'christmas'];
// Made in setup so that path parameters name something: change routes then reach their handlers.
const SEED_BODIES: Array<[string, string, unknown]> = [
  ['POST', '/api/dialplans', { name: 'fz-dp', extensionLength: 4 }],
  ['POST', '/api/gateways', { name: 'fzgw', address: '127.0.134.9', dialPlan: 'fz-dp' }],
  ['POST', '/api/huntgroups', { name: 'fz-hg', gateway: 'fzgw', dialPlan: 'fz-dp', pilotIdentifier: '4000' }],
  ['POST', '/api/users', { name: 'alice', extension: '1001', dialPlan: 'fz-dp', email: 'alice@contoso.test' }],
  ['POST', '/api/autoattendants', { name: 'fz-aa', dialPlan: 'fz-dp', numbers: ['4100'] }],
];

const answers = new Map<string, number>();

let state: { node: OpenNode; server: AdminServer; token: string; routes: Route[]; components: Record<string, JsonSchema>; cleanup: () => void } | undefined;

async function send(input: ApiInput) {
  const s = state!;
  const answer = await s.server.inject({
    method: input.method as 'POST',
    url: input.url,
    headers: { 'content-type': input.contentType, ...(input.auth ? { authorization: `Bearer ${s.token}` } : {}) },
    // Requests without a token come from other addresses of the range: the failed-authentication
    // limit (src/web/auth-failures.ts, per source) would otherwise answer 429 to the rest of the run.
    remoteAddress: input.auth ? '127.0.0.1' : `127.0.134.${2 + (input.url.length % 250)}`,
    payload: Buffer.from(input.payload, 'latin1'),
  });
  // One turn of the event loop per input, as requests over a socket get: a request answered
  // without any I/O (a 401 or 429 from the onRequest hook) leaves its response's setImmediate
  // callbacks queued, and back-to-back injects would starve them, holding every request and reply
  // (20,000 such requests: +250 MB of heap that a turn each keeps at 0; docs/RELIABILITY.md).
  await turn();
  return answer;
}

function routesOf(doc: { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>> }): Route[] {
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [contentType, c] of Object.entries(op.requestBody?.content ?? {})) out.push({ method: method.toUpperCase(), path, contentType, schema: c.schema });
    }
  }
  return out;
}

const fill = (path: string) => fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), { minLength: 4, maxLength: 4 })
  .map((vals) => {
    let i = 0;
    return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(vals[i++ % vals.length]!).replaceAll('%25', '%'));
  });

function inputFor(route: Route, components: Record<string, JsonSchema>): fc.Arbitrary<ApiInput> {
  const json = route.contentType.includes('json');
  const payload: fc.Arbitrary<{ contentType: string; payload: string }> = json
    ? fc.oneof(
      { weight: 6, arbitrary: bodyFor(route.schema, components).map((b) => ({ contentType: route.contentType, payload: JSON.stringify(b) ?? 'null' })) },
      { weight: 1, arbitrary: fc.jsonValue().map((b) => ({ contentType: route.contentType, payload: JSON.stringify(b) })) },
      { weight: 1, arbitrary: fc.tuple(bodyFor(route.schema, components), fc.nat(), fc.nat({ max: 3 })).map(([b, at, k]) => {
        const text = JSON.stringify(b) ?? '';
        const i = at % (text.length + 1);
        return { contentType: route.contentType, payload: [text.slice(0, i), text.slice(0, i) + '}'.repeat(k), `${text.slice(0, i)}\u0000${text.slice(i)}`, text.slice(i)][k]! };
      }) },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'audio/wav', 'application/json; charset=latin1')
        .chain((ct) => fc.string({ maxLength: 60 }).map((p) => ({ contentType: ct, payload: p }))) },
    )
    : fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => ({ contentType: route.contentType, payload: Buffer.from(a).toString('latin1') })),
      fc.tuple(fc.nat({ max: 0xffffffff }), fc.uint8Array({ maxLength: 64 })).map(([n, rest]) => {
        const h = Buffer.alloc(44);
        h.write('RIFF', 0); h.writeUInt32LE(n, 4); h.write('WAVEfmt ', 8); h.writeUInt32LE(16, 16); h.writeUInt16LE(n & 0xffff, 20);
        h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24); h.write('data', 36); h.writeUInt32LE(n >>> 3, 40);
        return { contentType: route.contentType, payload: Buffer.concat([h, Buffer.from(rest)]).toString('latin1') };
      }),
    );
  return fc.record({ url: fill(route.path), auth: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), body: payload })
    .map(({ url, auth, body }) => ({ method: route.method, url, auth, ...body }));
}

export const adminApiTarget: FuzzTarget<ApiInput> = {
  name: 'admin-api',
  describe: 'admin API routes with a body (fastify inject): schema-shaped, any JSON, broken JSON, other content types',
  weight: 5,
  hangMs: 5000,
  ext: 'json',
  async setup() {
    const tmp = tempDir('openum-fuzz-api-');
    const data = join(tmp.path, 'data');
    const { token } = await initData(data, 'um.contoso.test');
    const node = await openNode({ dataDir: data, actor: { name: 'fuzz' } });
    const server = new AdminServer(node, silentLog());
    await server.start({ address: HOST, port: 0 });
    const doc = JSON.parse((await server.inject({ method: 'GET', url: '/api/openapi.json' })).body) as Parameters<typeof routesOf>[0] & { components?: { schemas?: Record<string, JsonSchema> } };
    state = { node, server, token, routes: routesOf(doc), components: doc.components?.schemas ?? {}, cleanup: tmp.cleanup };
    for (const [method, url, body] of SEED_BODIES) {
      const r = await send({ method, url, auth: true, contentType: 'application/json', payload: JSON.stringify(body) });
      if (r.statusCode >= 300) process.stderr.write(`admin-api setup: ${method} ${url} answered ${r.statusCode} ${r.body}\n`);
    }
  },
  async teardown() {
    if (!state) return;
    const s = state;
    state = undefined;
    await s.server.close();
    await s.node.close();
    s.cleanup();
  },
  arbitrary: () => {
    if (!state) throw new Error('admin-api: setup() first');
    const { routes, components } = state;
    // One weight per method and path: a route that takes several audio types is not fed more.
    const byPath = new Map<string, Route[]>();
    for (const r of routes) byPath.set(`${r.method} ${r.path}`, [...(byPath.get(`${r.method} ${r.path}`) ?? []), r]);
    return fc.oneof(...[...byPath.values()].map((rs) => fc.oneof(...rs.map((r) => inputFor(r, components)))));
  },
  run: async (input) => {
    const db = state!.node.store.db;
    const before = await readRevision(db);
    const r = await send(input);
    answers.set(String(r.statusCode), (answers.get(String(r.statusCode)) ?? 0) + 1);
    check(r.statusCode < 500, () => `${input.method} ${input.url} answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
    if (r.statusCode < 400) return;
    let body: { error?: unknown; message?: unknown } | undefined;
    try {
      body = JSON.parse(r.body) as typeof body;
    } catch { /* checked below */ }
    check(typeof body?.error === 'string' && typeof body.message === 'string', () => `${input.method} ${input.url} ${r.statusCode} without {error, message}: ${r.body.slice(0, 200)}`);
    const after = await readRevision(db);
    check(after === before, () => `${input.method} ${input.url} answered ${r.statusCode} (${String(body?.error)}) yet changed the store`);
  },
  stats: () => Object.fromEntries([...answers].sort()),
  encode: (i) => toJson(i),
  decode: (b) => fromJson<ApiInput>(b),
};
