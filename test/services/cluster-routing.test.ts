// Three nodes on one PostgreSQL store (issue 11): node A runs only the Call Router (127.0.0.2),
// B and C only a UM service and its workers (127.0.0.3, 127.0.0.4; the UM ports are fixed, so
// the nodes differ by address). They register in the store's node list with a heartbeat; A's
// Call Router sends calls to B and C by load; B killed (SIGKILL) gets no call within 10 s and
// shows as stale; B started again gets calls again. A message left through B (SIPp following the
// 302s of A's Call Router and B's UM service to B's worker) is in the shared store: played through
// C with B dead, and delivered once by C, which claims the SMTP job B left.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { renderVoicemailScenario, sippPcapsMissing, voicemailPcaps } from '../support/peers/sipp-voicemail.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { greetingSeconds } from '../support/voicemail-server.js';
import { smtpSink, type SmtpSink } from '../support/voicemail.js';
import { api } from '../support/api.js';
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
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing()].filter(Boolean).join(', ');
if (missing && process.env.CI === 'true') throw new Error(`CI: cluster-routing needs ${missing}`);
const skip = !base ? 'PostgreSQL not reachable (127.0.0.1:5432)' : missing ? `not installed: ${missing}` : false;

interface NodeRow { name: string; roles: string; health: string; sipHost: string; umTcp: boolean }

describe('several nodes on one PostgreSQL store', { skip, timeout: 300_000 }, () => {
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
  let sink: SmtpSink;
  let leftThroughB: { id: number; durationMs: number } | undefined;
  let tokenC = '';

  /** SIPp from the gateway's address: one INVITE diverted from alice to `port` of `host` with Call-ID `callId`; the 302's Contact. */
  const hop = async (host: string, port: number, ruri: string, callId: string) => (await runSipp({
    scenario: 'uac-follow', target: `${host}:${port}`, transport: 'u1', calls: 1, timeoutSec: 15,
    keys: { service: '4000', ruri }, headers: [`Diversion: <sip:1000@${A}>;reason=no-answer`], extraArgs: ['-cid_str', callId, '-i', GATEWAY, '-mi', GATEWAY],
  })).contact ?? '';

  before(async () => {
    target = await freshSchema(base as string);
    env = { OPENUM_DATABASE_URL: target.url, OPENUM_MASTER_KEY: randomBytes(32).toString('base64') };
    await must(['init', '--name', 'node-a', '--fqdn', 'a.contoso.test'], data.a);
    await must(['init', '--name', 'node-b', '--fqdn', 'b.contoso.test'], data.b);
    tokenC = /administrator token[^:]*: (oum_\S+)/.exec(await must(['init', '--name', 'node-c', '--fqdn', 'c.contoso.test'], data.c))?.[1] ?? '';
    // One organisation for all: made once, through any node.
    await must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000'], data.a);
    await must(['gateway', 'new', 'GW', '--address', GATEWAY, '--dial-plan', 'DP'], data.a);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test'], data.b);
    await Promise.all([start('b', B, 'um'), start('c', C, 'um')]);
    await start('a', A, 'callrouter');
    sink = await smtpSink('127.0.0.6');
  });
  after(async () => {
    await Promise.all(Object.values(running).map((s) => s?.stop()));
    await sink?.close();
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

  it('a message left through B is stored in the shared store, audio included', async () => {
    // Follow A's 302 until it names B (calls alternate between B and C), then B's UM service's 302.
    let callId = '';
    let toService = '';
    for (let i = 0; i < 6 && !toService.includes(`@${B}:5062`); i++) {
      callId = `cluster-${i}-${Date.now()}@${GATEWAY}`;
      toService = await hop(A, 5060, `sip:4000@${A}:5060`, callId);
    }
    assert.match(toService, new RegExp(`@${B.replaceAll('.', '\\.')}:5062;`), toService);
    const toWorker = await hop(B, 5062, toService, callId);
    const worker = /@[^:]+:(\d+);/.exec(toWorker)?.[1];
    assert.ok(worker === '5065' || worker === '5067', toWorker);
    const pcaps = await voicemailPcaps(tmp.path);
    const scenario = renderVoicemailScenario(join(tmp.path, 'via-b.xml'), {
      ending: 'hangup', audioPcap: pcaps.audio, audioMs: 3000, greetingMs: Math.round(greetingSeconds('1000') * 1000) + 150, byeWaitMs: 25_000,
    });
    const r = await runSipp({
      scenario, target: `${B}:${worker}`, transport: 'u1', calls: 1, timeoutSec: 45, mediaPort: 33100,
      keys: { service: '4000', from_user: '+15551230001', ruri_params: /^sip:4000@[^;]+(;.*)$/.exec(toWorker)?.[1] ?? '' },
      headers: [`Diversion: <sip:1000@${A}>;reason=no-answer`], extraArgs: ['-cid_str', callId, '-i', GATEWAY, '-mi', GATEWAY],
    });
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-2000)}\n${running.b?.stderr().slice(-2000)}`);
    const message = await waitFor('the message stored', async () => {
      const list = await cliJson<{ id: number; state: string; durationMs: number }[]>(['voicemail', 'list', '--user', 'alice', '--all'], { data: data.c, env });
      return list.find((m) => m.state === 'stored');
    }, 20_000).catch(async (e: Error) => {
      const all = await cli(['voicemail', 'list', '--user', 'alice', '--all', '--json'], { data: data.c, env });
      const log = running.b?.stderr().split('\n').filter((l) => /voice|record|error|warn|ended/i.test(l)).slice(-15).join('\n');
      throw new Error(`${e.message}\nmessages: ${all.stdout}${all.stderr}\nB: ${log}`);
    });
    assert.ok(message.durationMs >= 2500, `duration ${message.durationMs} ms`);
    leftThroughB = message;
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

    // B's message, with B dead: heard through C, and mailed once by C once C has an SMTP server.
    assert.ok(leftThroughB, 'the message test ran');
    const wav = join(tmp.path, 'heard-through-c.wav');
    const played = await cli(['voicemail', 'play', String(leftThroughB.id), '--out', wav], { data: data.c, env });
    assert.equal(played.code, 0, played.stderr);
    assert.ok(existsSync(wav) && readFileSync(wav).length >= 44 + 8 * leftThroughB.durationMs, 'the WAV holds the whole message');
    // ... and through C's admin API (the web), the same bytes.
    const web = await api(running.c!.port, 'GET', `/api/voicemail/${leftThroughB.id}/audio`, { token: tokenC });
    assert.equal(web.status, 200, web.body.slice(0, 300));
    assert.match(String(web.headers['content-type']), /^audio\/wav/);
    assert.equal(Number(web.headers['content-length']), readFileSync(wav).length, 'the web gives the WAV the CLI wrote');
    await must(['smtp', 'set', '--host', sink.address, '--port', String(sink.port), '--security', 'none'], data.c);
    await waitFor('the message mailed by C', () => sink.received.length > 0 || undefined, 45_000);
    await sleep(3000);
    assert.equal(sink.received.length, 1, 'mailed exactly once');
    assert.deepEqual(sink.received[0]?.envelopeTo, ['alice@contoso.test']);

    await start('b', B, 'um');
    await waitFor('B gets calls again', async () => {
      const hosts = [await routedTo(), await routedTo(), await routedTo(), await routedTo()];
      return hosts.includes(B) ? hosts : undefined;
    }, 15_000);
    await sleep(0);
  });
});
