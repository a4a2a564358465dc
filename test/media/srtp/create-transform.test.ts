// createSrtpTransform(): OpenSSL (native/srtpcrypto) when that addon loads, then libsrtp2 when its
// addon loads and takes the options, node:crypto otherwise, and node:crypto for every call under
// OPENUM_NATIVE=0 (src/media/native/load-native.ts); OPENUM_SRTP prefers one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSrtpTransform, nativeSrtpAvailable, preferredSrtpImplementation } from '../../../src/media/srtp/create-transform.js';
import { opensslCrypto } from '../../../src/media/srtp/native-crypto.js';
import { KEY_A, KEY_B, rtp } from './helpers.js';

const options = { suite: 'AES_CM_128_HMAC_SHA1_80', localKey: KEY_A, remoteKey: KEY_B } as const;
const withOpensslOr = opensslCrypto() ? 'openssl' : 'node:crypto';

/** Runs fn with OPENUM_SRTP set to `prefer` (createSrtpTransform reads it at each call). */
function preferring<T>(prefer: string, fn: () => T): T {
  const before = process.env.OPENUM_SRTP;
  process.env.OPENUM_SRTP = prefer;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.OPENUM_SRTP;
    else process.env.OPENUM_SRTP = before;
  }
}

describe('createSrtpTransform', () => {
  it('picks OpenSSL when its addon is loaded, else libsrtp2, else node:crypto, and each works with the others', () => {
    const a = createSrtpTransform(options);
    assert.equal(a.implementation, opensslCrypto() ? 'openssl' : nativeSrtpAvailable() ? 'libsrtp2' : 'node:crypto');
    const peers = [
      createSrtpTransform({ ...options, localKey: KEY_B, remoteKey: KEY_A }),
      preferring('libsrtp2', () => createSrtpTransform({ ...options, localKey: KEY_B, remoteKey: KEY_A })),
      preferring('node:crypto', () => createSrtpTransform({ ...options, localKey: KEY_B, remoteKey: KEY_A })),
    ];
    for (const [n, b] of peers.entries()) {
      assert.deepEqual(b.unprotect(a.protect(rtp(n + 1))), rtp(n + 1), `${a.implementation} → ${b.implementation}`);
      assert.deepEqual(a.unprotect(b.protect(rtp(n + 1))), rtp(n + 1), `${b.implementation} → ${a.implementation}`);
      b.close();
    }
    a.close();
  });

  it('preferredSrtpImplementation() says what a new call gets, whatever OPENUM_SRTP prefers', () => {
    for (const prefer of ['', 'openssl', 'libsrtp2', 'node:crypto']) {
      preferring(prefer, () => {
        const t = createSrtpTransform(options);
        assert.equal(preferredSrtpImplementation(), t.implementation, `OPENUM_SRTP=${prefer}`);
        t.close();
      });
    }
  });

  it('OPENUM_SRTP names the one to prefer; one that is not there falls back', () => {
    assert.equal(preferring('node:crypto', () => createSrtpTransform(options)).implementation, 'node:crypto');
    assert.equal(preferring('openssl', () => createSrtpTransform(options)).implementation, withOpensslOr);
    assert.equal(preferring('libsrtp2', () => createSrtpTransform(options)).implementation, nativeSrtpAvailable() ? 'libsrtp2' : withOpensslOr);
  });

  it('past maxLive libsrtp sessions in the process, new calls get the next choice; closing frees room', { skip: !nativeSrtpAvailable() && 'addon not loaded' }, () => {
    preferring('libsrtp2', () => {
      const first = createSrtpTransform(options, 4);
      const second = createSrtpTransform(options, 4);
      assert.equal(first.implementation, 'libsrtp2');
      // Other tests' transforms may still be alive (closed only at garbage collection): count from here.
      const third = createSrtpTransform(options, 4);
      assert.equal(third.implementation, withOpensslOr, 'two transforms hold four sessions');
      first.close();
      if (second.implementation === 'libsrtp2') {
        assert.equal(createSrtpTransform(options, 4).implementation, 'libsrtp2', 'closing one made room');
      }
      second.close();
    });
  });

  it('passes libsrtp2 over for a replay window it does not take (2^15)', () => {
    assert.equal(createSrtpTransform({ ...options, replayWindow: 32768 }).implementation, withOpensslOr);
    assert.equal(preferring('libsrtp2', () => createSrtpTransform({ ...options, replayWindow: 32768 })).implementation, withOpensslOr);
  });

  it('OPENUM_NATIVE=0 forces node:crypto', () => {
    const module = fileURLToPath(new URL('../../../src/media/srtp/create-transform.js', import.meta.url));
    const script = `import(${JSON.stringify(module)}).then((m) => console.log(m.createSrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: Buffer.alloc(30), remoteKey: Buffer.alloc(30) }).implementation))`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, OPENUM_NATIVE: '0' }, encoding: 'utf8' });
    assert.equal(out.trim(), 'node:crypto');
  });

  for (const prefer of ['openssl', 'libsrtp2', 'node:crypto']) {
    it(`a closed transform (${prefer} preferred) refuses to protect and drops what it receives`, () => {
      const peer = createSrtpTransform({ ...options, localKey: KEY_B, remoteKey: KEY_A });
      const a = preferring(prefer, () => createSrtpTransform(options));
      const sealed = peer.protect(rtp(1));
      a.protect(rtp(1));
      a.close();
      a.close(); // twice is harmless
      assert.throws(() => a.protect(rtp(2)), { name: 'SrtpError', code: 'NATIVE_FAILURE' });
      assert.equal(a.unprotect(sealed), undefined);
      assert.equal(a.stats().unprotected, 0);
      peer.close();
    });
  }

  // Regression: Node unloads an addon when the last thread that loaded it exits; reloaded, its
  // statics were fresh but libsrtp's and NSS's were not, srtp_init() failed, and a media thread
  // started after another had ended (a crash, a restart) fell back to node:crypto or failed.
  // native/srtp is now linked -z nodelete (binding.gyp), and so is native/srtpcrypto.
  for (const prefer of ['libsrtp2', 'openssl'] as const) {
  it(`${prefer} still works in a thread started after another thread that used it ended`, { skip: !(prefer === 'openssl' ? opensslCrypto() : nativeSrtpAvailable()) && 'addon not loaded' }, () => {
    const module = fileURLToPath(new URL('../../../src/media/srtp/create-transform.js', import.meta.url));
    const inThread = `import(${JSON.stringify(module)}).then((m) => { const t = m.createSrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: Buffer.alloc(30, 1), remoteKey: Buffer.alloc(30, 2) }); const p = Buffer.alloc(172); p[0] = 0x80; t.protect(p); console.log(t.implementation); t.close(); })`;
    // The main thread of this child never loads the addon: only the threads do, one after the other.
    const script = `const { Worker } = require('node:worker_threads');
(async () => { for (let i = 0; i < 3; i++) { const w = new Worker(${JSON.stringify(inThread)}, { eval: true }); await new Promise((r) => w.on('exit', r)); } })();`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, OPENUM_SRTP: prefer } });
    assert.deepEqual(out.trim().split('\n'), [prefer, prefer, prefer]);
  });
  }
});
