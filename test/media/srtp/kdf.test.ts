// The AES-CM primitives against RFC 3711 Appendix B.2 (keystream) and B.3 (key derivation),
// libsrtp's srtp_driver known-answer packets, and werift-rtp's independent key derivation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SrtcpSession, SrtpSession, ProtectionProfileAes128CmHmacSha1_80 } from 'werift-rtp';
import { randomBytes } from 'node:crypto';
import { AesCmCipher, aesCm, deriveSessionKeys, packetIv } from '../../../src/media/srtp/kdf.js';
import { hex, IMPLEMENTATIONS, KEY_A, RFC_MASTER } from './helpers.js';

describe('RFC 3711 Appendix B.2: AES-CM keystream', () => {
  const sessionKey = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
  // The RFC lists blocks 0, 1, 2 and FEFF, FF00, FF01 of a 0xFF02-block (1,044,512-byte) segment.
  const stream = aesCm(sessionKey, iv, Buffer.alloc(0xff02 * 16));
  const block = (n: number) => stream.subarray(n * 16, n * 16 + 16).toString('hex').toUpperCase();
  const expected: Array<[number, string]> = [
    [0x0000, 'E03EAD0935C95E80E166B16DD92B4EB4'],
    [0x0001, 'D23513162B02D0F72A43A2FE4A5F97AB'],
    [0x0002, '41E95B3BB0A2E8DD477901E4FCA894C0'],
    [0xfeff, 'EC8CDF7398607CB0F2D21675EA9EA1E4'],
    [0xff00, '362B7C3C6773516318A077D7FC5073AE'],
    [0xff01, '6A2CC3787889374FBEB4C81B17BA6C44'],
  ];
  for (const [n, value] of expected) {
    it(`counter ${n.toString(16).toUpperCase().padStart(4, '0')}`, () => assert.equal(block(n), value));
  }

  it('the packet-path AesCmCipher gives the same keystream as aes-128-ctr, at any length', () => {
    const c = new AesCmCipher(sessionKey);
    const out = Buffer.alloc(48);
    c.xor(iv, Buffer.alloc(48), out, 0);
    assert.deepEqual(out, stream.subarray(0, 48));
    const key = randomBytes(16);
    const cipher = new AesCmCipher(key);
    for (const length of [0, 1, 15, 16, 17, 160, 1500, 4096, 65535]) {
      const data = randomBytes(length);
      const ivn = packetIv(randomBytes(14), 0xdeadbeef, length * 7919);
      const got = Buffer.alloc(length + 3);
      cipher.xor(ivn, data, got, 3);
      assert.deepEqual(got.subarray(3), aesCm(key, ivn, data), `length ${length}`);
    }
  });

  it('builds the IV of §4.1.1 from salt, SSRC and index', () => {
    const salt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
    assert.equal(packetIv(salt, 0, 0).toString('hex').toUpperCase(), 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    const iv2 = packetIv(Buffer.alloc(14), 0xcafebabe, 0x123456789abc);
    assert.equal(iv2.toString('hex'), '00000000cafebabe123456789abc0000');
  });
});

describe('RFC 3711 Appendix B.3: key derivation', () => {
  it('derives the SRTP cipher key, salt and auth key', () => {
    const k = deriveSessionKeys(RFC_MASTER, 'srtp');
    assert.equal(k.encryptionKey.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
    assert.equal(k.salt.toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
    assert.equal(k.authKey.toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });

  it('agrees with werift-rtp for SRTP and SRTCP labels, on the RFC key and a random one', () => {
    for (const master of [RFC_MASTER, KEY_A]) {
      const keys = { localMasterKey: master.subarray(0, 16), localMasterSalt: master.subarray(16), remoteMasterKey: master.subarray(0, 16), remoteMasterSalt: master.subarray(16) };
      const w = new SrtpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 }).localContext;
      const rtpKeys = deriveSessionKeys(master, 'srtp');
      const rtcpKeys = deriveSessionKeys(master, 'srtcp');
      assert.deepEqual(rtpKeys.encryptionKey, w.srtpSessionKey);
      assert.deepEqual(rtpKeys.salt, w.srtpSessionSalt);
      assert.deepEqual(rtpKeys.authKey, w.srtpSessionAuthTag);
      assert.deepEqual(rtcpKeys.encryptionKey, w.srtcpSessionKey);
      assert.deepEqual(rtcpKeys.salt, w.srtcpSessionSalt);
      assert.deepEqual(rtcpKeys.authKey, w.srtcpSessionAuthTag);
      assert.ok(new SrtcpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 }));
    }
  });

  it('rejects master key material that is not 30 bytes', () => {
    assert.throws(() => deriveSessionKeys(Buffer.alloc(29), 'srtp'), { name: 'SrtpError', code: 'BAD_KEY' });
  });
});

for (const impl of IMPLEMENTATIONS) describe(`${impl.name}: libsrtp srtp_driver known answers (AES_CM_128_HMAC_SHA1_80, RFC 3711 key)`, { skip: impl.skip }, () => {
  const plainRtp = hex('800f1234decafbadcafebabe' + 'ab'.repeat(16));
  const srtp = hex('800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb');
  const plainRtcp = hex('81c8000bcafebabe' + 'ab'.repeat(16));
  const srtcp = hex('81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798');
  const make = () => impl.make({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: RFC_MASTER, remoteKey: RFC_MASTER });

  it('protects the RTP packet byte for byte', () => assert.deepEqual(make().protect(plainRtp), srtp));
  it('unprotects it', () => assert.deepEqual(make().unprotect(srtp), plainRtp));
  it('protects the RTCP packet with SRTCP index 1 (ours starts at 0, §3.4; libsrtp\'s at 1)', () => {
    const t = make();
    if (impl.name !== 'libsrtp2') t.protectRtcp(plainRtcp);
    assert.deepEqual(t.protectRtcp(plainRtcp), srtcp);
  });
  it('unprotects the SRTCP packet', () => assert.deepEqual(make().unprotectRtcp(srtcp), plainRtcp));
  it('rejects every truncation of both', () => {
    const t = make();
    for (let n = 0; n < srtp.length; n++) assert.equal(t.unprotect(srtp.subarray(0, n)), undefined);
    for (let n = 0; n < srtcp.length; n++) assert.equal(t.unprotectRtcp(srtcp.subarray(0, n)), undefined);
  });
});
