// The seeds' call path with a real SIP peer (SIPp): INVITE → 302 → ACK at the Call Router, then
// at the UM service, then a whole call at the worker (200 / ACK / BYE), over UDP and TCP; and the
// Call Router's decisions: who is calling, which dial plan, which mailbox, and its refusals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api } from '../support/api.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { headerOf, request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.0.61';
const skip = sippAvailable() ? false : 'sipp is not installed (apt-get install sip-tester)';

describe('SIP call path with SIPp', { skip }, () => {
  let site: UmSite;
  before(async () => { site = await startSite(ADDRESS); });
  after(async () => { await site?.stop(); });

  for (const transport of ['u1', 't1'] as const) {
    it(`follows Call Router → UM service → worker over ${transport === 'u1' ? 'UDP' : 'TCP'}`, async () => {
      const proto = transport === 'u1' ? 'udp' : 'tcp';
      const atRouter = await runSipp({ scenario: 'uac-302', target: `${ADDRESS}:5060`, transport, calls: 1, timeoutSec: 15, keys: { service: '1000' } });
      assert.equal(atRouter.successful, 1, atRouter.stderr + atRouter.errors);
      assert.ok(atRouter.contact, 'the 302 has a Contact');
      const um = /^sip:1000@([\d.]+):(\d+);transport=(\w+)/.exec(atRouter.contact ?? '');
      assert.deepEqual([um?.[1], um?.[2], um?.[3]], [ADDRESS, '5062', proto]);
      assert.match(atRouter.contact ?? '', /x-um-type=ca/);

      const atService = await runSipp({ scenario: 'uac-302', target: `${ADDRESS}:5062`, transport, calls: 1, timeoutSec: 15, keys: { service: '1000' } });
      assert.equal(atService.successful, 1, atService.stderr + atService.errors);
      const worker = /^sip:1000@([\d.]+):(\d+);transport=(\w+)/.exec(atService.contact ?? '');
      assert.ok(worker && ['5065', '5067'].includes(worker[2] ?? ''), `redirected to a worker: ${atService.contact}`);

      const call = await runSipp({ scenario: 'uac-call', target: `${ADDRESS}:${worker?.[2]}`, transport, calls: 2, rate: 2, timeoutSec: 20, keys: { service: '1000' }, extraArgs: ['-d', '500'] });
      assert.equal(call.successful, 2, call.stderr + call.errors + call.messages.slice(-2000));
      assert.equal(call.failed, 0);
      assert.match(call.messages, /m=audio \d+ RTP\/AVP 0/, 'the 200 carries an SDP answer choosing PCMU');
      assert.match(call.messages, /BYE sip:/);
    });
  }

  it('answers OPTIONS with 200 at every role (gateways use it as a health check)', async () => {
    for (const port of [5060, 5062, 5065, 5067]) {
      const reply = await udpExchange({ address: ADDRESS, port }, request('OPTIONS', `sip:${ADDRESS}:${port}`, ADDRESS, 0));
      assert.equal(statusOf(reply).status, 200, `OPTIONS at ${port}: ${reply}`);
      assert.match(headerOf(reply, 'Allow') ?? '', /INVITE/);
    }
  });

  it('classifies: Diversion to the pilot → call answering for the diverted user; pilot alone → subscriber access', async () => {
    const diverted = await udpExchange({ address: ADDRESS, port: 5060 },
      request('INVITE', `sip:4000@${ADDRESS}`, ADDRESS, 0, [`Diversion: <sip:1001@${ADDRESS}>;reason=no-answer`]));
    assert.equal(statusOf(diverted).status, 302, diverted);
    assert.match(headerOf(diverted, 'Contact') ?? '', /x-um-type=ca;.*x-um-user=\d+/);
    const history = await udpExchange({ address: ADDRESS, port: 5060 },
      request('INVITE', `sip:4000@${ADDRESS}`, ADDRESS, 0, [`History-Info: <sip:1000@${ADDRESS}>;index=1, <sip:4000@${ADDRESS}>;index=1.1`]));
    assert.match(headerOf(history, 'Contact') ?? '', /x-um-type=ca/);
    const pilot = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:4000@${ADDRESS}`, ADDRESS, 0));
    assert.equal(statusOf(pilot).status, 302);
    assert.match(headerOf(pilot, 'Contact') ?? '', /x-um-type=sa/);
    assert.doesNotMatch(headerOf(pilot, 'Contact') ?? '', /x-um-user/);
  });

  it('refuses with reason phrases that name the problem', async () => {
    const unknownNumber = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:9999@${ADDRESS}`, ADDRESS, 0));
    assert.equal(statusOf(unknownNumber).status, 404);
    assert.match(statusOf(unknownNumber).reason, /9999 is neither a UM user nor a pilot number of dial plan DP/);
    // A peer at another address is not a UM IP gateway.
    const stranger = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1000@${ADDRESS}`, '127.0.0.62', 0), { from: '127.0.0.62' });
    assert.equal(statusOf(stranger).status, 403);
    assert.match(statusOf(stranger).reason, /127\.0\.0\.62 is not a UM IP gateway/);
    const register = await udpExchange({ address: ADDRESS, port: 5060 }, request('REGISTER', `sip:${ADDRESS}`, ADDRESS, 0));
    assert.equal(statusOf(register).status, 405);
    assert.match(headerOf(register, 'Allow') ?? '', /INVITE/);
    const unknown = await udpExchange({ address: ADDRESS, port: 5060 }, request('FROBNICATE', `sip:${ADDRESS}`, ADDRESS, 0));
    assert.equal(statusOf(unknown).status, 501);
  });

  it('refuses at the worker a call of a secured dial plan that arrives without TLS', async () => {
    // (The Call Router's own check, both ways, is in sip-tls.test.ts, where a TLS peer exists.)
    await site.run(['dialplan', 'new', 'SECURE', '--extension-length', '4', '--security', 'SIPSecured']);
    await new Promise((r) => setTimeout(r, 800));
    const w = await udpExchange({ address: ADDRESS, port: 5065 }, request('INVITE', `sip:2000@${ADDRESS}:5065;x-um-dp=2`, ADDRESS, 0, ['Content-Type: application/sdp'],
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n'));
    assert.equal(statusOf(w).status, 403);
    assert.match(statusOf(w).reason, /requires TLS/);
  });

  it('answers 503 with Retry-After when MaxCallsAllowed is reached', async () => {
    await site.run(['service', 'set', '--max-calls', '1']);
    await new Promise((r) => setTimeout(r, 800)); // the change reaches the running server
    const held = runSipp({ scenario: 'uac-call', target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 15, keys: { service: '1000' }, extraArgs: ['-d', '3000'] });
    await new Promise((r) => setTimeout(r, 1200));
    const busy = await udpExchange({ address: ADDRESS, port: 5062 }, request('INVITE', `sip:1000@${ADDRESS}:5062`, ADDRESS, 0));
    assert.equal(statusOf(busy).status, 503, busy);
    assert.match(statusOf(busy).reason, /MaxCallsAllowed 1/);
    assert.ok(Number(headerOf(busy, 'Retry-After')) > 0);
    assert.equal((await held).successful, 1, 'the call in progress went on');
    await site.run(['service', 'set', '--max-calls', '100']);
  });

  it('answers 503 with Retry-After at the Call Router when no UM service takes the call', async () => {
    // UM service in TLS-only mode: nothing takes an unsecured (TCP/UDP) call.
    await site.run(['service', 'set', '--startup-mode', 'TLS']);
    let r: string | undefined;
    for (let i = 0; i < 20; i++) {
      await new Promise((res) => setTimeout(res, 250));
      r = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1000@${ADDRESS}`, ADDRESS, 0));
      if (statusOf(r).status === 503) break;
    }
    assert.equal(statusOf(r).status, 503, r);
    assert.match(statusOf(r).reason, /no UM service accepts TCP\/UDP calls now/);
    assert.ok(Number(headerOf(r, 'Retry-After')) > 0);
    // Back to Dual, not TCP: the SIPSecured dial plan SECURE needs the TLS listener, and a change
    // that would close it is refused (test/cli/refused-changes.test.ts).
    await site.run(['service', 'set', '--startup-mode', 'Dual']);
    let back: string | undefined;
    for (let i = 0; i < 20 && statusOf(back).status !== 200; i++) {
      await new Promise((res) => setTimeout(res, 250));
      back = await udpExchange({ address: ADDRESS, port: 5062 }, request('OPTIONS', `sip:${ADDRESS}:5062`, ADDRESS, 0), { timeoutMs: 300 });
    }
    assert.equal(statusOf(back).status, 200, 'the UM service takes UDP again');
  });

  it('recycles a UM worker on request: it drains, restarts, and calls go on meanwhile', async () => {
    const { server, token } = site;
    const list = async () => (await api(server.port, 'GET', '/api/workers', { token })).json() as { worker: number; alive: boolean; ports: { tcp: number }; listening: { tcp: boolean } }[];
    // Start from a settled node: both workers up and listening for TCP/UDP calls.
    for (let i = 0; i < 40 && !(await list()).every((w) => w.alive && w.listening.tcp); i++) await new Promise((res) => setTimeout(res, 250));
    assert.deepEqual((await list()).map((w) => [w.worker, w.alive, w.ports.tcp]), [[1, true, 5065], [2, true, 5067]]);
    const r = await api(server.port, 'POST', '/api/workers/1/recycle', { token });
    assert.equal(r.status, 202, r.body);
    // While worker 1 restarts, the UM service sends new calls to worker 2.
    const during = await udpExchange({ address: ADDRESS, port: 5062 }, request('INVITE', `sip:1000@${ADDRESS}:5062`, ADDRESS, 0));
    assert.equal(statusOf(during).status, 302);
    let alive = false;
    for (let i = 0; i < 40 && !alive; i++) {
      await new Promise((res) => setTimeout(res, 250));
      alive = (await list()).every((w) => w.alive);
    }
    assert.ok(alive, 'worker 1 is back');
    assert.match(server.stderr(), /recycling UM worker/);
    assert.equal((await api(server.port, 'POST', '/api/workers/9/recycle', { token })).status, 400);
  });
});
