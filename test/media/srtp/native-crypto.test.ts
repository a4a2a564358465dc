// native/srtpcrypto (src/media/srtp/native-crypto.ts): the per-packet AES-CM and HMAC-SHA1 on
// OpenSSL give the same bytes and verdicts as node:crypto's (stream-crypto.ts) for any ranges,
// SSRC, index, ROC and tag length, and never touch memory outside the Buffers it is given:
// wrong ranges and arguments throw before anything is written. Skipped when the addon is not built.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { opensslCrypto, opensslCryptoStatus } from '../../../src/media/srtp/native-crypto.js';
import { deriveSessionKeys } from '../../../src/media/srtp/kdf.js';
import { NODE_CRYPTO } from '../../../src/media/srtp/stream-crypto.js';

const openssl = opensslCrypto();
const keys = deriveSessionKeys(randomBytes(30), 'srtp');

/** One packet's operation: src of `length` bytes, ranges inside it, the IV's inputs. */
const operation = fc.record({
  length: fc.integer({ min: 0, max: 1500 }),
  cuts: fc.tuple(fc.nat(), fc.nat(), fc.nat()),
  ssrc: fc.nat({ max: 0xffffffff }),
  index: fc.nat({ max: 2 ** 48 - 1 }),
  roc: fc.integer({ min: -1, max: 0xffffffff }),
  tagLength: fc.integer({ min: 1, max: 20 }),
  seed: fc.nat(),
});

function rangesOf(op: { length: number; cuts: [number, number, number] }) {
  const [a, b, c] = op.cuts.map((x) => x % (op.length + 1)).sort((x, y) => x - y) as [number, number, number];
  return { cipherStart: a, cipherEnd: b, authEnd: c };
}

describe('native/srtpcrypto: AES-CM and HMAC-SHA1 on OpenSSL', { skip: !openssl && `OpenSSL addon ${opensslCryptoStatus()}` }, () => {
  const native = openssl!.make(keys);
  const js = NODE_CRYPTO.make(keys);

  it('seals as node:crypto does, byte for byte, and each opens what the other sealed', () => {
    fc.assert(fc.property(operation, (op) => {
      const { cipherStart, cipherEnd, authEnd } = rangesOf(op);
      const src = Buffer.alloc(op.length, op.seed & 0xff).map((v, i) => (v + i * 7) & 0xff) as Buffer;
      const sealed = [native, js].map((c) => {
        const dst = Buffer.alloc(authEnd + op.tagLength, 0xee);
        src.copy(dst, cipherEnd, cipherEnd, authEnd); // the caller's bytes between cipherEnd and authEnd (SRTCP's E || index)
        c.seal(src, dst, cipherStart, cipherEnd, authEnd, op.ssrc, op.index, op.roc, op.tagLength);
        return dst;
      });
      assert.deepEqual(sealed[0], sealed[1]);
      for (const [opener, wire] of [[js, sealed[0]!], [native, sealed[1]!]] as const) {
        const out = Buffer.alloc(cipherEnd);
        assert.equal(opener.open(wire, out, cipherStart, cipherEnd, authEnd, op.ssrc, op.index, op.roc, op.tagLength), true);
        assert.deepEqual(out, src.subarray(0, cipherEnd));
      }
    }), { numRuns: 300 });
  });

  it('refuses a packet whose tag or authenticated bytes changed, or under another ROC, and writes nothing', () => {
    const src = randomBytes(172);
    const wire = Buffer.alloc(182);
    native.seal(src, wire, 12, 172, 172, 1, 65536 + 5, 1, 10);
    for (const [what, change] of [['tag', 175], ['header', 3], ['payload', 100]] as const) {
      const bad = Buffer.from(wire);
      bad[change]! ^= 1;
      const out = Buffer.alloc(172, 0xaa);
      assert.equal(native.open(bad, out, 12, 172, 172, 1, 65536 + 5, 1, 10), false, what);
      assert.ok(out.every((v) => v === 0xaa), `${what}: nothing written`);
    }
    assert.equal(native.open(wire, Buffer.alloc(172), 12, 172, 172, 1, 65536 + 5, 0, 10), false, 'another ROC');
    assert.equal(native.open(wire, Buffer.alloc(172), 12, 172, 172, 1, 65536 + 5, 1, 10), true);
  });

  it('throws, writing nothing, for ranges outside the Buffers and bad numbers', () => {
    const src = randomBytes(100);
    const dst = Buffer.alloc(110, 0x55);
    const wrong: [string, Parameters<typeof native.seal>][] = [
      ['cipherEnd before cipherStart', [src, dst, 50, 40, 100, 1, 0, 0, 10]],
      ['authEnd before cipherEnd', [src, dst, 12, 100, 90, 1, 0, 0, 10]],
      ['src shorter than cipherEnd', [src, dst, 12, 101, 101, 1, 0, 0, 9]],
      ['dst shorter than the tag', [src, dst, 12, 100, 100, 1, 0, 0, 11]],
      ['tag of 0 bytes', [src, dst, 12, 100, 100, 1, 0, 0, 0]],
      ['tag of 21 bytes', [src, dst, 12, 80, 80, 1, 0, 0, 21]],
      ['index of 2^48', [src, dst, 12, 100, 100, 1, 2 ** 48, 0, 10]],
      ['fractional index', [src, dst, 12, 100, 100, 1, 1.5, 0, 10]],
      ['negative index', [src, dst, 12, 100, 100, 1, -1, 0, 10]],
      ['ROC of 2^32', [src, dst, 12, 100, 100, 1, 0, 2 ** 32, 10]],
    ];
    for (const [what, args] of wrong) {
      assert.throws(() => native.seal(...args), RangeError, what);
      assert.throws(() => native.open(...args), RangeError, what);
      assert.ok(dst.every((v) => v === 0x55), `${what}: nothing written`);
    }
    assert.throws(() => native.seal('x' as unknown as Buffer, dst, 0, 0, 0, 0, 0, 0, 10), TypeError);
  });

  it('takes only keys of 16, 14 and 20 bytes, and refuses to work once closed', () => {
    assert.throws(() => openssl!.make({ ...keys, salt: Buffer.alloc(13) }), TypeError);
    assert.throws(() => openssl!.make({ ...keys, authKey: Buffer.alloc(32) }), TypeError);
    const c = openssl!.make(keys);
    c.close();
    c.close();
    assert.throws(() => c.seal(Buffer.alloc(20), Buffer.alloc(30), 12, 20, 20, 1, 0, 0, 10), /closed/);
  });
});
