// Three nodes on one PostgreSQL store (issue 11) with real peers: node A runs the Call Router,
// B and C a UM service each; a gateway's SBC (Kamailio) reaches A over mutual TLS and follows the
// redirects to a worker of B or C. A certificate imported once, through one node, and enabled
// once, through another, is served by every node's TLS listeners at once while a TLS call in
// progress keeps its connection and ends normally (a SIPp caller leaving a message, held until
// the test releases it: its length is the test's, not a guess at how slow the machine is). `openum service restart um --node X` drains X:
// the Call Router sends new calls to the other UM node at once, the restart waits for X's call
// to end, then restarts X's workers and reports; `service restart callrouter` replaces A's Call
// Router process while its port keeps answering. Addresses 127.0.143.1-.5 (the UM ports are fixed,
// so nodes differ by address).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeGatewayPki, type GatewayPki } from '../support/peers/certs.js';
import { kamailioAvailable, startKamailioSbc, type KamailioProcess } from '../support/peers/kamailio.js';
import { runSipp, sippAvailable, type SippResult } from '../support/peers/sipp.js';
import { loopPcap, releaseSippCall, renderVoicemailScenario, repackPcap, SIPP_G711A } from '../support/peers/sipp-voicemail.js';
import { cli, cliJson, startServer, type RunningServer } from '../support/openum.js';
import { freshSchema, postgresBaseUrl, type PgTarget } from '../support/postgres.js';
import { openssl, run, tempDir } from '../support/run.js';
import { headerOf, request, statusOf, udpExchange } from '../support/um-setup.js';
import { sleep, waitFor } from '../support/voicemail.js';

const A = '127.0.143.1';
const B = '127.0.143.2';
const C = '127.0.143.3';
const GATEWAY = '127.0.143.4';
const SBC = '127.0.143.5';
const SBC_UDP = 15431;
/** SIPp's own SIP port and Call-ID for the held call: releaseSippCall ends it there. */
const HELD = { address: SBC, port: 15433, callId: 'held@cluster-restart' };
const base = await postgresBaseUrl();
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', kamailioAvailable() ? '' : 'kamailio with its tls module'].filter(Boolean).join(', ');
if (missing && process.env.CI === 'true') throw new Error(`CI: cluster-restart needs ${missing}`);
const skip = !base ? 'PostgreSQL not reachable (127.0.0.1:5432)' : missing ? `not installed: ${missing}` : false;

type Key = 'a' | 'b' | 'c';
interface NodeRow { name: string; health: string; calls: number; restart: { role: string; state: string } | null }
interface CallsJson { calls: unknown[] }

/** SHA-1 thumbprint of the certificate a TLS listener presents to a new connection. */
async function servedThumbprint(host: string, port: number): Promise<string> {
  const s = await run('openssl', ['s_client', '-connect', `${host}:${port}`, '-showcerts'], { input: '', timeoutMs: 10_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)?.[0] ?? '';
  return ((await openssl(['x509', '-noout', '-fingerprint', '-sha1'], { input: pem })).stdout.split('=')[1] ?? '').replace(/:/g, '').trim();
}

describe('certificates and role restarts across nodes, with calls in progress', { skip, timeout: 240_000 }, () => {
  const tmp = tempDir('openum-cluster-restart-');
  let target: PgTarget;
  let env: NodeJS.ProcessEnv;
  let pki: GatewayPki;
  let sbc: KamailioProcess | undefined;
  const data: Record<Key, string> = { a: join(tmp.path, 'a'), b: join(tmp.path, 'b'), c: join(tmp.path, 'c') };
  const address: Record<Key, string> = { a: A, b: B, c: C };
  const running: Partial<Record<Key, RunningServer>> = {};
  let first = '';
  let heldOn: Key = 'b';
  let other: Key = 'c';
  let held: Promise<SippResult> | undefined;
  let heldEndedAt = 0;

  const must = async (args: string[], k: Key) => {
    const r = await cli(args, { data: data[k], env });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const start = (k: Key, roles: string) => startServer(data[k], {
    sip: true, env, args: ['--sip-address', address[k], '--roles', roles, '--routers', '1', '--admin-address', address[k]],
  }).then((s) => { running[k] = s; });
  const nodes = () => cliJson<NodeRow[]>(['node', 'list'], { data: data.a, env });
  /** A TLS call through the SBC: SIPp (UDP) → Kamailio → A's Call Router → a UM service → a worker. */
  const tlsCall = (holdMs: number) => runSipp({
    scenario: 'uac-call', target: `${SBC}:${SBC_UDP}`, transport: 'u1', calls: 1, timeoutSec: 40, keys: { service: '3000' }, extraArgs: ['-d', String(holdMs)],
  });
  /**
   * The same, as a caller leaving dora a long message (speech, so the recording's idle limit does
   * not end it) until releaseSippCall(HELD): then it hangs up. After 120 s it hangs up by itself.
   */
  const heldTlsCall = async () => {
    const audio = await loopPcap(await repackPcap(SIPP_G711A, join(tmp.path, 'audio-20ms.pcap'), 20), join(tmp.path, 'audio-150s.pcap'), 150);
    const scenario = renderVoicemailScenario(join(tmp.path, 'held.xml'), { ending: 'release', audioPcap: audio, greetingMs: 0, releaseWaitMs: 120_000 });
    return runSipp({
      scenario, target: `${SBC}:${SBC_UDP}`, transport: 'u1', calls: 1, timeoutSec: 150, localPort: HELD.port, keys: { service: '3000' },
      extraArgs: ['-cid_str', HELD.callId],
    });
  };
  /** One plain INVITE from the UDP gateway to A's Call Router: the host of the UM service its 302 names. */
  async function routedTo(): Promise<string> {
    const reply = await udpExchange({ address: A, port: 5060 }, request('INVITE', `sip:4000@${A}`, GATEWAY, 0, [`Diversion: <sip:1000@${A}>;reason=no-answer`]), { from: GATEWAY, timeoutMs: 3000 });
    const { status, reason } = statusOf(reply);
    if (status !== 302) return `${status} ${reason}`;
    return /@([^:;>]+):5062/.exec(headerOf(reply, 'Contact') ?? '')?.[1] ?? `no host in ${headerOf(reply, 'Contact')}`;
  }
  const callsOn = async (k: Key) => (await cliJson<CallsJson>(['calls'], { data: data[k], env })).calls.length;
  const served = () => Promise.all([servedThumbprint(A, 5061), servedThumbprint(B, 5063), servedThumbprint(C, 5063), servedThumbprint(B, 5066), servedThumbprint(C, 5066)]);

  before(async () => {
    target = await freshSchema(base as string);
    env = { OPENUM_DATABASE_URL: target.url, OPENUM_MASTER_KEY: randomBytes(32).toString('base64') };
    pki = await makeGatewayPki(join(tmp.path, 'pki'), { serverFqdn: 'a.contoso.test', gatewayFqdn: 'sbc.contoso.test' });
    await Promise.all((['a', 'b', 'c'] as const).map((k) => must(['init', '--name', `node-${k}`, '--fqdn', `${k}.contoso.test`], k)));
    // One organisation, made through any node: a secured dial plan for the SBC, a plain one for the UDP gateway.
    await Promise.all([
      must(['callrouter', 'set', '--startup-mode', 'Dual'], 'a'),
      must(['service', 'set', '--startup-mode', 'Dual'], 'b'),
      must(['service', 'set', '--startup-mode', 'Dual'], 'c'),
      must(['trust', 'add', pki.ca.cert], 'a'),
      must(['dialplan', 'new', 'SEC', '--extension-length', '4', '--security', 'SIPSecured', '--recording-idle-seconds', '10'], 'b')
        .then(() => Promise.all([
          must(['gateway', 'new', 'SBC', '--address', 'sbc.contoso.test', '--dial-plan', 'SEC'], 'b'),
          must(['user', 'new', 'dora', '--extension', '3000', '--dial-plan', 'SEC', '--email', 'dora@contoso.test'], 'c'),
        ])),
      must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000'], 'c')
        .then(() => Promise.all([
          must(['gateway', 'new', 'GW', '--address', GATEWAY, '--dial-plan', 'DP'], 'a'),
          must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test'], 'b'),
        ])),
    ]);
    await Promise.all([start('b', 'um'), start('c', 'um')]);
    await start('a', 'callrouter');
    // A certificate naming every node's FQDN, imported once (through B) and enabled once (through C).
    const both = await pki.ca.issue('a.contoso.test', ['a.contoso.test', 'b.contoso.test', 'c.contoso.test'], { serverAuth: true, clientAuth: true });
    first = (await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', both.pem], { data: data.b, env })).view.thumbprint;
    await must(['certificate', 'enable', first, '--services', 'UM,UMCallRouter'], 'c');
    sbc = await startKamailioSbc({
      udpPort: SBC_UDP, listen: SBC, target: { host: A, tlsPort: 5061 }, clientCert: pki.gateway.cert, clientKey: pki.gateway.key,
      caFile: pki.ca.cert, workDir: join(tmp.path, 'kamailio'), followRedirects: true,
    });
  });
  after(async () => {
    if (heldEndedAt === 0 && held) await releaseSippCall(HELD, HELD.callId, held).catch(() => undefined);
    await sbc?.stop();
    await Promise.all(Object.values(running).map((s) => s?.stop()));
    await target?.drop();
    tmp.cleanup();
  });

  it('a certificate imported and enabled once is served by every node: A for UMCallRouter, B and C for UM', async () => {
    const list = await cliJson<{ thumbprint: string; nodes: { node: string; services: string[] }[] }[]>(['certificate', 'list'], { data: data.a, env });
    assert.deepEqual(list.find((v) => v.thumbprint === first)?.nodes.map((n) => `${n.node}:${n.services.join('+')}`), ['node-a:UMCallRouter', 'node-b:UM', 'node-c:UM']);
    const seen = await waitFor('every listener serving it', async () => {
      const s = await served();
      return s.every((t) => t === first) ? s : undefined;
    }, 10_000);
    assert.equal(seen.length, 5);
  });

  it('a new certificate is taken by every node for new connections; the TLS call in progress keeps its own', async () => {
    held = heldTlsCall().then((r) => { heldEndedAt = Date.now(); return r; });
    heldOn = await waitFor('the held call on B or C', async () => ((await callsOn('b')) > 0 ? 'b' : (await callsOn('c')) > 0 ? 'c' : undefined), 10_000) as Key;
    other = heldOn === 'b' ? 'c' : 'b';
    const next = await pki.ca.issue('a.contoso.test', ['a.contoso.test', 'b.contoso.test', 'c.contoso.test'], { serverAuth: true, clientAuth: true });
    const second = (await cliJson<{ view: { thumbprint: string } }>(['certificate', 'import', next.pem], { data: data.c, env })).view.thumbprint;
    await must(['certificate', 'enable', second, '--services', 'UMCallRouter,UM'], 'a');
    await waitFor('every listener serving the new certificate', async () => ((await served()).every((t) => t === second) ? true : undefined), 10_000);
    assert.equal(await callsOn(heldOn), 1, 'the call in progress is still up');
  });

  it(`service restart um drains the node with the call: new calls go to the other, the restart waits for the call, then reports`, async () => {
    const name = `node-${heldOn}`;
    const restart = cli(['service', 'restart', 'um', '--node', name, '--timeout', '40'], { data: data.a, env }).then((r) => ({ ...r, at: Date.now() }));
    await waitFor(`${name} shown draining`, async () => (await nodes()).find((n) => n.name === name)?.restart?.role === 'um' || undefined, 5_000);
    // A's Call Router re-reads the node list on the store change the request made (within a second).
    await waitFor('A routing around it', async () => ((await Promise.all([1, 2, 3, 4].map(() => routedTo()))).every((h) => h === address[other]) || undefined), 3_000);
    for (let i = 0; i < 4; i++) assert.equal(await routedTo(), address[other], 'new calls go to the other UM node');
    const meanwhile = await tlsCall(200);
    assert.equal(meanwhile.successful, 1, `a new TLS call is carried by ${other}: ${meanwhile.errors}\n${sbc?.log().slice(-2000)}`);
    const list = await nodes();
    assert.equal(list.find((n) => n.name === name)?.restart?.state, 'draining', 'still waiting for the call in progress');

    await releaseSippCall(HELD, HELD.callId, held as Promise<SippResult>);
    const call = await (held as Promise<SippResult>);
    assert.equal(call.successful, 1, `the held call ended normally: ${call.errors}`);
    const r = await restart;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.at >= heldEndedAt, 'the restart finished after the call in progress ended');
    assert.match(r.stderr, new RegExp(`${name}: draining: 1 call in progress`));
    assert.match(r.stdout, new RegExp(`^${name}: UM service restarted in \\d+ s: 1 call in progress ended by itself; 2 workers restarted, SIP listeners reopened`));
    assert.equal((await nodes()).find((n) => n.name === name)?.restart, null);
    await waitFor(`${name} gets calls again`, async () => {
      const hosts = [await routedTo(), await routedTo(), await routedTo()];
      return hosts.includes(address[heldOn]) ? hosts : undefined;
    }, 10_000);
    const again = await tlsCall(200);
    assert.equal(again.successful, 1, again.errors);
  });

  it('service restart callrouter replaces A\'s Call Router process while its port keeps answering', async () => {
    const restart = cli(['service', 'restart', 'callrouter', '--node', 'node-a'], { data: data.b, env });
    let done = false;
    void restart.finally(() => { done = true; });
    const answers: string[] = [];
    while (!done && answers.length < 200) {
      answers.push(await routedTo());
      await sleep(20);
    }
    const r = await restart;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /node-a: Call Router restarted in \d+ s: 1 process replaced one at a time; its SIP ports answered throughout/);
    assert.ok(answers.length > 0 && answers.every((h) => h === B || h === C), `every INVITE during the restart was redirected: ${answers.join(', ')}`);
  });

  it('bad requests are refused in one line naming the fix', async () => {
    const cases: [string[], number, RegExp][] = [
      [['service', 'restart', 'worker'], 2, /^error: unknown role "worker": a restart takes um .* or callrouter/],
      [['service', 'restart', 'um', '--node', 'node-z'], 5, /^error: no node named "node-z" has run on this store \(nodes: node-a, node-b, node-c\): name one with --node/],
      [['service', 'restart', 'um', '--node', 'node-a'], 6, /^error: node "node-a" runs no UM service \(its roles: callrouter\): restart its Call Router instead/],
      [['service', 'restart', 'callrouter'], 6, /^error: node "node-b" runs no Call Router/],
      [['service', 'restart', 'um', '--timeout', 'soon'], 2, /^error: --timeout takes whole seconds from 0 to 3600/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args, { data: data.b, env })));
    for (const [i, [args, code, message]] of cases.entries()) {
      const r = results[i] as Awaited<ReturnType<typeof cli>>;
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
