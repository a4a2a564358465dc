// RFC 4733 telephone-event decoding (src/media/dtmf): TelephoneEvent.deSerialize and the
// DtmfReceiver over a run of packets (random, well-formed events with retransmissions, or
// mutated). Allowed: an event or DtmfError from deSerialize; push() never throws. A crash: any
// other exception, push() throwing, a digit outside 0-9 * # A-D, a duration that is negative or
// not finite, or more digits than packets.
import fc from 'fast-check';
import { DtmfReceiver, type TelephoneEventPacket } from '../../../src/media/dtmf/dtmf-receiver.js';
import { DtmfError } from '../../../src/media/dtmf/dtmf-error.js';
import { TelephoneEvent } from '../../../src/media/dtmf/telephone-event.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';

const event = fc.record({
  event: fc.oneof(fc.nat({ max: 15 }), fc.nat({ max: 255 })),
  end: fc.boolean(),
  volume: fc.nat({ max: 63 }),
  duration: fc.oneof(fc.nat({ max: 0xffff }), fc.constantFrom(0, 0xffff, 0xfff0)),
}).map((e) => new TelephoneEvent(e.event, e.end, e.volume, e.duration).serialize());

const payload = fc.oneof(
  { weight: 4, arbitrary: event },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.tuple(event, fc.nat({ max: 3 }), fc.nat({ max: 255 })).map(([b, i, x]) => { const c = Buffer.from(b); c[i]! ^= x; return c; }) },
);

const packet: fc.Arbitrary<TelephoneEventPacket> = fc.record({
  payload,
  timestamp: fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 160, 320, 0xffffff60, 0xffffffff)),
  marker: fc.boolean(),
});

/** Runs of packets: independent ones, or one event's start, updates and three ends (§2.5.1). */
const run = fc.oneof(
  fc.array(packet, { minLength: 1, maxLength: 12 }),
  fc.tuple(fc.nat({ max: 15 }), fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 0x2000 })).map(([ev, ts, n, step]) => {
    const out: TelephoneEventPacket[] = [];
    for (let i = 0; i < n; i++) out.push({ payload: new TelephoneEvent(ev, false, 10, Math.min(0xffff, step * (i + 1))).serialize(), timestamp: ts, marker: i === 0 });
    for (let i = 0; i < 3; i++) out.push({ payload: new TelephoneEvent(ev, true, 10, Math.min(0xffff, step * (n + 1))).serialize(), timestamp: ts, marker: false });
    return out;
  }),
);

export const dtmfTarget: FuzzTarget<TelephoneEventPacket[]> = {
  name: 'dtmf',
  describe: 'TelephoneEvent.deSerialize and DtmfReceiver.push/flush on random, well-formed and mutated event runs',
  weight: 10,
  hangMs: 1000,
  ext: 'json',
  arbitrary: () => fc.oneof(run, fc.tuple(run, run).map(([a, b]) => [...a, ...b])),
  run: (packets) => {
    const receiver = new DtmfReceiver({ onListenerError: (e) => { throw e; } });
    const digits: Array<[string, number]> = [];
    receiver.onDigit((d, ms) => digits.push([d, ms]));
    for (const p of packets) {
      try {
        TelephoneEvent.deSerialize(p.payload);
      } catch (e) {
        if (!(e instanceof DtmfError)) throw e;
      }
      receiver.push(p);
    }
    receiver.flush();
    check(digits.length <= packets.length, 'more digits than packets');
    for (const [d, ms] of digits) {
      check(/^[0-9*#A-D]$/.test(d), () => `digit ${JSON.stringify(d)}`);
      check(Number.isFinite(ms) && ms >= 0, () => `duration ${ms} ms`);
    }
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<TelephoneEventPacket[]>(b),
};
