// Three nodes on one PostgreSQL store (issue 11): node A runs only the Call Router (127.0.0.2),
// B and C only a UM service and its workers (127.0.0.3, 127.0.0.4; the UM ports are fixed, so
// the nodes differ by address). They register in the store's node list with a heartbeat; A's
// Call Router sends calls to B and C by load; B killed (SIGKILL) gets no call within 10 s and
// shows as stale; B started again gets calls again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, cliJson, startServer, type RunningServer } from '../support/openum.js';
import { freshSchema, postgresBaseUrl, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { headerOf, request, statusOf, udpExchange } from '../support/um-setup.js';
import { sleep, waitFor } from '../support/voicemail.js';

const A = '127.0.0.2';
const B = '127.0.0.3';
const C = '127.0.0.4';
const GATEWAY = '127.0.0.5';
const base = await postgresBaseUrl();

interface NodeRow { name: string; roles: string; health: string; sipHost: string; umTcp: boolean }

describe('several nodes on one PostgreSQL store', { skip: base ? false : 'PostgreSQL not reachable (127.0.0.1:5432)', timeout: 240_000 }, () => {
  const tmp = tempDir('openum-cluster-');
  let target: PgTarget;
  let env: NodeJS.ProcessEnv;
  const data = { a: join(tmp.path, 'a'), b: join(tmp.path, 'b'), c: join(tmp.path, 'c') };
  const running: Partial<Record<'a' | 'b' | 'c', RunningServer>> = {};

  const must = async (args: string[], dir: string) => {
    const r = await cli(args, { data: dir, env });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const start = (k: 'a' | 'b' | 'c', address: string, roles: string) =>
    startServer(data[k], { sip: true, env, args: ['--sip-address', address, '--roles', roles, '--routers', '1'] }).then((s) => { running[k] = s; });

  /** One INVITE to A's Call Router: the host of the UM service its 302 names. */
  async function routedTo(): Promise<string> {
    const reply = await udpExchange({ address: A, port: 5060 },
      request('INVITE', `sip:4000@${A}`, GATEWAY, 0, [`Diversion: <sip:1000@${A}>;reason=no-answer`]), { from: GATEWAY, timeoutMs: 3000 });
    const { status, reason } = statusOf(reply);
    if (status !== 302) return `${status} ${reason}`;
    return /@([^:;>]+):5062/.exec(headerOf(reply, 'Contact') ?? '')?.[1] ?? `no host in ${headerOf(reply, 'Contact')}`;
  }
  const nodes = () => cliJson<NodeRow[]>(['node', 'list'], { data: data.a, env });

  before(async () => {
    target = await freshSchema(base as string);
    env = { OPENUM_DATABASE_URL: target.url, OPENUM_MASTER_KEY: randomBytes(32).toString('base64') };
    await must(['init', '--name', 'node-a', '--fqdn', 'a.contoso.test'], data.a);
    await must(['init', '--name', 'node-b', '--fqdn', 'b.contoso.test'], data.b);
    await must(['init', '--name', 'node-c', '--fqdn', 'c.contoso.test'], data.c);
    // One organisation for all: made once, through any node.
    await must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000'], data.a);
    await must(['gateway', 'new', 'GW', '--address', GATEWAY, '--dial-plan', 'DP'], data.a);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test'], data.b);
    await Promise.all([start('b', B, 'um'), start('c', C, 'um')]);
    await start('a', A, 'callrouter');
  });
  after(async () => {
    await Promise.all(Object.values(running).map((s) => s?.stop()));
    await target?.drop();
    tmp.cleanup();
  });

  it('every node is in the node list, live, with its roles and where its UM service is reached', async () => {
    const list = await nodes();
    assert.deepEqual(list.map((n) => [n.name, n.roles, n.health]), [['node-a', 'callrouter', 'live'], ['node-b', 'um', 'live'], ['node-c', 'um', 'live']]);
    assert.deepEqual(list.map((n) => n.sipHost), [A, B, C]);
    assert.deepEqual(list.map((n) => n.umTcp), [false, true, true]);
    const r = await cli(['node', 'remove', 'node-b'], { data: data.a, env });
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /node "node-b" is running .*stop it first/);
  });

  it("A's Call Router sends calls to B and C, spread between them", async () => {
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(await routedTo());
    assert.ok(seen.every((h) => h === B || h === C), seen.join(', '));
    assert.ok(seen.includes(B) && seen.includes(C), `both UM nodes get calls: ${seen.join(', ')}`);
  });

  it('B killed: within 10 s every call goes to C, and B shows as stale; B back: it gets calls again', async () => {
    running.b?.process.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('calls no longer sent to B', async () => {
      const hosts = [await routedTo(), await routedTo(), await routedTo(), await routedTo()];
      return hosts.every((h) => h === C) ? hosts : undefined;
    }, 15_000);
    assert.ok(Date.now() - killedAt <= 10_000, `B still got calls ${Date.now() - killedAt} ms after it died`);
    for (let i = 0; i < 6; i++) assert.equal(await routedTo(), C);
    assert.equal((await nodes()).find((n) => n.name === 'node-b')?.health, 'stale');

    await start('b', B, 'um');
    await waitFor('B gets calls again', async () => {
      const hosts = [await routedTo(), await routedTo(), await routedTo(), await routedTo()];
      return hosts.includes(B) ? hosts : undefined;
    }, 15_000);
    await sleep(0);
  });
});
