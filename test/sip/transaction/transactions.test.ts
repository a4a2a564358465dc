// The four RFC 3261 §17 transaction machines (with RFC 6026's Accepted state) on a fake clock:
// every timer A–M fires when the RFC says, retransmissions happen only on unreliable transports,
// and the transaction layer matches retransmissions, ACKs and CANCELs (§17.1.3, §17.2.3).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildResponse } from '../../../src/sip/message/build.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message/types.js';
import { ClientInviteState, ClientInviteTransaction } from '../../../src/sip/transaction/client-invite.js';
import { ClientNonInviteState, ClientNonInviteTransaction } from '../../../src/sip/transaction/client-non-invite.js';
import { ServerInviteState, ServerInviteTransaction } from '../../../src/sip/transaction/server-invite.js';
import { ServerNonInviteState, ServerNonInviteTransaction } from '../../../src/sip/transaction/server-non-invite.js';
import { StateMachine } from '../../../src/sip/transaction/state-machine.js';
import { DEFAULT_TIMERS } from '../../../src/sip/transaction/timers.js';
import { wheelClock } from '../../support/wheel-clock.js';
import { TransactionLayer } from '../../../src/sip/transaction/transaction-layer.js';
import type { InboundMessage } from '../../../src/sip/transport/types.js';
import { IllegalTransition } from '../../../src/sip/transaction/types.js';

const T1 = DEFAULT_TIMERS.T1;
const T2 = DEFAULT_TIMERS.T2;
const T4 = DEFAULT_TIMERS.T4;

const clock = wheelClock;

function env(reliable: boolean) {
  const c = clock();
  const sent: { at: number; m: SipMessage }[] = [];
  return { c, sent, env: { wheel: c.wheel, timers: DEFAULT_TIMERS, reliable, send: (m: SipMessage) => sent.push({ at: c.now(), m }) } };
}

const raw = (method: string, extra = '') => Buffer.from([
  `${method} sip:1000@127.0.0.1 SIP/2.0`,
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc123',
  'From: <sip:gw@127.0.0.1>;tag=f1',
  `To: <sip:1000@127.0.0.1>${extra}`,
  'Call-ID: call-1@127.0.0.1',
  `CSeq: 1 ${method}`,
  'Max-Forwards: 70',
  'Content-Length: 0',
  '', '',
].join('\r\n'));
const req = (method: string, extra = '') => parseMessage(raw(method, extra)) as SipRequest;
const statuses = (sent: { m: SipMessage }[]) => sent.map(({ m }) => (m.kind === 'response' ? m.status : m.method));

describe('INVITE server transaction (§17.2.1, RFC 6026)', () => {
  it('retransmits a final non-2xx with Timer G (T1 doubling to T2) until the ACK; Timer I then ends it', () => {
    const { c, sent, env: e } = env(false);
    const tx = new ServerInviteTransaction('x', req('INVITE'), e);
    tx.respond(buildResponse(tx.request, 302, 'Moved Temporarily', { toTag: 't' }));
    assert.equal(tx.state, ServerInviteState.Completed);
    c.advance(T1 + 5 + 2 * T1 + 4 * T1 + T2 + T2);
    const times = sent.map((s) => s.at);
    assert.deepEqual(times.map((t, i) => (i ? t - (times[i - 1] ?? 0) : t)).map((d) => Math.round(d / 10) * 10), [0, T1, 2 * T1, 4 * T1, T2, T2].map((d) => Math.round(d / 10) * 10));
    tx.receive(req('ACK', ';tag=t'));
    assert.equal(tx.state, ServerInviteState.Confirmed);
    const count = sent.length;
    c.advance(T2 * 2);
    assert.equal(sent.length, count, 'no retransmission after the ACK');
    c.advance(T4);
    assert.equal(tx.state, ServerInviteState.Terminated);
  });

  it('gives up with Timer H (64*T1) without an ACK, and never retransmits on a reliable transport', () => {
    const u = env(false);
    let timedOut = false;
    const tx = new ServerInviteTransaction('x', req('INVITE'), u.env, { onTimeout: () => { timedOut = true; } });
    tx.respond(buildResponse(tx.request, 486, 'Busy Here', { toTag: 't' }));
    u.c.advance(64 * T1 - 20);
    assert.equal(timedOut, false);
    u.c.advance(40);
    assert.equal(timedOut, true);
    assert.equal(tx.state, ServerInviteState.Terminated);

    const r = env(true);
    const tcp = new ServerInviteTransaction('y', req('INVITE'), r.env);
    tcp.respond(buildResponse(tcp.request, 486, 'Busy Here', { toTag: 't' }));
    r.c.advance(10 * T1);
    assert.equal(r.sent.length, 1, 'no Timer G on TCP/TLS');
    tcp.receive(req('ACK', ';tag=t'));
    r.c.advance(10);
    assert.equal(tcp.state, ServerInviteState.Terminated, 'Timer I is zero on a reliable transport');
  });

  it('answers a retransmitted INVITE with the last response; after a 2xx it is Accepted until Timer L', () => {
    const { c, sent, env: e } = env(false);
    const tx = new ServerInviteTransaction('x', req('INVITE'), e);
    tx.respond(buildResponse(tx.request, 180, 'Ringing', { toTag: 't' }));
    tx.receive(req('INVITE'));
    assert.deepEqual(statuses(sent), [180, 180]);
    tx.respond(buildResponse(tx.request, 200, 'OK', { toTag: 't' }));
    assert.equal(tx.state, ServerInviteState.Accepted);
    tx.receive(req('INVITE'));
    tx.respond(buildResponse(tx.request, 200, 'OK', { toTag: 't' }));
    assert.deepEqual(statuses(sent), [180, 180, 200, 200], 'INVITE retransmissions absorbed, the TU’s 2xx retransmission passed');
    c.advance(64 * T1 + 20);
    assert.equal(tx.state, ServerInviteState.Terminated);
  });
});

describe('non-INVITE server transaction (§17.2.2)', () => {
  it('resends the final response to retransmissions and ends after Timer J (64*T1 on UDP, 0 on TCP)', () => {
    const u = env(false);
    const tx = new ServerNonInviteTransaction('x', req('OPTIONS'), u.env);
    tx.receive(req('OPTIONS'));
    assert.equal(u.sent.length, 0, 'in Trying, retransmissions are discarded');
    tx.respond(buildResponse(tx.request, 200, 'OK', { toTag: 't' }));
    tx.receive(req('OPTIONS'));
    assert.deepEqual(statuses(u.sent), [200, 200]);
    u.c.advance(64 * T1 - 20);
    assert.equal(tx.state, ServerNonInviteState.Completed);
    u.c.advance(40);
    assert.equal(tx.state, ServerNonInviteState.Terminated);
    const r = env(true);
    const tcp = new ServerNonInviteTransaction('y', req('OPTIONS'), r.env);
    tcp.respond(buildResponse(tcp.request, 200, 'OK', { toTag: 't' }));
    r.c.advance(10);
    assert.equal(tcp.state, ServerNonInviteState.Terminated);
  });
});

describe('INVITE client transaction (§17.1.1, RFC 6026)', () => {
  it('retransmits with Timer A (doubling) until a provisional, and times out with Timer B', () => {
    const { c, sent, env: e } = env(false);
    let timedOut = false;
    const tx = new ClientInviteTransaction('x', req('INVITE'), e, { onTimeout: () => { timedOut = true; } });
    tx.start();
    c.advance(T1 + 2 * T1 + 4 * T1 + 5);
    assert.equal(sent.length, 4);
    c.advance(64 * T1);
    assert.equal(timedOut, true);
    assert.equal(tx.state, ClientInviteState.Terminated);
  });

  it('ACKs a non-2xx final response itself (§17.1.1.3), re-ACKs its retransmissions, ends after Timer D', () => {
    const { c, sent, env: e } = env(false);
    const tx = new ClientInviteTransaction('x', req('INVITE'), e);
    tx.start();
    const busy = buildResponse(tx.request, 486, 'Busy Here', { toTag: 'remote' });
    tx.receive(busy);
    tx.receive(busy);
    assert.deepEqual(statuses(sent), ['INVITE', 'ACK', 'ACK']);
    const ack = sent[1]?.m as SipRequest;
    assert.equal(ack.uri, tx.request.uri);
    assert.match(ack.headers.find((h) => h.name === 'To')?.value ?? '', /tag=remote/);
    assert.equal(ack.headers.find((h) => h.name === 'CSeq')?.value, '1 ACK');
    c.advance(32_000 + 20);
    assert.equal(tx.state, ClientInviteState.Terminated);
  });

  it('stays Accepted after a 2xx for Timer M, passing further 2xx to the TU', () => {
    const { c, env: e } = env(true);
    const finals: SipResponse[] = [];
    const tx = new ClientInviteTransaction('x', req('INVITE'), e, { onFinal: (r) => finals.push(r) });
    tx.start();
    tx.receive(buildResponse(tx.request, 200, 'OK', { toTag: 'a' }));
    tx.receive(buildResponse(tx.request, 200, 'OK', { toTag: 'b' }));
    assert.equal(finals.length, 2);
    assert.equal(tx.state, ClientInviteState.Accepted);
    c.advance(64 * T1 + 20);
    assert.equal(tx.state, ClientInviteState.Terminated);
  });
});

describe('non-INVITE client transaction (§17.1.2)', () => {
  it('retransmits with Timer E (doubling, capped at T2; T2 once Proceeding), times out with Timer F', () => {
    const { c, sent, env: e } = env(false);
    let timedOut = false;
    const tx = new ClientNonInviteTransaction('x', req('BYE'), e, { onTimeout: () => { timedOut = true; } });
    tx.start();
    c.advance(T1 + 2 * T1 + 4 * T1 + T2 + 5);
    const gaps = sent.map((s, i) => s.at - (sent[i - 1]?.at ?? 0)).slice(1).map((d) => Math.round(d / 100) * 100);
    assert.deepEqual(gaps, [T1, 2 * T1, 4 * T1, T2]);
    tx.receive(buildResponse(tx.request, 100, 'Trying'));
    assert.equal(tx.state, ClientNonInviteState.Proceeding);
    c.advance(64 * T1);
    assert.equal(timedOut, true);
  });

  it('absorbs response retransmissions for Timer K (T4 on UDP) and sends nothing on TCP', () => {
    const u = env(false);
    const tx = new ClientNonInviteTransaction('x', req('BYE'), u.env);
    tx.start();
    tx.receive(buildResponse(tx.request, 200, 'OK', { toTag: 't' }));
    assert.equal(tx.state, ClientNonInviteState.Completed);
    u.c.advance(T4 + 20);
    assert.equal(tx.state, ClientNonInviteState.Terminated);
    const r = env(true);
    const tcp = new ClientNonInviteTransaction('y', req('BYE'), r.env);
    tcp.start();
    r.c.advance(64 * T1 + 20);
    assert.equal(r.sent.length, 1, 'no Timer E on TCP/TLS');
  });
});

describe('state machines', () => {
  it('refuse a move the RFC diagram does not have', () => {
    const sm = new StateMachine<'A' | 'B'>('test', 'A', { A: ['B'], B: [] });
    sm.to('B');
    assert.throws(() => sm.to('A'), IllegalTransition);
  });
});

describe('transaction layer matching (§17.2.3)', () => {
  function loop(stateless = false) {
    const handlers: ((m: InboundMessage) => void)[] = [];
    const out: string[] = [];
    const layer = new TransactionLayer({ onMessage: (h) => handlers.push(h), send: async (_d, data) => { out.push(data.toString()); } }, { stateless });
    const seen: string[] = [];
    layer.setUser({
      onRequest(request, tx, _ctx, cancelled) {
        seen.push(`${request.method}${tx ? '' : ' (no tx)'}${cancelled ? ' (cancels)' : ''}`);
        if (request.method === 'INVITE') tx?.respond(buildResponse(request, 302, 'Moved Temporarily', { toTag: 't' }));
        if (request.method === 'CANCEL') tx?.respond(buildResponse(request, 200, 'OK', { toTag: 't' }));
      },
    });
    const source = { protocol: 'udp' as const, address: '127.0.0.1', port: 5070 };
    const deliver = (data: Buffer) => handlers[0]?.({ data, source, local: { ...source, port: 5060 } });
    return { layer, out, seen, deliver };
  }

  it('absorbs a retransmitted INVITE and the ACK of its 302; a CANCEL names the INVITE it cancels', () => {
    const { out, seen, deliver, layer } = loop();
    deliver(raw('INVITE'));
    deliver(raw('INVITE'));
    deliver(raw('ACK', ';tag=t'));
    deliver(raw('CANCEL'));
    assert.deepEqual(seen, ['INVITE', 'CANCEL (cancels)']);
    assert.equal(out.filter((o) => o.startsWith('SIP/2.0 302')).length, 2, 'the retransmission got the 302 again');
    assert.equal(layer.stats().retransmissionsAbsorbed, 2);
    layer.close();
  });

  it('as a stateless UAS (§8.2.7) answers every INVITE and ignores ACK and CANCEL', () => {
    const { out, seen, deliver, layer } = loop(true);
    deliver(raw('INVITE'));
    deliver(raw('INVITE'));
    deliver(raw('ACK', ';tag=t'));
    deliver(raw('CANCEL'));
    assert.deepEqual(seen, ['INVITE', 'INVITE']);
    assert.equal(out.length, 2);
    assert.equal(layer.stats().serverTransactions, 0);
    layer.close();
  });

  it('answers an unparseable request with a 400 that names the problem, and drops what it cannot answer', () => {
    const { out, deliver, layer } = loop();
    deliver(Buffer.from(raw('OPTIONS').toString().replace(/Call-ID: [^\r]*\r\n/, '').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE')));
    deliver(Buffer.from([0, 1, 2, 3]));
    assert.equal(layer.stats().parseErrors, 2);
    assert.ok(out.length <= 1);
    layer.close();
  });
});
