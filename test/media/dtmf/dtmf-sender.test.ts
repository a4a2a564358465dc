import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dtmfPackets, dtmfDurationUnits } from '../../../src/media/dtmf/dtmf-sender.js';
import { DtmfReceiver } from '../../../src/media/dtmf/dtmf-receiver.js';
import { TelephoneEvent } from '../../../src/media/dtmf/telephone-event.js';
import { DtmfError } from '../../../src/media/dtmf/dtmf-error.js';

describe('dtmfPackets (RFC 4733 §2.5.1)', () => {
  it('sends a marker first, growing updates every 20 ms, then the end packet 3 times, one timestamp', () => {
    const packets = dtmfPackets('#', { durationMs: 100, volume: 10 });
    const events = packets.map((p) => TelephoneEvent.deSerialize(p.payload));
    assert.equal(packets.length, 7);
    assert.deepEqual(packets.map((p) => p.marker), [true, false, false, false, false, false, false]);
    assert.deepEqual(packets.map((p) => p.timestampOffset), [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(packets.map((p) => p.sendAtMs), [0, 20, 40, 60, 80, 100, 120]);
    assert.deepEqual(events.map((e) => e.duration), [160, 320, 480, 640, 800, 800, 800]);
    assert.deepEqual(events.map((e) => e.end), [false, false, false, false, true, true, true]);
    assert.ok(events.every((e) => e.event === 11 && e.volume === 10));
    assert.equal(dtmfDurationUnits({ durationMs: 100 }), 800);
  });

  it('a tone of one packet interval or less is three end packets, the first with the marker', () => {
    const packets = dtmfPackets('1', { durationMs: 20 });
    assert.deepEqual(packets.map((p) => [p.marker, TelephoneEvent.deSerialize(p.payload).end]), [[true, true], [false, true], [false, true]]);
  });

  it('rejects bad digits and durations with typed errors', () => {
    assert.throws(() => dtmfPackets('x'), (e: unknown) => e instanceof DtmfError && e.code === 'BAD_DIGIT');
    for (const durationMs of [0, -5, 9000, Number.NaN]) {
      assert.throws(() => dtmfPackets('1', { durationMs }), (e: unknown) => e instanceof DtmfError && e.code === 'BAD_DURATION');
    }
  });

  it('the receiver decodes the sender output for every digit, with its duration', () => {
    const rx = new DtmfReceiver();
    const got: [string, number][] = [];
    rx.onDigit((d, ms) => got.push([d, ms]));
    let ts = 123456;
    for (const [i, digit] of [...'0123456789*#ABCD'].entries()) {
      const durationMs = 60 + 20 * i;
      for (const p of dtmfPackets(digit, { durationMs })) rx.push({ payload: p.payload, marker: p.marker, timestamp: ts + p.timestampOffset });
      ts += dtmfDurationUnits({ durationMs }) + 400; // 50 ms pause between digits
    }
    assert.deepEqual(got, [...'0123456789*#ABCD'].map((d, i) => [d, 60 + 20 * i]));
  });
});
