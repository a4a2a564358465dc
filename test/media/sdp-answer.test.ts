// SDP offer/answer for the worker (RFC 3264): codec choice, telephone-event, 488 reasons, and SDES
// (RFC 4568) for RTP/SAVP offers — one a=crypto line answered, and keys that make SRTP work.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { answerOffer } from '../../src/media/sdp-answer.js';
import { SrtpTransform } from '../../src/media/srtp/srtp-session.js';
import { RtpPacket } from '../../src/media/rtp/rtp-packet.js';

const local = { address: '127.0.0.1', port: 20000, sessionId: '1' };
const offer = (protocol: string, payloads: string, extra: string[] = []) => [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.9', 's=-', 'c=IN IP4 127.0.0.9', 't=0 0',
  `m=audio 40000 ${protocol} ${payloads}`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', ...extra, '',
].join('\r\n');
const key = () => randomBytes(30);
const line = (tag: number, suite: string, k: Buffer) => `a=crypto:${tag} ${suite} inline:${k.toString('base64')}`;

describe('SDP answer', () => {
  it('picks the offer’s first G.711 codec, keeps telephone-event, answers on our port', () => {
    const a = answerOffer(offer('RTP/AVP', '8 0 101'), local, { requireSrtp: false });
    assert.ok(a.ok);
    assert.equal(a.codec, 'PCMA');
    assert.equal(a.telephoneEvent, 101);
    assert.deepEqual(a.remote, { address: '127.0.0.9', port: 40000 });
    assert.match(a.sdp, /m=audio 20000 RTP\/AVP 8 101/);
    assert.match(a.sdp, /a=fmtp:101 0-15/);
  });

  it('refuses with a reason: no common codec; a Secured plan offered plain RTP', () => {
    const none = answerOffer(offer('RTP/AVP', '18'), local, { requireSrtp: false });
    assert.ok(!none.ok && /no codec in common/.test(none.reason));
    const plain = answerOffer(offer('RTP/AVP', '0'), local, { requireSrtp: true });
    assert.ok(!plain.ok && /requires SRTP/.test(plain.reason));
  });

  it('answers RTP/SAVP with exactly one a=crypto line: the first supported suite, same tag', () => {
    const theirs = key();
    const a = answerOffer(offer('RTP/SAVP', '0 101', [
      line(1, 'AEAD_AES_256_GCM', randomBytes(44)),
      line(2, 'AES_CM_128_HMAC_SHA1_32', theirs),
      line(3, 'AES_CM_128_HMAC_SHA1_80', key()),
    ]), local, { requireSrtp: true });
    assert.ok(a.ok, !a.ok ? a.reason : '');
    assert.match(a.sdp, /m=audio 20000 RTP\/SAVP 0 101/);
    const cryptos = a.sdp.split('\r\n').filter((l) => l.startsWith('a=crypto:'));
    assert.equal(cryptos.length, 1);
    assert.match(cryptos[0] ?? '', /^a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}$/);
    assert.ok(a.srtp?.remoteKey.equals(theirs));

    // The offerer protects with its key; we unprotect with it, and the other way round.
    const offerer = new SrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_32', localKey: theirs, remoteKey: a.srtp?.localKey ?? Buffer.alloc(30) });
    const us = new SrtpTransform({ suite: 'AES_CM_128_HMAC_SHA1_32', localKey: a.srtp?.localKey ?? Buffer.alloc(30), remoteKey: theirs });
    const packet = new RtpPacket({ payloadType: 0, sequenceNumber: 7, timestamp: 160, ssrc: 42, payload: Buffer.alloc(160, 0xff) }).serialize();
    assert.deepEqual(us.unprotect(offerer.protect(packet)), packet);
    assert.deepEqual(offerer.unprotect(us.protect(packet)), packet);
  });

  it('refuses RTP/SAVP whose a=crypto lines offer no supported suite', () => {
    const a = answerOffer(offer('RTP/SAVP', '0', [line(1, 'AES_256_CM_HMAC_SHA1_80', randomBytes(46))]), local, { requireSrtp: true });
    assert.ok(!a.ok && /no a=crypto line offers a supported SRTP suite/.test(a.reason));
  });
});

describe('SDP answer: what npm run fuzz found (test/fixtures/fuzz/sdp)', () => {
  const sdp = (lines: string[]) => ['v=0', 'o=- 1 1 IN IP4 127.0.0.9', 's=-', ...lines, ''].join('\r\n');

  it('an rtpmap whose codec name is a number is no codec, not an exception', () => {
    const a = answerOffer(sdp(['c=IN IP4 127.0.0.9', 't=0 0', 'm=audio 40000 RTP/AVP 0 101', 'a=rtpmap:101 1/8000']), local, { requireSrtp: false });
    assert.ok(a.ok);
    assert.equal(a.payloadType, 0);
    assert.equal(a.telephoneEvent, undefined);
  });

  it('takes no payload type above 127 (RTP has 7 bits), even mapped to PCMA', () => {
    const a = answerOffer(sdp(['c=IN IP4 127.0.0.9', 't=0 0', 'm=audio 40000 RTP/AVP 263 8', 'a=rtpmap:263 PCMA/8000']), local, { requireSrtp: false });
    assert.ok(a.ok);
    assert.equal(a.payloadType, 8);
    const only = answerOffer(sdp(['c=IN IP4 127.0.0.9', 't=0 0', 'm=audio 40000 RTP/AVP 263', 'a=rtpmap:263 PCMA/8000']), local, { requireSrtp: false });
    assert.equal(only.ok, false);
  });

  it('an empty c= address at media level falls back to the session one', () => {
    const a = answerOffer(sdp(['c=IN IP4 127.0.0.9', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'c=IN IP4 ']), local, { requireSrtp: false });
    assert.ok(a.ok);
    assert.deepEqual(a.remote, { address: '127.0.0.9', port: 40000 });
  });
});
