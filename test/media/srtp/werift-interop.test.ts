// Interop with an independent SRTP implementation already installed: werift-rtp 0.8.9
// (AES_CM_128_HMAC_SHA1_80 only; it has no _32). Its packets must pass our unprotect and ours
// must pass its decrypt, for SRTP and SRTCP, with either of our implementations (helpers.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtcpSession, SrtpSession } from 'werift-rtp';
import { IMPLEMENTATIONS, KEY_A, KEY_B, rtcp, rtp, type Implementation } from './helpers.js';

const keys = (local: Buffer, remote: Buffer) => ({
  localMasterKey: local.subarray(0, 16), localMasterSalt: local.subarray(16, 30),
  remoteMasterKey: remote.subarray(0, 16), remoteMasterSalt: remote.subarray(16, 30),
});
const profile = ProtectionProfileAes128CmHmacSha1_80;

for (const impl of IMPLEMENTATIONS) describe(`${impl.name}: interop with werift-rtp (AES_CM_128_HMAC_SHA1_80)`, { skip: impl.skip }, () => interop(impl));

function interop(impl: Implementation): void {
  it('werift → us: SRTP across a sequence-number wrap', () => {
    const werift = new SrtpSession({ keys: keys(KEY_A, KEY_B), profile });
    const ours = impl.make({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: KEY_B, remoteKey: KEY_A });
    for (let i = 0; i < 200; i++) {
      const seq = (65480 + i) & 0xffff;
      const plain = rtp(seq);
      const header = new RtpHeader({ payloadType: 0, sequenceNumber: seq, timestamp: (seq * 160) >>> 0, ssrc: 0x11223344 });
      const sealed = werift.encrypt(plain.subarray(12), header);
      assert.deepEqual(ours.unprotect(sealed), plain, `seq ${seq}`);
    }
  });

  it('us → werift: SRTP across a sequence-number wrap', () => {
    const werift = new SrtpSession({ keys: keys(KEY_A, KEY_B), profile });
    const ours = impl.make({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: KEY_B, remoteKey: KEY_A });
    for (let i = 0; i < 200; i++) {
      const plain = rtp((65480 + i) & 0xffff);
      assert.deepEqual(werift.decrypt(ours.protect(plain)), plain);
    }
  });

  it('SRTCP both ways', () => {
    const werift = new SrtcpSession({ keys: keys(KEY_A, KEY_B), profile });
    const ours = impl.make({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: KEY_B, remoteKey: KEY_A });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(ours.unprotectRtcp(werift.encrypt(rtcp(0xabcdef01, 4 * i))), rtcp(0xabcdef01, 4 * i));
      assert.deepEqual(werift.decrypt(ours.protectRtcp(rtcp(0x01020304, 4 * i))), rtcp(0x01020304, 4 * i));
    }
  });
}
