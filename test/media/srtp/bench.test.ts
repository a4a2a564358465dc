// Micro-benchmark, printed and not asserted: protect + unprotect of 172-byte SRTP packets
// (12-byte header + 160 bytes of G.711, 20 ms), the worker's per-call media load.
import { describe, it } from 'node:test';
import { SrtpTransform } from '../../../src/media/srtp/srtp-session.js';
import { KEY_A, KEY_B, rtp } from './helpers.js';

describe('SRTP micro-benchmark', () => {
  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
    it(`${suite}: protect + unprotect per second`, (t) => {
      const a = new SrtpTransform({ suite, localKey: KEY_A, remoteKey: KEY_B });
      const b = new SrtpTransform({ suite, localKey: KEY_B, remoteKey: KEY_A });
      const packets = Array.from({ length: 1024 }, (_, i) => rtp(i));
      for (let i = 0; i < 2000; i++) b.unprotect(a.protect(packets[i % 1024] ?? rtp(0))); // warm-up
      const n = 40_000;
      const input = Array.from({ length: n }, (_, i) => rtp((2000 + i) & 0xffff));
      const start = process.hrtime.bigint();
      for (const p of input) b.unprotect(a.protect(p));
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const rate = Math.round(n / seconds);
      // A call sends and receives 50 packets/s each way: rate / 50 calls per core.
      t.diagnostic(`${suite}: ${rate} protect+unprotect/s (172-byte packets) ≈ ${Math.round(rate / 50)} calls per core`);
      console.log(`# bench ${suite}: ${rate} protect+unprotect/s, ${(1e6 / rate).toFixed(2)} µs per pair`);
    });
  }
});
