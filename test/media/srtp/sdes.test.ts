// SDES (RFC 4568): parsing offers, choosing one we implement, generating our answer line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sdpTransform from 'sdp-transform';
import { chooseCrypto, cryptoLines, evaluateCrypto, generateCrypto, parseCryptoLine } from '../../../src/media/srtp/sdes.js';
import { SrtpTransform } from '../../../src/media/srtp/srtp-session.js';
import { KEY_A, rtp } from './helpers.js';

const B64 = KEY_A.toString('base64'); // 40 characters
const line = (tag: number, suite: string, extra = '') => `a=crypto:${tag} ${suite} inline:${B64}${extra}`;

describe('SDES parsing (RFC 4568 §9.1)', () => {
  it('splits tag, suite, key params and session params', () => {
    assert.deepEqual(parseCryptoLine(line(3, 'AES_CM_128_HMAC_SHA1_80', '|2^20 WSH=128 FEC_ORDER=FEC_SRTP')), {
      tag: 3, suite: 'AES_CM_128_HMAC_SHA1_80', keyParams: `inline:${B64}|2^20`, sessionParams: ['WSH=128', 'FEC_ORDER=FEC_SRTP'],
    });
    assert.equal(parseCryptoLine(`crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${B64}`)?.tag, 1);
    assert.equal(parseCryptoLine(`1 AES_CM_128_HMAC_SHA1_80 inline:${B64}`)?.tag, 1);
    for (const bad of ['', 'a=crypto:', 'a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:a', 'a=crypto:1234567890 S inline:a', 'a=crypto:1 AES', 'x'.repeat(5000)]) {
      assert.equal(parseCryptoLine(bad), undefined, bad.slice(0, 40));
    }
  });

  it('chooses the first acceptable offer, skipping unknown suites and unusable parameters', () => {
    const offers = [
      line(1, 'AEAD_AES_256_GCM'),
      line(2, 'AES_256_CM_HMAC_SHA1_80'),
      line(3, 'F8_128_HMAC_SHA1_80'),
      line(4, 'AES_CM_128_HMAC_SHA1_80', '|2^20|1:4'), // MKI
      line(5, 'AES_CM_128_HMAC_SHA1_80', ' UNENCRYPTED_SRTP'),
      line(6, 'AES_CM_128_HMAC_SHA1_80', ' KDR=1'),
      `a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:${B64.slice(0, 39)}`, // 29 bytes
      `a=crypto:8 AES_CM_128_HMAC_SHA1_80 inline:${B64}${B64.slice(0, 4)}`, // 33 bytes
      `a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${B64.slice(0, 39)}!`, // not base64
      line(10, 'AES_CM_128_HMAC_SHA1_80', ' FOO=1'),
      `a=crypto:11 AES_CM_128_HMAC_SHA1_80 inline:${B64};inline:${B64}`,
      line(12, 'AES_CM_128_HMAC_SHA1_32', '|2^31 WSH=128 -X-VENDOR=1'),
      line(13, 'AES_CM_128_HMAC_SHA1_80'),
    ];
    const chosen = chooseCrypto(offers);
    assert.deepEqual(chosen, { tag: 12, suite: 'AES_CM_128_HMAC_SHA1_32', remoteKey: KEY_A, windowSizeHint: 128 });
    assert.match((evaluateCrypto(offers[0] ?? '') as { reason: string }).reason, /AEAD_AES_256_GCM is not supported/);
    assert.match((evaluateCrypto(offers[3] ?? '') as { reason: string }).reason, /MKI/);
    assert.match((evaluateCrypto(offers[6] ?? '') as { reason: string }).reason, /30 bytes/);
    assert.equal(chooseCrypto(offers.slice(0, 11)), undefined);
    assert.equal(chooseCrypto([]), undefined);
    assert.equal(chooseCrypto(undefined), undefined);
  });

  it('accepts lifetimes (2^31, 2^48, decimal) and rejects malformed ones', () => {
    for (const ok of ['|2^31', '|2^48', '|1000000']) assert.ok(evaluateCrypto(line(1, 'AES_CM_128_HMAC_SHA1_80', ok)).ok, ok);
    for (const bad of ['|2^49', '|2^x', '|', '|-5']) assert.equal(evaluateCrypto(line(1, 'AES_CM_128_HMAC_SHA1_80', bad)).ok, false, bad);
  });

  it('reads sdp-transform media.crypto entries and raw lines from a whole SDP', () => {
    const sdp = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0',
      'm=audio 4000 RTP/SAVP 0', line(1, 'AEAD_AES_128_GCM'), line(2, 'AES_CM_128_HMAC_SHA1_80', '|2^31'),
      'm=video 0 RTP/SAVP 96', line(1, 'AES_CM_128_HMAC_SHA1_32'), ''].join('\r\n');
    const media = sdpTransform.parse(sdp).media[0];
    assert.deepEqual(chooseCrypto(media?.crypto), { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_80', remoteKey: KEY_A });
    const sections = cryptoLines(sdp);
    assert.equal(sections.length, 2);
    assert.equal(chooseCrypto(sections[0])?.tag, 2);
    assert.equal(chooseCrypto(sections[1])?.suite, 'AES_CM_128_HMAC_SHA1_32');
  });
});

describe('SDES answer', () => {
  it('generates one line with the offer\'s tag and a fresh 30-byte key that parses back', () => {
    const g = generateCrypto(12, 'AES_CM_128_HMAC_SHA1_32');
    assert.equal(g.key.length, 30);
    assert.match(g.line, /^a=crypto:12 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}$/);
    assert.deepEqual(chooseCrypto([g.line]), { tag: 12, suite: 'AES_CM_128_HMAC_SHA1_32', remoteKey: g.key });
    assert.deepEqual(chooseCrypto([g.attribute]), { tag: 12, suite: 'AES_CM_128_HMAC_SHA1_32', remoteKey: g.key });
    assert.notDeepEqual(generateCrypto(12, 'AES_CM_128_HMAC_SHA1_32').key, g.key);
    assert.throws(() => generateCrypto(-1, 'AES_CM_128_HMAC_SHA1_80'), { name: 'SrtpError', code: 'BAD_TAG' });
  });

  it('offer → answer → media: both ends agree', () => {
    const offerer = generateCrypto(1, 'AES_CM_128_HMAC_SHA1_80');
    const chosen = chooseCrypto([offerer.line]) ?? assert.fail('no crypto chosen');
    const answer = generateCrypto(chosen.tag, chosen.suite);
    const um = new SrtpTransform({ suite: chosen.suite, localKey: answer.key, remoteKey: chosen.remoteKey });
    const back = chooseCrypto([answer.line]) ?? assert.fail('answer does not parse');
    const gateway = new SrtpTransform({ suite: back.suite, localKey: offerer.key, remoteKey: back.remoteKey });
    assert.deepEqual(um.unprotect(gateway.protect(rtp(1))), rtp(1));
    assert.deepEqual(gateway.unprotect(um.protect(rtp(2))), rtp(2));
  });
});
