// SrtpTransform: round trips for both suites, authentication, the replay window of RFC 3711
// §3.3.2, ROC estimation across the sequence-number wrap (§3.3.1), SRTCP (§3.4), bounds, fuzz;
// run against every implementation (node:crypto and libsrtp2, helpers.ts IMPLEMENTATIONS).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SrtpStream } from '../../../src/media/srtp/create-transform.js';
import type { SrtpStats } from '../../../src/media/srtp/srtp-session.js';
import type { SrtpSuite } from '../../../src/media/srtp/suites.js';
import type { RtpTransform } from '../../../src/media/rtp/transform.js';
import { IMPLEMENTATIONS, KEY_A, KEY_B, rtcp, rtp, type Implementation } from './helpers.js';

/** Two ends of a call: "a" sends with KEY_A and receives KEY_B, "b" the other way round. */
function pairOf(impl: Implementation, suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80') {
  return {
    a: impl.make({ suite, localKey: KEY_A, remoteKey: KEY_B }),
    b: impl.make({ suite, localKey: KEY_B, remoteKey: KEY_A }),
  };
}

// Compile-time contract: either implementation is the RTP session's transform hook (src/media/rtp/transform.ts).
export const asHook = (t: SrtpStream): RtpTransform => t;

const only = (s: SrtpStats, expected: Partial<SrtpStats>) => {
  for (const [k, v] of Object.entries(s)) assert.equal(v, expected[k as keyof SrtpStats] ?? 0, `stats.${k}`);
};

for (const impl of IMPLEMENTATIONS) describe(impl.name, { skip: impl.skip }, () => behaviours(impl));

function behaviours(impl: Implementation): void {
const pair = (suite?: SrtpSuite) => pairOf(impl, suite);

for (const [suite, tag] of [['AES_CM_128_HMAC_SHA1_80', 10], ['AES_CM_128_HMAC_SHA1_32', 4]] as const) {
  describe(`${suite}: round trip`, () => {
    it(`adds a ${tag}-byte tag, encrypts the payload only, and gives the packet back`, () => {
      const { a, b } = pair(suite);
      const plain = rtp(1000, { csrcs: [1, 2], extensionWords: 2, marker: true });
      const sealed = a.protect(plain);
      assert.equal(sealed.length, plain.length + tag);
      const hl = 12 + 8 + 12;
      assert.deepEqual(sealed.subarray(0, hl), plain.subarray(0, hl), 'header in clear');
      assert.notDeepEqual(sealed.subarray(hl, plain.length), plain.subarray(hl), 'payload encrypted');
      assert.deepEqual(b.unprotect(sealed), plain);
      only(a.stats(), { protected: 1 });
      only(b.stats(), { unprotected: 1 });
    });

    it('works both ways, for empty payloads, and does not decrypt with the wrong key', () => {
      const { a, b } = pair(suite);
      assert.deepEqual(a.unprotect(b.protect(rtp(7, { payloadLength: 0 }))), rtp(7, { payloadLength: 0 }));
      assert.deepEqual(b.unprotect(a.protect(rtp(8))), rtp(8));
      const self = a.protect(rtp(9));
      assert.equal(a.unprotect(self), undefined, 'our own packet is not under the peer key');
      assert.equal(a.stats().authFailures, 1);
    });

    it('round-trips SRTCP with an 80-bit tag and the E flag set', () => {
      const { a, b } = pair(suite);
      const plain = rtcp();
      const sealed = a.protectRtcp(plain);
      // RFC 3711 §3.4: the index is "set to zero before the first SRTCP packet is sent" and
      // incremented after each; libsrtp increments before it sends (srtp_rdb_increment), so its
      // first index is 1. The index travels in the packet, so both interoperate.
      const first = impl.name === 'libsrtp2' ? 1 : 0;
      assert.equal(sealed.length, plain.length + 4 + 10);
      assert.equal(sealed.readUInt32BE(plain.length), (0x80000000 | first) >>> 0, `E=1, index ${first}`);
      assert.equal(a.protectRtcp(plain).readUInt32BE(plain.length), (0x80000000 | (first + 1)) >>> 0, 'the next index');
      assert.deepEqual(b.unprotectRtcp(sealed), plain);
    });
  });
}

describe('authentication (RFC 3711 §4.2)', () => {
  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
    it(`${suite}: any flipped bit (header, payload or tag) is dropped and counted`, () => {
      const { a, b } = pair(suite);
      const sealed = a.protect(rtp(500, { payloadLength: 20 }));
      let dropped = 0;
      for (let bit = 0; bit < sealed.length * 8; bit++) {
        const bad = Buffer.from(sealed);
        bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7));
        if (b.unprotect(bad) === undefined) dropped++;
      }
      assert.equal(dropped, sealed.length * 8);
      const s = b.stats();
      assert.equal(s.unprotected, 0);
      assert.equal(s.authFailures + s.malformed + s.replays, sealed.length * 8);
      assert.ok(s.authFailures > sealed.length * 8 - 64, 'nearly all are tag failures');
      assert.deepEqual(b.unprotect(sealed), rtp(500, { payloadLength: 20 }), 'the genuine one still passes');
    });
  }

  it('SRTCP: a flipped bit anywhere, including the E flag and index, is dropped', () => {
    const { a, b } = pair();
    const sealed = a.protectRtcp(rtcp());
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const bad = Buffer.from(sealed);
      bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7));
      assert.equal(b.unprotectRtcp(bad), undefined, `bit ${bit}`);
    }
    assert.ok(b.stats().rtcpAuthFailures > 0);
    assert.deepEqual(b.unprotectRtcp(sealed), rtcp());
  });
});

describe('replay window (RFC 3711 §3.3.2)', () => {
  it('drops a replayed packet and counts it', () => {
    const { a, b } = pair();
    const p = a.protect(rtp(10));
    assert.ok(b.unprotect(p));
    assert.equal(b.unprotect(p), undefined);
    only(b.stats(), { unprotected: 1, replays: 1 });
  });

  it('accepts out-of-order packets inside the window once, drops those 64 or more behind', () => {
    const { a, b } = pair();
    const sealed = new Map<number, Buffer>();
    for (let seq = 100; seq <= 300; seq++) sealed.set(seq, a.protect(rtp(seq)));
    const get = (seq: number) => sealed.get(seq) ?? assert.fail(`no packet ${seq}`);
    for (let seq = 100; seq <= 300; seq += 2) assert.ok(b.unprotect(get(seq)), `even ${seq}`);
    // Highest is 300: 237..299 are inside the 64-packet window, 236 and below are not.
    assert.ok(b.unprotect(get(299)), 'late but inside');
    assert.ok(b.unprotect(get(237)), 'oldest inside the window (300 - 63)');
    assert.equal(b.unprotect(get(237)), undefined, 'only once');
    assert.equal(b.unprotect(get(235)), undefined, '65 behind');
    assert.equal(b.unprotect(get(101)), undefined, 'far behind');
    assert.equal(b.unprotect(get(300)), undefined, 'the highest itself, again');
    const s = b.stats();
    assert.equal(s.unprotected, 101 + 2);
    assert.equal(s.replays, 4);
  });

  it('a forged packet does not move the window', () => {
    const { a, b } = pair();
    // Sent in order (libsrtp refuses to protect a SEQ more than a window behind the highest sent).
    const [one, two, forged] = [1, 2, 5000].map((seq) => a.protect(rtp(seq)));
    assert.ok(one && two && forged);
    assert.ok(b.unprotect(one));
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    assert.equal(b.unprotect(forged), undefined);
    assert.ok(b.unprotect(two), 'seq 2 is still new: the window did not jump to 5000');
  });

  it('keeps one window per SSRC', () => {
    const { a, b } = pair();
    assert.ok(b.unprotect(a.protect(rtp(1000, { ssrc: 1 }))));
    assert.ok(b.unprotect(a.protect(rtp(1, { ssrc: 2 }))), 'a second source starts its own window');
    assert.ok(b.unprotect(a.protect(rtp(999, { ssrc: 1 }))));
  });

  // The SRTCP window is 64 in JavaScript and libsrtp's fixed 128 (native-transform.ts): 49 behind
  // is inside both, 189 behind outside both.
  it('SRTCP: replays and indices older than the window are dropped', () => {
    const { a, b } = pair();
    const sealed = Array.from({ length: 200 }, () => a.protectRtcp(rtcp()));
    assert.ok(b.unprotectRtcp(sealed[199] ?? Buffer.alloc(0)));
    assert.equal(b.unprotectRtcp(sealed[199] ?? Buffer.alloc(0)), undefined, 'replay');
    assert.ok(b.unprotectRtcp(sealed[150] ?? Buffer.alloc(0)), 'inside the window');
    assert.equal(b.unprotectRtcp(sealed[10] ?? Buffer.alloc(0)), undefined, 'too old');
    const s = b.stats();
    assert.equal(s.rtcpUnprotected, 2);
    assert.equal(s.rtcpReplays, 2);
  });
});

describe('packet index across the sequence-number wrap (RFC 3711 §3.3.1)', () => {
  it('increments the ROC at 65535 → 0, in order and with reordering around the wrap', () => {
    const { a, b } = pair();
    const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
    const sealed = seqs.map((s) => a.protect(rtp(s)));
    const order = [0, 1, 2, 3, 6, 4, 7, 5, 8, 9]; // 0 arrives before 65534 and 65535
    for (const i of order) assert.deepEqual(b.unprotect(sealed[i] ?? Buffer.alloc(0)), rtp(seqs[i] ?? 0), `seq ${seqs[i]}`);
    assert.equal(b.stats().unprotected, 10);
  });

  it('survives a long loss across the wrap (more than werift\'s 100-packet heuristic)', () => {
    const { a, b } = pair();
    for (let seq = 65000; seq <= 65535; seq++) {
      const p = a.protect(rtp(seq));
      if (seq < 65100) assert.ok(b.unprotect(p));
    }
    // 436 packets before and 300 after the wrap are lost; the next ones carry ROC 1.
    for (let seq = 0; seq < 400; seq++) {
      const p = a.protect(rtp(seq));
      if (seq >= 300) assert.ok(b.unprotect(p), `seq ${seq} after the wrap`);
    }
  });

  it('the index runs over several wraps (ROC 3) and the sender keeps its own ROC', () => {
    const { a, b } = pair();
    for (let i = 0; i < 3 * 65536 + 10; i += 97) assert.ok(b.unprotect(a.protect(rtp(i & 0xffff))), `packet ${i}`);
  });

  it('refuses to send a sequence number from before the first packet (keystream reuse)', () => {
    const { a } = pair();
    a.protect(rtp(5));
    assert.throws(() => a.protect(rtp(65000)), { name: 'SrtpError', code: 'BAD_INDEX' });
  });
});

describe('bounds: never throws on hostile input', () => {
  it('drops packets shorter than 12 + tag and counts them', () => {
    for (const [suite, tag] of [['AES_CM_128_HMAC_SHA1_80', 10], ['AES_CM_128_HMAC_SHA1_32', 4]] as const) {
      const { a, b } = pair(suite);
      const sealed = a.protect(rtp(1, { payloadLength: 0 }));
      assert.equal(sealed.length, 12 + tag);
      for (let n = 0; n < 12 + tag; n++) assert.equal(b.unprotect(sealed.subarray(0, n)), undefined);
      assert.equal(b.stats().tooShort, 12 + tag);
      assert.ok(b.unprotect(sealed));
    }
  });

  it('drops headers whose CSRC list or extension runs past the packet, and non-v2 packets', () => {
    const { b } = pair();
    const csrcOverrun = Buffer.alloc(40);
    csrcOverrun[0] = 0x8f; // 15 CSRCs = 72 bytes of header
    const extOverrun = Buffer.alloc(40);
    extOverrun[0] = 0x90;
    extOverrun.writeUInt16BE(0xffff, 14);
    const v1 = Buffer.alloc(40);
    v1[0] = 0x40;
    for (const p of [csrcOverrun, extOverrun, v1]) assert.equal(b.unprotect(p), undefined);
    assert.equal(b.stats().malformed, 3);
    assert.equal(b.unprotectRtcp(Buffer.alloc(10)), undefined);
    assert.equal(b.unprotectRtcp(v1), undefined);
    assert.equal(b.stats().rtcpTooShort, 1);
    assert.equal(b.stats().rtcpMalformed, 1);
  });

  it('SRTCP sent with E = 0 is dropped even with a valid tag (we never agree to UNENCRYPTED_SRTCP)', async () => {
    const { createHmac } = await import('node:crypto');
    const { deriveSessionKeys } = await import('../../../src/media/srtp/kdf.js');
    const { b } = pair();
    const body = Buffer.concat([rtcp(), Buffer.from([0, 0, 0, 7])]);
    const tag = createHmac('sha1', deriveSessionKeys(KEY_A, 'srtcp').authKey).update(body).digest().subarray(0, 10);
    assert.equal(b.unprotectRtcp(Buffer.concat([body, tag])), undefined);
    only(b.stats(), { rtcpMalformed: 1 });
  });

  it('protect() refuses what is not RTP/RTCP v2 with a typed error', () => {
    const { a } = pair();
    assert.throws(() => a.protect(Buffer.alloc(5)), { name: 'SrtpError', code: 'NOT_RTP' });
    assert.throws(() => a.protectRtcp(Buffer.alloc(4)), { name: 'SrtpError', code: 'NOT_RTP' });
  });

  it('10,000 random datagrams (and mutated genuine ones) never throw and never pass', () => {
    const { a, b } = pair();
    const genuine = a.protect(rtp(42));
    const genuineRtcp = a.protectRtcp(rtcp());
    let passed = 0;
    for (let i = 0; i < 10_000; i++) {
      const junk = randomBytes(i % 300);
      if (i % 3 === 0 && junk.length > 0) junk[0] = 0x80 | ((junk[0] ?? 0) & 0x3f); // mostly plausible v2
      if (i % 5 === 0) genuine.copy(junk, 0, 0, Math.min(junk.length, 12)); // real header, junk tail
      if (b.unprotect(junk) !== undefined) passed++;
      if (b.unprotectRtcp(junk) !== undefined) passed++;
      const mutated = Buffer.from(i % 2 ? genuine : genuineRtcp);
      mutated[i % mutated.length] = (mutated[i % mutated.length] ?? 0) ^ (1 + (i % 255));
      if ((i % 2 ? b.unprotect(mutated) : b.unprotectRtcp(mutated)) !== undefined) passed++;
    }
    assert.equal(passed, 0);
    assert.ok(b.unprotect(genuine) && b.unprotectRtcp(genuineRtcp), 'genuine packets still pass afterwards');
  });

  it('rejects bad options at construction', () => {
    assert.throws(() => impl.make({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: Buffer.alloc(16), remoteKey: KEY_B }), { code: 'BAD_KEY' });
    assert.throws(() => impl.make({ suite: 'F8_128_HMAC_SHA1_80' as SrtpSuite, localKey: KEY_A, remoteKey: KEY_B }), { code: 'UNSUPPORTED_SUITE' });
    assert.throws(() => impl.make({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: KEY_A, remoteKey: KEY_B, replayWindow: 32 }), RangeError);
  });
});
}
