// SDP offers (RFC 3264 §5) and reading their answers (§6): answered by our own answerer
// (sdp-answer.ts) and by hand-written answers; SDES keys line up both ways (RFC 4568).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerOffer } from '../../src/media/sdp-answer.js';
import { buildOffer, readAnswer } from '../../src/media/sdp-offer.js';

const local = { address: '127.0.102.30', port: 40000, sessionId: '1' };
const peer = { address: '127.0.102.31', port: 50000, sessionId: '2' };

describe('SDP offer/answer as the offerer', () => {
  it('offers PCMU, PCMA and telephone-event over RTP/AVP and reads the answer', () => {
    const offer = buildOffer(local, { srtp: false });
    assert.match(offer.sdp, /m=audio 40000 RTP\/AVP 0 8 101/);
    assert.match(offer.sdp, /a=rtpmap:101 telephone-event\/8000/);
    assert.doesNotMatch(offer.sdp, /a=crypto/);
    const answer = answerOffer(offer.sdp, peer, { requireSrtp: false });
    assert.ok(answer.ok);
    const r = readAnswer(answer.sdp, offer);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.deepEqual(r.media, { codec: 'PCMU', payloadType: 0, telephoneEvent: 101, remote: { address: peer.address, port: peer.port } });
  });

  it('takes PCMA when the answerer picks it', () => {
    const offer = buildOffer(local, { srtp: false });
    const sdp = `v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\n`;
    const r = readAnswer(sdp, offer);
    assert.ok(r.ok);
    assert.equal(r.media.codec, 'PCMA');
    assert.equal(r.media.telephoneEvent, undefined);
  });

  it('RTP/SAVP: SDES keys of ours, the answer accepts one; both sides hold matching keys', () => {
    const offer = buildOffer(local, { srtp: true });
    assert.match(offer.sdp, /m=audio 40000 RTP\/SAVP/);
    assert.match(offer.sdp, /a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    assert.match(offer.sdp, /a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:/);
    const answer = answerOffer(offer.sdp, peer, { requireSrtp: true });
    assert.ok(answer.ok && answer.srtp);
    const r = readAnswer(answer.sdp, offer);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.media.srtp?.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.deepEqual(r.media.srtp?.localKey, answer.srtp.remoteKey);
    assert.deepEqual(r.media.srtp?.remoteKey, answer.srtp.localKey);
  });

  it('refuses answers it cannot use, with a reason', () => {
    const avp = buildOffer(local, { srtp: false });
    const savp = buildOffer(local, { srtp: true });
    const base = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n';
    const cases: [string, typeof avp, RegExp][] = [
      [`${base}m=audio 0 RTP/AVP 0\r\n`, avp, /port 0/],
      [`${base}m=audio 6000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n`, avp, /neither PCMU nor PCMA/],
      [`${base}m=audio 6000 RTP/SAVP 0\r\n`, avp, /not the offered RTP\/AVP/],
      [`${base}m=audio 6000 RTP/SAVP 0\r\n`, savp, /exactly one a=crypto/],
      [`${base}m=audio 6000 RTP/SAVP 0\r\na=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, 1).toString('base64')}\r\n`, savp, /matches none we offered/],
      ['not sdp', avp, /no audio|cannot be parsed/],
    ];
    for (const [sdp, offer, reason] of cases) {
      const r = readAnswer(sdp, offer);
      assert.equal(r.ok, false, sdp);
      assert.match(r.ok ? '' : r.reason, reason);
    }
  });
});

describe('reading an answer: what npm run fuzz found (test/fixtures/fuzz/sdp)', () => {
  it('refuses an answer port outside 1..65535 or missing', () => {
    const offer = buildOffer(local, { srtp: false });
    for (const m of ['m=audio 65536 RTP/AVP 0', 'm=audio  RTP/AVP 0']) {
      const r = readAnswer(['v=0', 'o=- 1 1 IN IP4 127.0.102.31', 's=-', 'c=IN IP4 127.0.102.31', 't=0 0', m, ''].join('\r\n'), offer);
      assert.equal(r.ok, false, m);
    }
  });
});
