import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfReceiver, type TelephoneEventPacket } from '../../../src/media/dtmf/dtmf-receiver.js';
import { dtmfPackets, dtmfDurationUnits } from '../../../src/media/dtmf/dtmf-sender.js';
import { TelephoneEvent } from '../../../src/media/dtmf/telephone-event.js';
import { rng } from '../audio/signals.js';

/** The telephone-event packets for `digits`, 100 ms each with 60 ms pauses, grouped per digit. */
function stream(digits: string, ts0 = 1000): TelephoneEventPacket[][] {
  let ts = ts0;
  return [...digits].map((digit) => {
    const group = dtmfPackets(digit).map((p) => ({ payload: p.payload, marker: p.marker, timestamp: (ts + p.timestampOffset) >>> 0 }));
    ts += dtmfDurationUnits() + 480;
    return group;
  });
}

function collect(rx: DtmfReceiver): [string, number][] {
  const got: [string, number][] = [];
  rx.onDigit((d, ms) => got.push([d, ms]));
  return got;
}

const digitsOf = (got: [string, number][]): string => got.map(([d]) => d).join('');

describe('DtmfReceiver (RFC 4733 §2.5.2)', () => {
  it('reports each digit once, on its first end packet, with its duration', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    const [first] = stream('7');
    for (const [i, p] of (first ?? []).entries()) {
      rx.push(p);
      assert.equal(got.length, i >= 4 ? 1 : 0, `after packet ${i}`);
    }
    assert.deepEqual(got, [['7', 100]]);
    assert.equal(rx.stats.duplicates, 2);
  });

  it('drops duplicated packets', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    for (const p of stream('123').flat()) for (let k = 0; k < 3; k++) rx.push(p);
    assert.equal(digitsOf(got), '123');
  });

  it('starts an event from an update or an end packet when the start packet is lost', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    const groups = stream('45');
    for (const p of (groups[0] ?? []).slice(2)) rx.push(p); // start and first update lost
    for (const p of (groups[1] ?? []).slice(4)) rx.push(p); // only the end packets arrive
    assert.deepEqual(got, [['4', 100], ['5', 100]]);
  });

  it('reports a digit whose end packets were all lost when the next event starts, or on flush()', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    const groups = stream('89');
    for (const p of (groups[0] ?? []).slice(0, 4)) rx.push(p);
    assert.equal(got.length, 0);
    rx.push(groups[1]?.[0] as TelephoneEventPacket);
    assert.deepEqual(got, [['8', 80]]);
    for (const p of (groups[1] ?? []).slice(1, 3)) rx.push(p);
    rx.flush();
    rx.flush();
    assert.deepEqual(got, [['8', 80], ['9', 60]]);
  });

  it('keeps digits in order and each once under random loss, duplication and reordering', () => {
    const digits = '0123456789*#ABCD5550199#';
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const groups = stream(digits, Math.floor(r() * 2 ** 32));
      const wire: TelephoneEventPacket[] = [];
      const expected: string[] = [];
      groups.forEach((g, i) => {
        const kept = g.filter(() => r() > 0.25);
        if (kept.length) expected.push(digits[i] as string);
        for (const p of kept) {
          wire.push(p);
          if (r() < 0.2) wire.push(p);
        }
      });
      for (let i = 0; i + 1 < wire.length; i++) {
        if (r() < 0.2) [wire[i], wire[i + 1]] = [wire[i + 1] as TelephoneEventPacket, wire[i] as TelephoneEventPacket];
      }
      const rx = new DtmfReceiver();
      const got = collect(rx);
      for (const p of wire) rx.push(p);
      rx.flush();
      assert.equal(digitsOf(got), expected.join(''), `seed ${seed}`);
    }
  });

  it('handles the RTP timestamp wrapping through 2^32', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    for (const p of stream('12', 0xffffffff - 900).flat()) rx.push(p);
    assert.equal(digitsOf(got), '12');
  });

  it('reports a whole event delayed behind a newer one instead of losing it', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    const [a, b] = stream('36');
    for (const p of b ?? []) rx.push(p);
    for (const p of a ?? []) rx.push(p);
    assert.equal(digitsOf(got), '63');
  });

  it('joins the segments of a long event (§2.5.1.5) into one digit', () => {
    const rx = new DtmfReceiver();
    const got = collect(rx);
    const pkt = (ts: number, end: boolean, duration: number, marker = false): TelephoneEventPacket =>
      ({ payload: new TelephoneEvent(1, end, 10, duration).serialize(), timestamp: ts, marker });
    rx.push(pkt(5000, false, 160, true));
    rx.push(pkt(5000, false, 0xffff));
    rx.push(pkt(5000 + 0xffff, false, 160));
    for (let k = 0; k < 3; k++) rx.push(pkt(5000 + 0xffff, true, 800));
    assert.deepEqual(got, [['1', (0xffff + 800) / 8]]);
  });

  it('counts and drops malformed payloads and non-DTMF events; a throwing listener breaks nothing', () => {
    const errors: unknown[] = [];
    const rx = new DtmfReceiver({ onListenerError: (e) => errors.push(e) });
    rx.onDigit(() => {
      throw new Error('listener bug');
    });
    const got = collect(rx);
    const r = rng(99);
    for (let i = 0; i < 2000; i++) {
      const payload = Buffer.from(Array.from({ length: Math.floor(r() * 4) }, () => Math.floor(r() * 256)));
      rx.push({ payload, timestamp: Math.floor(r() * 2 ** 32), marker: r() < 0.5 });
    }
    rx.push({ payload: new TelephoneEvent(16, true, 0, 800).serialize(), timestamp: 1, marker: true }); // flash
    assert.equal(rx.stats.malformed, 2000);
    assert.equal(rx.stats.ignored, 1);
    for (const p of stream('42').flat()) rx.push(p);
    assert.equal(digitsOf(got), '42');
    assert.equal(errors.length, 2);
  });

  it('onDigit returns an unsubscribe function', () => {
    const rx = new DtmfReceiver();
    const got: string[] = [];
    const off = rx.onDigit((d) => got.push(d));
    const [a, b] = stream('12');
    for (const p of a ?? []) rx.push(p);
    off();
    for (const p of b ?? []) rx.push(p);
    assert.deepEqual(got, ['1']);
  });
});
