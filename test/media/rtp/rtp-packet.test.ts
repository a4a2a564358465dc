// RtpPacket codec (RFC 3550 §5.1): round trips, a corpus of hostile packets, and a random fuzz.
// Every failure must be a MediaPacketError; any other exception is a bounds bug.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { flipBit } from './helpers.js';
import { MediaPacketError } from '../../../src/media/rtp/errors.js';
import { RtpPacket, peekRtp } from '../../../src/media/rtp/rtp-packet.js';

function full(): RtpPacket {
  return new RtpPacket({
    marker: true,
    payloadType: 96,
    sequenceNumber: 65535,
    timestamp: 0xfffffff0,
    ssrc: 0xdeadbeef,
    csrcs: [1, 2, 0xffffffff],
    extension: { profile: 0xbede, data: Buffer.from([0x10, 0xaa, 0, 0, 0x21, 1, 2, 0]) },
    payload: Buffer.from('hello, world'),
    padding: 4,
  });
}

function expectReason(buf: Buffer, reason: string): void {
  assert.throws(() => RtpPacket.deSerialize(buf), (e: unknown) => e instanceof MediaPacketError && e.reason === reason);
}

/** Parses or throws MediaPacketError; anything else fails the test. */
function parseOrReject(buf: Buffer): RtpPacket | undefined {
  try {
    return RtpPacket.deSerialize(buf);
  } catch (e) {
    if (!(e instanceof MediaPacketError)) throw new Error(`non-typed error for ${buf.toString('hex').slice(0, 80)}: ${String(e)}`, { cause: e });
    return undefined;
  }
}

describe('RtpPacket round trips', () => {
  it('keeps CSRCs, extension, padding, marker and the wrap-edge values', () => {
    const p = full();
    const wire = p.serialize();
    assert.equal(wire.length, 12 + 12 + 4 + 8 + 12 + 4);
    assert.equal(wire[0], 0x80 | 0x20 | 0x10 | 3);
    const q = RtpPacket.deSerialize(wire);
    assert.equal(q.version, 2);
    assert.equal(q.marker, true);
    assert.equal(q.payloadType, 96);
    assert.equal(q.sequenceNumber, 65535);
    assert.equal(q.timestamp, 0xfffffff0);
    assert.equal(q.ssrc, 0xdeadbeef);
    assert.deepEqual(q.csrcs, [1, 2, 0xffffffff]);
    assert.equal(q.extension?.profile, 0xbede);
    assert.deepEqual(q.extension?.data, Buffer.from([0x10, 0xaa, 0, 0, 0x21, 1, 2, 0]));
    assert.equal(q.padding, 4);
    assert.equal(q.payload.toString(), 'hello, world');
    assert.deepEqual(q.serialize(), wire);
  });

  it('round-trips a minimal packet and an empty payload', () => {
    const p = new RtpPacket({ payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: Buffer.alloc(0) });
    const wire = p.serialize();
    assert.equal(wire.length, 12);
    const q = RtpPacket.deSerialize(wire);
    assert.equal(q.payload.length, 0);
    assert.equal(q.extension, undefined);
    assert.equal(q.padding, 0);
    assert.deepEqual(q.csrcs, []);
  });

  it('accepts padding that fills everything after the header (an empty payload)', () => {
    const p = new RtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: Buffer.alloc(0), padding: 8 });
    const q = RtpPacket.deSerialize(p.serialize());
    assert.equal(q.padding, 8);
    assert.equal(q.payload.length, 0);
  });

  it('refuses to serialize fields out of range', () => {
    const bad: Array<Partial<RtpPacket>> = [
      { payloadType: 128 }, { sequenceNumber: 65536 }, { timestamp: 2 ** 32 }, { ssrc: -1 }, { padding: 256 },
      { csrcs: new Array<number>(16).fill(1) }, { extension: { profile: 1, data: Buffer.alloc(3) } },
    ];
    for (const fields of bad) {
      const p = Object.assign(full(), fields);
      assert.throws(() => p.serialize(), MediaPacketError, JSON.stringify(Object.keys(fields)));
    }
  });

  it('peekRtp reads the fixed header and refuses short or non-v2 buffers', () => {
    const wire = full().serialize();
    assert.deepEqual(peekRtp(wire), { payloadType: 96, seq: 65535, ts: 0xfffffff0, ssrc: 0xdeadbeef, marker: true });
    assert.equal(peekRtp(wire.subarray(0, 11)), undefined);
    assert.equal(peekRtp(Buffer.alloc(0)), undefined);
    assert.equal(peekRtp(Buffer.alloc(12)), undefined); // version 0
  });
});

describe('RtpPacket hostile corpus', () => {
  it('rejects every truncation of a valid packet with a typed error', () => {
    const wire = full().serialize();
    for (let n = 0; n < wire.length; n++) {
      const cut = wire.subarray(0, n);
      // Some truncations still parse when the padding count octet happens to fit; none may crash.
      const p = parseOrReject(cut);
      if (n < 12) assert.equal(p, undefined, `length ${n}`);
    }
    // Without padding every truncation that cuts the header must fail.
    const plain = Object.assign(full(), { padding: 0 }).serialize();
    for (let n = 0; n < 12 + 12 + 4 + 8; n++) assert.equal(parseOrReject(plain.subarray(0, n)), undefined, `length ${n}`);
  });

  it('names the reason for each malformed packet', () => {
    const base = new RtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(4) }).serialize();
    const mutate = (f: (b: Buffer) => void, from = base): Buffer => {
      const b = Buffer.from(from);
      f(b);
      return b;
    };
    expectReason(Buffer.alloc(0), 'truncated header');
    expectReason(base.subarray(0, 11), 'truncated header');
    for (const v of [0, 1, 3]) expectReason(mutate((b) => (b[0] = (v << 6) | (b[0]! & 0x3f))), 'bad version');
    expectReason(mutate((b) => (b[0] = 0x80 | 15)), 'csrc count overflow');
    expectReason(mutate((b) => (b[0] = 0x80 | 2)), 'csrc count overflow'); // 8 octets of CSRC, 4 present
    expectReason(mutate((b) => (b[0] = 0x90 | 1)), 'extension length overflow'); // CSRC eats the room
    const ext = Buffer.concat([base.subarray(0, 12), Buffer.from([0xbe, 0xde, 0xff, 0xff])]);
    ext[0] = 0x90;
    expectReason(ext, 'extension length overflow');
    expectReason(mutate((b) => { b[0] = 0xa0; b[b.length - 1] = 5; }), 'padding longer than payload');
    expectReason(mutate((b) => { b[0] = 0xa0; b[b.length - 1] = 255; }), 'padding longer than payload');
    expectReason(mutate((b) => { b[0] = 0xa0; b[b.length - 1] = 0; }), 'bad padding');
    expectReason(mutate((b) => (b[0] = 0xa0), base.subarray(0, 12)), 'padding longer than payload');
  });

  it('parses the extension-header edge case exactly at the end', () => {
    // 0x90 with 4 payload octets: those 4 octets are read as an extension header of length 0.
    const base = new RtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(4) }).serialize();
    base[0] = 0x90;
    const p = RtpPacket.deSerialize(base);
    assert.equal(p.extension?.data.length, 0);
    assert.equal(p.payload.length, 0);
  });

  it('rejects 65 kB of garbage and all-ones without crashing', () => {
    for (const buf of [randomBytes(65_507), Buffer.alloc(65_507, 0xff), Buffer.alloc(65_507, 0)]) parseOrReject(buf);
    expectReason(Buffer.alloc(65_507, 0xff), 'bad version');
    const v2 = Buffer.alloc(65_507, 0xff);
    v2[0] = 0xbf; // v2, P, X, CC=15: extension 0xffff words = 262 kB > buffer
    expectReason(v2, 'extension length overflow');
  });
});

describe('RtpPacket fuzz', () => {
  it('10,000 random and mutated packets: parse or MediaPacketError, and what parses round-trips', () => {
    const seed = full().serialize();
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      let buf: Buffer;
      if (i % 2 === 0) {
        buf = randomBytes(Math.floor(Math.random() * 200));
        if (buf.length > 0 && i % 4 === 0) buf[0] = 0x80 | (buf[0]! & 0x3f); // make most of them v2
      } else {
        buf = Buffer.from(seed.subarray(0, Math.floor(Math.random() * (seed.length + 1))));
        for (let k = 0; k < 3 && buf.length; k++) flipBit(buf);
      }
      const p = parseOrReject(buf);
      if (!p) continue;
      parsed++;
      assert.equal(p.size, buf.length);
      const again = RtpPacket.deSerialize(p.serialize());
      assert.deepEqual(
        [again.marker, again.payloadType, again.sequenceNumber, again.timestamp, again.ssrc, again.csrcs, again.padding, again.payload],
        [p.marker, p.payloadType, p.sequenceNumber, p.timestamp, p.ssrc, p.csrcs, p.padding, p.payload],
      );
      assert.deepEqual(again.serialize().subarray(0, p.headerSize), buf.subarray(0, p.headerSize));
    }
    assert.ok(parsed > 500, `only ${parsed} fuzz inputs parsed: the fuzz does not reach the deep checks`);
  });

  it('deSerializes fast (figure printed for the report)', () => {
    const wire = new RtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(160) }).serialize();
    const n = 200_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) RtpPacket.deSerialize(wire);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) peekRtp(wire);
    const peekMs = Number(process.hrtime.bigint() - t1) / 1e6;
    console.log(`RtpPacket.deSerialize: ${Math.round(n / (ms / 1000)).toLocaleString('en')} packets/s; peekRtp: ${Math.round(n / (peekMs / 1000)).toLocaleString('en')} packets/s`);
    assert.ok(n / (ms / 1000) > 100_000, 'deSerialize slower than 100k packets/s');
  });
});
