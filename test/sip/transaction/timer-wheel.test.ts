// The timer wheel holds nothing it will not fire: a cancelled timer lets go of its callback at once,
// and once no timer is left the slots are emptied, whether or not the cursor has come round. Before,
// a UM service reached only over TLS kept every cancelled Timer H (and its transaction) until the
// cursor passed it, and the cursor only moves while the wheel runs: bench/swaps.mjs found 866
// INVITE server transactions held in the main process after 1,000 TLS calls.
import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { buildResponse } from '../../../src/sip/message/build.js';
import type { SipRequest } from '../../../src/sip/message/types.js';
import { ServerInviteState, ServerInviteTransaction } from '../../../src/sip/transaction/server-invite.js';
import { DEFAULT_TIMERS } from '../../../src/sip/transaction/timers.js';
import { wheelClock } from '../../support/wheel-clock.js';

const clock = wheelClock;

const request = (method: string, toTag = ''): SipRequest => parseMessage(Buffer.from([
  `${method} sip:1000@127.0.0.1 SIP/2.0`, 'Via: SIP/2.0/TLS 127.0.0.1:5070;branch=z9hG4bKwheel1', 'From: <sip:gw@127.0.0.1>;tag=f1',
  `To: <sip:1000@127.0.0.1>${toTag}`, 'Call-ID: wheel-1@127.0.0.1', `CSeq: 1 ${method}`, 'Max-Forwards: 70', 'Content-Length: 0', '', '',
].join('\r\n'))) as SipRequest;

describe('timer wheel: what it holds', () => {
  it('empties its slots once every timer is cancelled, long before the cursor reaches them', () => {
    const c = clock();
    const timers = Array.from({ length: 1000 }, () => c.wheel.schedule(32_000, () => assert.fail('a cancelled timer fired')));
    assert.equal(c.wheel.held, 1000);
    for (const t of timers) t.cancel();
    assert.equal(c.wheel.size, 0);
    c.advance(10);
    assert.equal(c.wheel.held, 0, 'nothing held after one tick');
  });

  it('keeps and fires a live timer while the cancelled ones beside it wait for the cursor', () => {
    const c = clock();
    let fired = 0;
    c.wheel.schedule(32_000, () => assert.fail('cancelled')).cancel();
    c.wheel.schedule(50, () => { fired++; });
    c.advance(30);
    assert.equal(fired, 0);
    assert.equal(c.wheel.held, 2, 'the live timer keeps the wheel as it is');
    c.advance(30);
    assert.equal(fired, 1);
    assert.equal(c.wheel.held, 0);
  });

  it('a timer scheduled while the wheel runs late fires when due, not a revolution later', () => {
    const c = clock();
    let firedAt = -1;
    // A callback at 10 ms keeps the event loop busy for 30 ms, then schedules a 50 ms timer: the
    // wheel's cursor is 3 ticks behind the clock when it is scheduled (due at 90 ms).
    c.wheel.schedule(10, () => {
      c.jump(30);
      c.wheel.schedule(50, () => { firedAt = c.now(); });
    });
    c.advance(70);
    assert.equal(firedAt, -1, 'not before it is due');
    c.advance(30);
    assert.equal(firedAt, 90, 'fired when due');
  });

  it('an INVITE server transaction on TLS, 302 then ACK, leaves nothing in the wheel (RFC 3261 §17.2.1: Timer H cancelled, Timer I zero)', () => {
    const c = clock();
    const tx = new ServerInviteTransaction('x', request('INVITE'), { wheel: c.wheel, timers: DEFAULT_TIMERS, reliable: true, send: () => undefined });
    tx.respond(buildResponse(tx.request, 302, 'Moved Temporarily', { toTag: 't' }));
    tx.receive(request('ACK', ';tag=t'));
    c.advance(10);
    assert.equal(tx.state, ServerInviteState.Terminated);
    assert.equal(c.wheel.size, 0);
    assert.equal(c.wheel.held, 0, 'the cancelled Timer H is not kept');
  });

  it('a cancelled timer lets go of its callback at once', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const c = clock();
    c.wheel.schedule(120_000, () => undefined); // a live timer: the slots are not emptied
    const ref = ((): WeakRef<object> => {
      const big = { payload: Buffer.alloc(1024) };
      c.wheel.schedule(60_000, () => { assert.ok(big.payload); }).cancel();
      return new WeakRef(big);
    })();
    await setImmediate();
    gc();
    assert.equal(ref.deref(), undefined, 'the cancelled callback and what it closed over are collectable');
    assert.equal(c.wheel.held, 2);
  });
});
