// node:crypto (srtp-session.ts) against libsrtp2 (native-transform.ts) and against our transform
// on OpenSSL (native/srtpcrypto): the same key gives the same bytes, each unprotects what the other
// protects (SRTP and SRTCP, both suites), across ROC rollovers (RFC 3711 §3.3.1) and with the
// replay list of §3.3.2. Skipped when the addon is not built.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SrtpSuite } from '../../../src/media/srtp/suites.js';
import { IMPLEMENTATIONS, KEY_A, KEY_B, rtcp, rtp } from './helpers.js';

const js = IMPLEMENTATIONS.find((i) => i.name === 'node:crypto');
if (!js) throw new Error('helpers.ts lists node:crypto');

const SUITE_LIST: readonly SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

for (const native of IMPLEMENTATIONS.filter((i) => i !== js))
for (const suite of SUITE_LIST) {
  describe(`node:crypto <-> ${native.name}, ${suite}`, { skip: native.skip }, () => {
    const ends = () => ({
      js: js.make({ suite, localKey: KEY_A, remoteKey: KEY_B }),
      native: native.make({ suite, localKey: KEY_B, remoteKey: KEY_A }),
      nativeAsJs: native.make({ suite, localKey: KEY_A, remoteKey: KEY_B }),
    });

    it('the same key and packet give the same SRTP bytes, over three ROC rollovers', () => {
      const { js: a, nativeAsJs: n } = ends();
      for (let i = 0; i < 3 * 65536 + 10; i += 89) {
        const p = rtp(i & 0xffff, { csrcs: i % 2 ? [7] : [], extensionWords: i % 3 ? undefined : 1 });
        assert.deepEqual(n.protect(p), a.protect(p), `packet ${i}`);
      }
    });

    it('JS → native and native → JS, across the wrap with reordering', () => {
      const { js: a, native: b } = ends();
      const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
      const order = [0, 1, 2, 3, 6, 4, 7, 5, 8, 9];
      const toNative = seqs.map((s) => a.protect(rtp(s)));
      const toJs = seqs.map((s) => b.protect(rtp(s)));
      for (const i of order) {
        assert.deepEqual(b.unprotect(toNative[i] ?? Buffer.alloc(0)), rtp(seqs[i] ?? 0), `native got seq ${seqs[i]}`);
        assert.deepEqual(a.unprotect(toJs[i] ?? Buffer.alloc(0)), rtp(seqs[i] ?? 0), `JS got seq ${seqs[i]}`);
      }
      for (let i = 4; i < 3 * 65536; i += 97) {
        assert.ok(b.unprotect(a.protect(rtp(i & 0xffff))), `native got packet ${i}`);
        assert.ok(a.unprotect(b.protect(rtp(i & 0xffff))), `JS got packet ${i}`);
      }
      assert.equal(a.stats().authFailures + b.stats().authFailures, 0);
    });

    it('a long loss across the wrap: both keep the ROC (§3.3.1)', () => {
      const { js: a, native: b } = ends();
      for (let seq = 65000; seq <= 65535; seq++) {
        const toNative = a.protect(rtp(seq));
        const toJs = b.protect(rtp(seq));
        if (seq < 65100) assert.ok(b.unprotect(toNative) && a.unprotect(toJs));
      }
      for (let seq = 0; seq < 400; seq++) {
        const toNative = a.protect(rtp(seq));
        const toJs = b.protect(rtp(seq));
        if (seq >= 300) assert.ok(b.unprotect(toNative) && a.unprotect(toJs), `seq ${seq}`);
      }
    });

    it('replay list (§3.3.2) on each side: duplicates and packets 64 behind dropped, 63 behind accepted', () => {
      const { js: a, native: b } = ends();
      for (const [sender, receiver] of [[a, b], [b, a]] as const) {
        const sealed = Array.from({ length: 200 }, (_, seq) => sender.protect(rtp(seq)));
        const get = (seq: number) => sealed[seq] ?? assert.fail(`no packet ${seq}`);
        assert.ok(receiver.unprotect(get(199)));
        assert.equal(receiver.unprotect(get(199)), undefined, 'duplicate');
        assert.ok(receiver.unprotect(get(136)), '63 behind');
        assert.equal(receiver.unprotect(get(135)), undefined, '64 behind');
        assert.equal(receiver.stats().replays, 2);
      }
    });

    it('SRTCP both ways (the index is explicit, so libsrtp starting at 1 does not matter)', () => {
      const { js: a, native: b } = ends();
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(b.unprotectRtcp(a.protectRtcp(rtcp(0xabcdef01, 4 * i))), rtcp(0xabcdef01, 4 * i));
        assert.deepEqual(a.unprotectRtcp(b.protectRtcp(rtcp(0x01020304, 4 * i))), rtcp(0x01020304, 4 * i));
      }
      const again = a.protectRtcp(rtcp(0xabcdef01));
      assert.ok(b.unprotectRtcp(again));
      assert.equal(b.unprotectRtcp(again), undefined, 'SRTCP replay');
      assert.equal(b.stats().rtcpReplays, 1);
    });
  });
}
