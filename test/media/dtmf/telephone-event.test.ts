import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TelephoneEvent, eventToDigit, digitToEvent } from '../../../src/media/dtmf/telephone-event.js';
import { DtmfError } from '../../../src/media/dtmf/dtmf-error.js';
import { rng } from '../audio/signals.js';

const isDtmfError = (code: string) => (e: unknown) => e instanceof DtmfError && e.code === code;

describe('TelephoneEvent (RFC 4733 §2.3)', () => {
  it('serializes the field layout of Figure 1', () => {
    assert.deepEqual([...new TelephoneEvent(5, true, 10, 800).serialize()], [0x05, 0x8a, 0x03, 0x20]);
    assert.deepEqual([...new TelephoneEvent(11, false, 63, 0xffff).serialize()], [0x0b, 0x3f, 0xff, 0xff]);
  });

  it('round-trips every digit, both E values, edge volumes and durations', () => {
    for (let event = 0; event < 16; event++) {
      for (const end of [false, true]) {
        for (const [volume, duration] of [[0, 0], [63, 0xffff], [10, 160], [36, 12345]] as const) {
          const back = TelephoneEvent.deSerialize(new TelephoneEvent(event, end, volume, duration).serialize());
          assert.deepEqual([back.event, back.end, back.volume, back.duration], [event, end, volume, duration]);
        }
      }
    }
  });

  it('ignores the reserved R bit on receipt (§2.3.3) and bytes after the first four', () => {
    const ev = TelephoneEvent.deSerialize(Buffer.from([0x0a, 0xc5, 0x00, 0xa0, 0xde, 0xad]));
    assert.deepEqual([ev.event, ev.end, ev.volume, ev.duration, ev.digit], [10, true, 5, 160, '*']);
  });

  it('rejects payloads shorter than 4 bytes with a typed error', () => {
    for (let n = 0; n < 4; n++) {
      assert.throws(() => TelephoneEvent.deSerialize(Buffer.alloc(n)), isDtmfError('TRUNCATED_EVENT'));
    }
  });

  it('rejects out-of-range fields when building an event', () => {
    for (const [e, v, d] of [[256, 0, 0], [-1, 0, 0], [1, 64, 0], [1, 0, 0x10000], [1.5, 0, 0], [1, 0, Number.NaN]]) {
      assert.throws(() => new TelephoneEvent(e as number, false, v as number, d as number), isDtmfError('BAD_EVENT_FIELD'));
    }
  });

  it('survives random hostile payloads: parses or throws DtmfError, nothing else', () => {
    const r = rng(4733);
    for (let i = 0; i < 5000; i++) {
      const buf = Buffer.from(Array.from({ length: Math.floor(r() * 9) }, () => Math.floor(r() * 256)));
      try {
        const ev = TelephoneEvent.deSerialize(buf);
        assert.ok(ev.volume <= 63 && ev.duration <= 0xffff && ev.event <= 255);
        assert.deepEqual(ev.serialize(), Buffer.from([buf[0] as number, (buf[1] as number) & 0xbf, buf[2] as number, buf[3] as number]));
      } catch (e) {
        assert.ok(e instanceof DtmfError, String(e));
      }
    }
  });

  it('maps event codes to digits: 0-9, 10 = *, 11 = #, 12-15 = A-D', () => {
    assert.equal([...Array(16).keys()].map((e) => eventToDigit(e)).join(''), '0123456789*#ABCD');
    assert.equal(eventToDigit(16), undefined);
    assert.equal(eventToDigit(-1), undefined);
    assert.equal(digitToEvent('#'), 11);
    assert.equal(digitToEvent('d'), 15);
    for (const bad of ['', 'E', '12', ' ', '+']) assert.throws(() => digitToEvent(bad), isDtmfError('BAD_DIGIT'));
  });
});
