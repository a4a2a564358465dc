// The native addons are optional on a user's machine (the JS path runs without them), but CI
// installs what they need (.ci/run: a C compiler, libsrtp2-dev, pkg-config), so there a missing
// addon is a broken build, not a skipped test: the native cases of the media and SRTP tests would
// otherwise be skipped silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNative } from '../../../src/media/native/load-native.js';
import { loadUdpRecvAddon } from '../../../src/media/native/udp.js';
import { SRTP_ADDON } from '../../../src/media/srtp/native-binding.js';
import { SRTP_CRYPTO_ADDON } from '../../../src/media/srtp/native-crypto.js';

const required = process.env.CI === 'true' && process.env.OPENUM_NATIVE !== '0';

test('in CI the three native addons are built and load (native/udp, native/srtp, native/srtpcrypto)', { skip: required ? false : 'only required in CI (CI=true); elsewhere the JS path may run' }, () => {
  const udp = loadNative('udp');
  const srtp = loadNative(SRTP_ADDON.dir, SRTP_ADDON.target);
  assert.ok(udp.addon, `native/udp: ${udp.why} (see native/udp/build.log)`);
  const recv = loadUdpRecvAddon({});
  assert.ok(recv.addon, `native/udp's batched receive: ${recv.why}`);
  assert.ok(srtp.addon, `native/srtp: ${srtp.why} (see native/srtp/build.log)`);
  const crypto = loadNative(SRTP_CRYPTO_ADDON.dir, SRTP_CRYPTO_ADDON.target);
  assert.ok(crypto.addon, `native/srtpcrypto: ${crypto.why} (see native/srtpcrypto/build.log)`);
});
