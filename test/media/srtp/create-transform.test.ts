// createSrtpTransform(): libsrtp2 when the addon loads and takes the options, node:crypto
// otherwise, and node:crypto for every call under OPENUM_NATIVE=0 (src/media/native/load.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSrtpTransform, nativeSrtpAvailable } from '../../../src/media/srtp/create-transform.js';
import { KEY_A, KEY_B, rtp } from './helpers.js';

const options = { suite: 'AES_CM_128_HMAC_SHA1_80', localKey: KEY_A, remoteKey: KEY_B } as const;

describe('createSrtpTransform', () => {
  it('picks libsrtp2 when the addon is loaded, else node:crypto, and either works', () => {
    const a = createSrtpTransform(options);
    assert.equal(a.implementation, nativeSrtpAvailable() ? 'libsrtp2' : 'node:crypto');
    const b = createSrtpTransform({ ...options, localKey: KEY_B, remoteKey: KEY_A });
    assert.deepEqual(b.unprotect(a.protect(rtp(1))), rtp(1));
    a.close();
    b.close();
  });

  it('past maxLive libsrtp sessions in the process, new calls get node:crypto; closing frees room', { skip: !nativeSrtpAvailable() && 'addon not loaded' }, () => {
    const first = createSrtpTransform(options, 4);
    const second = createSrtpTransform(options, 4);
    assert.equal(first.implementation, 'libsrtp2');
    // Other tests' transforms may still be alive (closed only at garbage collection): count from here.
    const third = createSrtpTransform(options, 4);
    assert.equal(third.implementation, 'node:crypto', 'two transforms hold four sessions');
    first.close();
    if (second.implementation === 'libsrtp2') {
      assert.equal(createSrtpTransform(options, 4).implementation, 'libsrtp2', 'closing one made room');
    }
    second.close();
  });

  it('keeps node:crypto for a replay window libsrtp does not take (2^15)', () => {
    assert.equal(createSrtpTransform({ ...options, replayWindow: 32768 }).implementation, 'node:crypto');
  });

  it('OPENUM_NATIVE=0 forces node:crypto', () => {
    const module = fileURLToPath(new URL('../../../src/media/srtp/create-transform.js', import.meta.url));
    const script = `import(${JSON.stringify(module)}).then((m) => console.log(m.createSrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: Buffer.alloc(30), remoteKey: Buffer.alloc(30) }).implementation))`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, OPENUM_NATIVE: '0' }, encoding: 'utf8' });
    assert.equal(out.trim(), 'node:crypto');
  });

  it('a closed native transform refuses to protect and drops what it receives', { skip: !nativeSrtpAvailable() && 'addon not loaded' }, () => {
    const a = createSrtpTransform(options);
    const sealed = a.protect(rtp(1));
    a.close();
    assert.throws(() => a.protect(rtp(2)), { name: 'SrtpError', code: 'NATIVE_FAILURE' });
    assert.equal(a.unprotect(sealed), undefined);
  });

  // Regression: Node unloads an addon when the last thread that loaded it exits; reloaded, its
  // statics were fresh but libsrtp's and NSS's were not, srtp_init() failed, and a media thread
  // started after another had ended (a crash, a restart) fell back to node:crypto or failed.
  // native/srtp is now linked -z nodelete (binding.gyp).
  it('libsrtp2 still works in a thread started after another thread that used it ended', { skip: !nativeSrtpAvailable() && 'addon not loaded' }, () => {
    const module = fileURLToPath(new URL('../../../src/media/srtp/create-transform.js', import.meta.url));
    const inThread = `import(${JSON.stringify(module)}).then((m) => { const t = m.createSrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: Buffer.alloc(30, 1), remoteKey: Buffer.alloc(30, 2) }); const p = Buffer.alloc(172); p[0] = 0x80; t.protect(p); console.log(t.implementation); t.close(); })`;
    // The main thread of this child never loads the addon: only the threads do, one after the other.
    const script = `const { Worker } = require('node:worker_threads');
(async () => { for (let i = 0; i < 3; i++) { const w = new Worker(${JSON.stringify(inThread)}, { eval: true }); await new Promise((r) => w.on('exit', r)); } })();`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.deepEqual(out.trim().split('\n'), ['libsrtp2', 'libsrtp2', 'libsrtp2']);
  });
});
