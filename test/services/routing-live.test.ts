// Classified once, with real SIPp through `openum start`: a call to the pilot number follows the
// Call Router's 302 to the UM service and the UM service's 302 to a worker, with the same Call-ID
// (as a UAC that follows redirects does, RFC 3261 §8.1.3.4). The Call Router classifies it; the UM
// service and the worker verify the routing token and trust it (the log says which, per Call-ID).
// And an INVITE sent straight to a worker with a forged, replayed or expired token is classified
// there from scratch: it gets the 403/404 the Call Router gives the same request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openNode } from '../../src/services/node.js';
import { loadRoutingKey } from '../../src/services/routing/routing-key.js';
import { RoutingTokens } from '../../src/services/routing/routing-token.js';
import { runSipp, sippAvailable, type SippResult } from '../support/peers/sipp.js';
import { request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.101.1';
const STRANGER = '127.0.101.62';
const skip = sippAvailable() ? false : 'sipp is not installed (apt-get install sip-tester)';

/** The last final response SIPp received: status and reason phrase. */
function finalOf(r: SippResult): { status: number; reason: string } {
  const all = [...r.messages.matchAll(/^SIP\/2\.0 ([1-6]\d\d) ([^\r\n]*)/gm)].filter((m) => m[1] !== '100');
  const last = all.pop();
  return { status: Number(last?.[1] ?? 0), reason: last?.[2] ?? '' };
}

/** The JSON log lines of the server (all roles) for one Call-ID with this message. */
function routedLines(site: UmSite, callId: string): { how: string; role?: string; tokenProblem?: string }[] {
  return site.server.stderr().split('\n').filter((l) => l.includes('"call routed"') && l.includes(callId))
    .map((l) => JSON.parse(l) as { how: string; role?: string; tokenProblem?: string });
}

describe('a call is classified once; a worker holds a request with a bad token to the same rules', { skip, timeout: 120_000 }, () => {
  let site: UmSite;
  before(async () => { site = await startSite(ADDRESS, { env: { OPENUM_LOG_LEVEL: 'debug' } }); });
  after(async () => { await site?.stop(); });

  /** One hop with SIPp: INVITE `ruri` to `port` with Call-ID `callId`. */
  const hop = (port: number, ruri: string, callId: string, service: string) => runSipp({
    scenario: 'uac-follow', target: `${ADDRESS}:${port}`, transport: 'u1', calls: 1, timeoutSec: 15,
    keys: { service, ruri }, extraArgs: ['-cid_str', callId],
  });

  let realToken = '';

  it('the pilot number: the Call Router classifies, the UM service and the worker trust its token', async () => {
    const callId = `pilot-once-${Date.now()}@${ADDRESS}`;
    const atRouter = await hop(5060, `sip:4000@${ADDRESS}:5060`, callId, '4000');
    assert.equal(finalOf(atRouter).status, 302, atRouter.messages + atRouter.stderr);
    const toService = atRouter.contact ?? '';
    assert.match(toService, new RegExp(`^sip:4000@${ADDRESS.replaceAll('.', '\\.')}:5062;transport=udp;x-um-type=sa;`));
    const token = /;x-um-token=([^;>]+)/.exec(toService)?.[1] ?? '';
    assert.match(token, /^sa\.\d+\.\d+\.\d+\.\.\.\d+\.[\w-]{43}$/);
    realToken = token;

    const atService = await hop(5062, toService, callId, '4000');
    assert.equal(finalOf(atService).status, 302, atService.messages);
    const toWorker = atService.contact ?? '';
    assert.match(toWorker, /:(5065|5067);transport=udp;x-um-type=sa;/);
    assert.equal(/;x-um-token=([^;>]+)/.exec(toWorker)?.[1], token, 'the UM service passes the verified token on');

    // The worker trusts the token and answers with subscriber access.
    const call = await runSipp({
      scenario: 'uac-call', target: `${ADDRESS}:${/:(\d+);/.exec(toWorker)?.[1] ?? ''}`, transport: 'u1', calls: 1, timeoutSec: 20,
      keys: { service: '4000', ruri_params: /^sip:4000@[^;]+(;.*)$/.exec(toWorker)?.[1] ?? '' }, extraArgs: ['-cid_str', callId, '-d', '500'],
    });
    assert.equal(call.successful, 1, call.messages + call.stderr);
    let ended: { callType?: string } | undefined;
    for (let i = 0; i < 40 && !ended; i++) {
      await new Promise((r) => setTimeout(r, 250)); // the log lines reach the test
      const line = site.server.stderr().split('\n').find((l) => l.includes('"call ended"') && l.includes(callId));
      ended = line ? JSON.parse(line) as { callType?: string } : undefined;
    }
    assert.equal(ended?.callType, 'SubscriberAccess');
    const lines = routedLines(site, callId);
    assert.deepEqual(lines.map((l) => l.how).sort(), ['classified', 'token', 'token'], JSON.stringify(lines));
  });

  it("a call to alice's extension: classified once, answered by the worker as call answering for alice", async () => {
    const callId = `alice-once-${Date.now()}@${ADDRESS}`;
    const atRouter = await hop(5060, `sip:1000@${ADDRESS}:5060`, callId, '1000');
    const atService = await hop(5062, atRouter.contact ?? '', callId, '1000');
    const toWorker = atService.contact ?? '';
    const m = /^sip:1000@[\d.]+:(\d+)(;.*)$/.exec(toWorker);
    assert.ok(m, `the UM service redirects to a worker: ${toWorker}`);
    const call = await runSipp({
      scenario: 'uac-call', target: `${ADDRESS}:${m[1]}`, transport: 'u1', calls: 1, timeoutSec: 20,
      keys: { service: '1000', ruri_params: m[2] ?? '' }, extraArgs: ['-cid_str', callId, '-d', '500'],
    });
    assert.equal(call.successful, 1, call.messages + call.stderr);
    assert.match(call.messages, new RegExp(`^INVITE sip:1000@[\\d.]+:\\d+;transport=udp;x-um-type=ca;.*;x-um-token=ca\\.`, 'm'));
    let lines: ReturnType<typeof routedLines> = [];
    let ended: { callType?: string; user?: string } | undefined;
    for (let i = 0; i < 40 && !ended; i++) {
      await new Promise((r) => setTimeout(r, 250));
      lines = routedLines(site, callId);
      const line = site.server.stderr().split('\n').find((l) => l.includes('"call ended"') && l.includes(callId));
      ended = line ? JSON.parse(line) as { callType?: string; user?: string } : undefined;
    }
    assert.deepEqual(lines.map((l) => l.how).sort(), ['classified', 'token', 'token'], JSON.stringify(lines));
    assert.deepEqual([ended?.callType, ended?.user], ['CallAnswering', 'alice']);
  });

  it('straight to a worker: a forged, replayed or expired token gets the 404 the Call Router gives', async () => {
    const router = await hop(5060, `sip:9999@${ADDRESS}:5060`, `router-9999-${Date.now()}@${ADDRESS}`, '9999');
    const expected = finalOf(router);
    assert.equal(expected.status, 404);
    assert.match(expected.reason, /9999 is neither a UM user nor a pilot number of dial plan DP/);

    // Claims as a token carries them: type.gateway.huntgroup.dialplan.user.autoattendant.expiry.
    const [, gw, hg, dp] = realToken.split('.');
    const node = await openNode({ dataDir: site.data, actor: { name: 'test' } });
    const key = await loadRoutingKey(node.store.db);
    const alice = await node.store.db.selectFrom('users').select('id').where('name', '=', 'alice').executeTakeFirstOrThrow();
    await node.close();
    const claims = { callType: 'CallAnswering' as const, gatewayId: Number(gw), huntGroupId: Number(hg), dialPlanId: Number(dp), userId: Number(alice.id) };

    const cases: [string, (callId: string) => string][] = [
      // Signed with the store's key, but 60 s ago: expired.
      ['expired', (callId) => new RoutingTokens(key, () => Date.now() - 60_000).sign(claims, callId)],
      // A good token for another Call-ID.
      ['replayed', () => new RoutingTokens(key).sign(claims, 'some-other-call@gw')],
      // The pilot call's token with alice's user id and call answering written in: MAC does not match.
      ['forged', () => realToken.replace(/^sa\.(\d+\.\d+\.\d+)\.\./, `ca.$1.${alice.id}.`)],
    ];
    for (const [what, tokenFor] of cases) {
      const callId = `${what}-${Date.now()}@${ADDRESS}`;
      const r = await hop(5065, `sip:9999@${ADDRESS}:5065;transport=udp;x-um-type=ca;x-um-user=${alice.id};x-um-token=${tokenFor(callId)}`, callId, '9999');
      assert.deepEqual(finalOf(r), expected, `${what} token: ${r.messages}`);
      await new Promise((res) => setTimeout(res, 200));
      const lines = routedLines(site, callId);
      assert.deepEqual(lines.map((l) => [l.how, l.tokenProblem]), [['classified', what === 'expired' ? 'expired' : 'signature']], what);
    }
  });

  it('straight to a worker from a peer that is no gateway, with a forged token: the 403 the Call Router gives', async () => {
    const forged = realToken.replace(/^sa\./, 'ca.');
    const toWorker = await udpExchange({ address: ADDRESS, port: 5065 },
      request('INVITE', `sip:1000@${ADDRESS}:5065;x-um-type=ca;x-um-token=${forged}`, STRANGER, 0), { from: STRANGER });
    const toRouter = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1000@${ADDRESS}`, STRANGER, 0), { from: STRANGER });
    assert.deepEqual(statusOf(toWorker), statusOf(toRouter));
    assert.deepEqual(statusOf(toWorker), { status: 403, reason: `Forbidden - ${STRANGER} is not a UM IP gateway` });
  });
});
