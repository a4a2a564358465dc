// The routing decision for each call type, with a fake routing view (fake-view.ts): call
// answering (diverted, or dialled directly), subscriber access (the pilot number), an auto
// attendant's number (and a disabled one's), and the refusals; then routeRequest: a valid token is
// trusted, anything else is classified from scratch with the same rules.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { classify, type Arrival, type Routed } from '../../../src/services/routing/classify.js';
import { routeRequest, type RouteDeps } from '../../../src/services/routing/route-request.js';
import { RoutingTokens } from '../../../src/services/routing/routing-token.js';
import { SipRefusal, refusalResponse } from '../../../src/services/routing/sip-refusal.js';
import type { PeerVerifier } from '../../../src/services/sip/peer-verifier.js';
import type { RequestContext } from '../../../src/sip/transaction/transaction-layer.js';
import { alice, fakeView, invite } from './fake-view.js';

const fromGateway: Arrival = { protocol: 'udp', sourceIp: '127.0.101.10' };
const attendants = [
  { id: 5, name: 'Main', dialPlanId: 7, enabled: true, numbers: ['+390255500'] },
  { id: 6, name: 'Closed', dialPlanId: 7, enabled: false, numbers: ['4100'] },
  { id: 8, name: 'Elsewhere', dialPlanId: 99, enabled: true, numbers: ['4200'] },
];
const view = fakeView({ attendants });

function routed(r: Routed | SipRefusal): Routed {
  assert.ok(!(r instanceof SipRefusal), r instanceof SipRefusal ? r.message : '');
  return r;
}
function refused(r: Routed | SipRefusal): SipRefusal {
  assert.ok(r instanceof SipRefusal, `expected a refusal, got ${JSON.stringify((r as Routed).callType)}`);
  return r;
}

describe('classify: one decision per call type', () => {
  it('CallAnswering: a call diverted from a user to the pilot, or one dialled to the extension', () => {
    const diverted = routed(classify(invite('sip:4000@127.0.101.1', { headers: ['Diversion: <sip:1000@127.0.101.10>;reason=no-answer'] }), fromGateway, view));
    assert.equal(diverted.callType, 'CallAnswering');
    assert.equal(diverted.user?.name, 'alice');
    assert.equal(diverted.gateway.name, 'GW');
    assert.equal(diverted.huntGroup.id, 11);
    assert.equal(diverted.dialPlan.name, 'DP');
    const direct = routed(classify(invite('sip:+39025551000@127.0.101.1'), fromGateway, view));
    assert.deepEqual([direct.callType, direct.user?.name], ['CallAnswering', 'alice'], 'the last digits are the extension');
  });

  it('SubscriberAccess: the pilot number alone', () => {
    const r = routed(classify(invite('sip:4000@127.0.101.1'), fromGateway, view));
    assert.equal(r.callType, 'SubscriberAccess');
    assert.equal(r.user, undefined);
  });

  it("AutoAttendant: an auto attendant's number in the dial plan; a disabled one is refused naming it", () => {
    const r = routed(classify(invite('tel:+39-02-555-00'), fromGateway, view));
    assert.equal(r.callType, 'AutoAttendant');
    assert.equal(r.autoAttendant?.name, 'Main');
    const closed = refused(classify(invite('sip:4100@127.0.101.1'), fromGateway, view));
    assert.equal(closed.status, 480);
    assert.match(closed.reason, /auto attendant Closed is disabled/);
    // Another dial plan's auto attendant is not reachable through this gateway's dial plan.
    assert.equal(refused(classify(invite('sip:4200@127.0.101.1'), fromGateway, view)).status, 404);
  });

  it('refuses with the status and a reason naming the problem', () => {
    const stranger = refused(classify(invite('sip:1000@127.0.101.1'), { protocol: 'udp', sourceIp: '127.0.101.99' }, view));
    assert.deepEqual([stranger.status, stranger.reason], [403, 'Forbidden - 127.0.101.99 is not a UM IP gateway']);
    const unknown = refused(classify(invite('sip:9999@127.0.101.1'), fromGateway, view));
    assert.deepEqual([unknown.status, unknown.reason], [404, 'Not Found - 9999 is neither a UM user nor a pilot number of dial plan DP']);
    assert.match(refused(classify(invite('sip:1002@127.0.101.1'), fromGateway, view)).reason, /carol is not enabled for UM/);
    // Call answering off: UM does not answer; the 480 hands the call back to the PBX.
    const off = refused(classify(invite('sip:1003@127.0.101.1'), fromGateway, view));
    assert.deepEqual([off.status, off.reason], [480, 'Temporarily Unavailable - dave has turned call answering off']);
    const diverted = refused(classify(invite('sip:4000@127.0.101.1', { headers: ['Diversion: <sip:1003@127.0.101.10>;reason=no-answer'] }), fromGateway, view));
    assert.equal(diverted.status, 480);
    const paused = refused(classify(invite('sip:1000@127.0.101.1'), fromGateway, fakeView({ gateway: { status: 'NoNewCalls' } })));
    assert.deepEqual([paused.status, paused.retryAfter], [503, 60]);
    const secured = refused(classify(invite('sip:1000@127.0.101.1'), fromGateway, fakeView({ plan: { voipSecurity: 'SIPSecured' } })));
    assert.deepEqual([secured.status, secured.reason], [403, 'Forbidden - dial plan DP is SIPSecured and requires TLS']);
    const tlsPeer = refused(classify(invite('sip:1000@127.0.101.1'), { protocol: 'tls', sourceIp: '127.0.101.10' }, view));
    assert.match(tlsPeer.reason, /presented no certificate/);
  });

  it('turns a refusal into the response: To tag, reason phrase, Retry-After', () => {
    const res = refusalResponse(invite('sip:1000@127.0.101.1'), SipRefusal.unavailable('this UM worker is full', 'busy'));
    assert.equal(res.status, 503);
    assert.equal(res.reason, 'Service Unavailable - this UM worker is full');
    assert.match(res.headers.find((h) => h.name === 'To')?.value ?? '', /;tag=\w+/);
    assert.equal(res.headers.find((h) => h.name === 'Retry-After')?.value, '30');
  });
});

describe('routeRequest: a verified token is trusted, anything else is classified', () => {
  const tokens = new RoutingTokens(randomBytes(32));
  const deps: RouteDeps = { view, tokens, verifier: { verify: () => ({ ok: false, reason: 'no', names: [], subject: '' }) } as unknown as PeerVerifier };
  const context = (address = '127.0.101.10', protocol: 'udp' | 'tls' = 'udp'): RequestContext => ({
    source: { protocol, address, port: 5060 }, local: { protocol, address: '127.0.101.1', port: 5065 },
  });
  const signed = (claims: Parameters<RoutingTokens['sign']>[0], callId = 'c1') => tokens.sign(claims, callId);
  const caClaims = { callType: 'CallAnswering' as const, gatewayId: 3, huntGroupId: 11, dialPlanId: 7, userId: alice.id };

  it('a valid token decides, even for a Request-URI that would classify otherwise', () => {
    const r = routeRequest(invite(`sip:4000@127.0.101.1:5065;x-um-token=${signed(caClaims)}`, { callId: 'c1' }), context(), deps);
    assert.equal(r.how, 'token');
    const d = routed(r.decision);
    assert.deepEqual([d.callType, d.user?.name, d.via], ['CallAnswering', 'alice', 'routing token']);
  });

  it('a token for another Call-ID, a tampered one, or one naming what is gone: classified from scratch', () => {
    const replayed = routeRequest(invite(`sip:9999@127.0.101.1;x-um-token=${signed(caClaims, 'other')}`, { callId: 'c1' }), context(), deps);
    assert.deepEqual([replayed.how, replayed.tokenProblem, refused(replayed.decision).status], ['classified', 'signature', 404]);
    const token = signed(caClaims);
    const forged = routeRequest(invite(`sip:1000@127.0.101.1;x-um-token=${token.replace('.21.', '.22.')}`, { callId: 'c1' }), context('127.0.101.99'), deps);
    assert.deepEqual([forged.how, refused(forged.decision).status], ['classified', 403], 'the forger is not a gateway');
    const gone = routeRequest(invite(`sip:1000@127.0.101.1;x-um-token=${signed({ ...caClaims, userId: 404 })}`, { callId: 'c1' }), context(), deps);
    assert.equal(gone.how, 'classified');
    assert.match(gone.tokenProblem ?? '', /no longer/);
    assert.equal(routed(gone.decision).user?.name, 'alice');
  });

  it("a valid token still has to arrive over the transport its dial plan requires", () => {
    const securedDeps = { ...deps, view: fakeView({ plan: { voipSecurity: 'Secured' } }) };
    const r = routeRequest(invite(`sip:1000@127.0.101.1;x-um-token=${signed(caClaims)}`, { callId: 'c1' }), context(), securedDeps);
    assert.equal(r.how, 'token');
    assert.match(refused(r.decision).reason, /dial plan DP is Secured and requires TLS/);
  });
});
