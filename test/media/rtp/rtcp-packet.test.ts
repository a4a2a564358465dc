// Compound RTCP codec (RFC 3550 §6.4–6.6) and RTP/RTCP demultiplexing (RFC 5761 §4).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { flipBit } from './helpers.js';
import { MediaPacketError } from '../../../src/media/rtp/errors.js';
import { RtcpCompound, isRtcp, type RtcpPacket } from '../../../src/media/rtp/rtcp-packet.js';
import { RtpPacket } from '../../../src/media/rtp/rtp-packet.js';

const block = { ssrc: 0x01020304, fractionLost: 64, cumulativeLost: -5, highestSequence: 0x0001fff0, jitter: 123, lsr: 0xabcd1234, dlsr: 65536 };

function sample(): RtcpCompound {
  return new RtcpCompound([
    {
      kind: 'sr', ssrc: 0xcafebabe, ntpSeconds: 0xe8000000, ntpFraction: 0x80000000, rtpTimestamp: 0xfffffff0,
      packetCount: 500, octetCount: 80000, reports: [block, { ...block, ssrc: 9, cumulativeLost: 0x7fffff }],
    },
    { kind: 'rr', ssrc: 7, reports: [], profileExtension: Buffer.from([1, 2, 3, 4]) },
    { kind: 'sdes', chunks: [
      { source: 0xcafebabe, items: [{ type: 1, text: 'openum@um1.example.org' }, { type: 2, text: 'Über' }] },
      { source: 5, items: [{ type: 1, text: 'abc' }] },
    ] },
    { kind: 'other', packetType: 204, count: 1, body: Buffer.from('\x00\x00\x00\x07NAMEdata', 'latin1') },
    { kind: 'bye', sources: [0xcafebabe, 5], reason: 'call ended' },
  ]);
}

function parseOrReject(buf: Buffer): RtcpCompound | undefined {
  try {
    return RtcpCompound.deSerialize(buf);
  } catch (e) {
    if (!(e instanceof MediaPacketError)) throw new Error(`non-typed error for ${buf.toString('hex').slice(0, 80)}: ${String(e)}`, { cause: e });
    return undefined;
  }
}

describe('RTCP compound packets', () => {
  it('round-trips SR, RR, SDES, an unknown type and BYE', () => {
    const wire = sample().serialize();
    assert.equal(wire.length % 4, 0);
    const back = RtcpCompound.deSerialize(wire);
    assert.deepEqual(back.packets, sample().packets);
    assert.deepEqual(back.serialize(), wire);
  });

  it('writes SDES chunks padded to 32 bits with 1..4 null octets', () => {
    for (let len = 0; len < 9; len++) {
      const c = new RtcpCompound([{ kind: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: 'x'.repeat(len) }] }] }]);
      const wire = c.serialize();
      assert.equal(wire.length % 4, 0);
      assert.equal(wire[wire.length - 1], 0);
      assert.deepEqual(RtcpCompound.deSerialize(wire).packets, c.packets);
    }
  });

  it('writes BYE with and without a reason, and clamps the signed 24-bit loss', () => {
    for (const bye of [{ kind: 'bye' as const, sources: [1] }, { kind: 'bye' as const, sources: [], reason: 'x'.repeat(255) }]) {
      assert.deepEqual(RtcpCompound.deSerialize(new RtcpCompound([bye]).serialize()).packets, [bye]);
    }
    const rr = new RtcpCompound([{ kind: 'rr', ssrc: 1, reports: [{ ...block, cumulativeLost: -1e9 }] }]);
    const [p] = RtcpCompound.deSerialize(rr.serialize()).packets as [RtcpPacket & { kind: 'rr' }];
    assert.equal(p.reports[0]?.cumulativeLost, -0x800000);
  });

  it('skips unknown packet types by their length and honours padding', () => {
    const app = Buffer.from([0x80, 205, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]); // RTPFB, 2 words
    const rr = new RtcpCompound([{ kind: 'rr', ssrc: 42, reports: [] }]).serialize();
    const padded = Buffer.concat([rr, Buffer.from([0xa0, 206, 0, 1, 0, 0, 0, 4])]); // P set, 4 octets of padding
    const c = RtcpCompound.deSerialize(Buffer.concat([app, padded]));
    assert.deepEqual(c.packets.map((p) => p.kind), ['other', 'rr', 'other']);
    assert.equal((c.packets[2] as { body: Buffer }).body.length, 0);
  });

  it('rejects every truncation and each malformed header with a typed error', () => {
    const wire = sample().serialize();
    // A cut exactly between two packets is itself a valid (shorter) compound; every other cut fails.
    const boundaries = new Set<number>();
    let at = 0;
    for (const p of sample().packets) boundaries.add((at += new RtcpCompound([p]).serialize().length));
    for (let n = 0; n < wire.length; n++) {
      const parsed = parseOrReject(wire.subarray(0, n));
      assert.equal(parsed !== undefined, boundaries.has(n), `length ${n}`);
    }
    const bad: Array<[Buffer, string]> = [
      [Buffer.alloc(0), 'truncated rtcp'],
      [Buffer.from([0x80, 201, 0]), 'truncated rtcp'],
      [Buffer.from([0x40, 201, 0, 1, 0, 0, 0, 1]), 'bad version'],
      [Buffer.from([0x80, 201, 0, 9, 0, 0, 0, 1]), 'rtcp length overflow'],
      [Buffer.from([0x81, 201, 0, 1, 0, 0, 0, 1]), 'rtcp length overflow'], // RC=1, no block
      [Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 1]), 'rtcp length overflow'], // SR without sender info
      [Buffer.from([0xa0, 201, 0, 1, 0, 0, 0, 0]), 'bad padding'],
      [Buffer.from([0xa0, 201, 0, 1, 0, 0, 0, 9]), 'padding longer than payload'],
      [Buffer.from([0x81, 202, 0, 1, 0, 0, 0, 1]), 'bad rtcp'], // SDES chunk without an end item
      [Buffer.from([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0, 0]), 'rtcp length overflow'], // item longer than packet
      [Buffer.from([0x82, 202, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0]), 'rtcp length overflow'], // 2 chunks, 1 present
      [Buffer.from([0x83, 203, 0, 1, 0, 0, 0, 1]), 'rtcp length overflow'], // 3 BYE sources, 1 present
      [Buffer.from([0x81, 203, 0, 2, 0, 0, 0, 1, 9, 0x61, 0, 0]), 'rtcp length overflow'], // reason too long
      [Buffer.concat([new RtcpCompound([{ kind: 'rr', ssrc: 1, reports: [] }]).serialize(), Buffer.from([0x80, 201])]), 'truncated rtcp'],
    ];
    for (const [buf, reason] of bad) {
      assert.throws(() => RtcpCompound.deSerialize(buf), (e: unknown) => e instanceof MediaPacketError && e.reason === reason, `${buf.toString('hex')} → ${reason}`);
    }
  });

  it('fuzz: 10,000 random and mutated compounds parse or throw MediaPacketError', () => {
    const seed = sample().serialize();
    for (let i = 0; i < 10_000; i++) {
      const buf = i % 2 ? randomBytes(Math.floor(Math.random() * 120)) : Buffer.from(seed);
      if (i % 2 === 0) for (let k = 0; k < 2; k++) flipBit(buf);
      if (buf.length) buf[0] = 0x80 | (buf[0]! & 0x3f);
      const c = parseOrReject(buf);
      if (c) assert.ok(c.packets.length > 0);
    }
    parseOrReject(Buffer.alloc(65_507, 0xff));
  });

  it('refuses to serialize what does not fit the format', () => {
    const tooMany = new RtcpCompound([{ kind: 'rr', ssrc: 1, reports: new Array(32).fill(block) }]);
    assert.throws(() => tooMany.serialize(), MediaPacketError);
    assert.throws(() => new RtcpCompound([]).serialize(), MediaPacketError);
    assert.throws(() => new RtcpCompound([{ kind: 'sdes', chunks: [{ source: 1, items: [{ type: 1, text: 'x'.repeat(256) }] }] }]).serialize(), MediaPacketError);
  });
});

describe('isRtcp (RFC 5761 §4)', () => {
  it('tells RTCP packet types 192..223 from RTP payload types', () => {
    assert.equal(isRtcp(sample().serialize()), true);
    for (const pt of [0, 8, 18, 96, 101, 127]) {
      for (const marker of [false, true]) {
        const wire = new RtpPacket({ payloadType: pt, marker, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: Buffer.alloc(10) }).serialize();
        assert.equal(isRtcp(wire), false, `PT ${pt} marker ${marker}`);
      }
    }
    for (let type = 192; type <= 223; type++) assert.equal(isRtcp(Buffer.from([0x80, type, 0, 0])), true);
    assert.equal(isRtcp(Buffer.from([0x80, 200])), false);
    assert.equal(isRtcp(Buffer.from([0x00, 200, 0, 0])), false);
  });
});
