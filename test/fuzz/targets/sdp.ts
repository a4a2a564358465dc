// SDP offer/answer (src/media/sdp-answer.ts, sdp-offer.ts, srtp/sdes.ts) on grammar-built and
// mutated session descriptions. answerOffer and readAnswer refuse with a reason and never throw;
// a crash is an exception, or an accepted offer/answer whose result the media path cannot use:
// a payload type outside RTP's 7 bits (RFC 3550 §5.1), a port outside 1..65535, no address, an
// SRTP key that SrtpTransform refuses, or an answer we wrote that sdp-transform cannot read back.
import fc from 'fast-check';
import sdpTransform from 'sdp-transform';
import { answerOffer } from '../../../src/media/sdp-answer.js';
import { buildOffer, readAnswer, type SdpOffer } from '../../../src/media/sdp-offer.js';
import { SrtpTransform } from '../../../src/media/srtp/srtp-session.js';
import { cryptoLines, evaluateCrypto } from '../../../src/media/srtp/sdes.js';
import { sdpCorpus } from '../corpus.js';
import { mutated } from '../mutate.js';
import { check, type FuzzTarget } from '../target.js';

const KEY = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const LOCAL = { address: '127.0.134.1', port: 40000, sessionId: '1' };
const OFFERS: SdpOffer[] = [buildOffer(LOCAL, { srtp: false }), buildOffer(LOCAL, { srtp: true })];

const addr = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain(), fc.constantFrom('0.0.0.0', '::', '', '999.1.1.1'));
const pt = fc.oneof(fc.constantFrom(0, 8, 18, 96, 101, 127), fc.integer({ min: 0, max: 300 }));
const cryptoLine = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 9 }).map(String), fc.constantFrom('1234567890', '-1', 'x')),
  fc.constantFrom('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'F8_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM'),
  fc.oneof(fc.constant(`inline:${KEY}`), fc.constantFrom(`inline:${KEY}|2^20|1:32`, `inline:${KEY}|2^31`, `inline:${KEY}|2^99`, `inline:${KEY.slice(1)}`, 'inline:', `INLINE:${KEY};inline:${KEY}`)),
  fc.array(fc.constantFrom('WSH=128', 'WSH=1', 'KDR=1', 'UNENCRYPTED_SRTP', 'FEC_ORDER=FEC_SRTP', '-X', 'FOO'), { maxLength: 2 }),
).map(([tag, suite, key, params]) => `a=crypto:${tag} ${suite} ${key}${params.length ? ` ${params.join(' ')}` : ''}`);

const media = fc.record({
  type: fc.oneof({ weight: 5, arbitrary: fc.constant('audio') }, { weight: 1, arbitrary: fc.constantFrom('video', 'application', 'AUDIO') }),
  port: fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 65536, 99999999)),
  proto: fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVP', 'udp'),
  pts: fc.array(pt, { minLength: 0, maxLength: 5 }),
  rtpmap: fc.array(fc.tuple(pt, fc.constantFrom('PCMU', 'PCMA', 'pcmu', 'telephone-event', 'opus', 'G729'), fc.constantFrom(8000, 16000, 48000)), { maxLength: 4 }),
  conn: fc.option(addr, { nil: undefined }),
  crypto: fc.array(cryptoLine, { maxLength: 3 }),
  extra: fc.array(fc.constantFrom('a=sendrecv', 'a=ptime:20', 'a=fmtp:101 0-15', 'a=rtcp:9', 'b=AS:64', 'a=inactive', 'a=rtcp-mux'), { maxLength: 3 }),
}).map((m) => [
  `m=${m.type} ${m.port} ${m.proto}${m.pts.map((p) => ` ${p}`).join('')}`,
  ...(m.conn === undefined ? [] : [`c=IN ${m.conn.includes(':') ? 'IP6' : 'IP4'} ${m.conn}`]),
  ...m.rtpmap.map(([p, c, r]) => `a=rtpmap:${p} ${c}/${r}`),
  ...m.crypto, ...m.extra,
].join('\r\n'));

const sdp = fc.record({
  conn: fc.option(addr, { nil: undefined }),
  media: fc.array(media, { minLength: 0, maxLength: 3 }),
  eol: fc.constantFrom('\r\n', '\n', '\r'),
}).map((s) => [
  'v=0', 'o=- 1 1 IN IP4 10.0.0.5', 's=-', ...(s.conn === undefined ? [] : [`c=IN IP4 ${s.conn}`]), 't=0 0', ...s.media, '',
].join('\r\n').replaceAll('\r\n', s.eol));

const seeds = (): Buffer[] => [...sdpCorpus(), ...OFFERS.map((o) => Buffer.from(o.sdp))];
const rtpPt = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n >= 0 && n <= 127);

export const sdpTarget: FuzzTarget<string> = {
  name: 'sdp',
  describe: 'answerOffer, readAnswer and the a=crypto parser on grammar-built and mutated SDP',
  weight: 15,
  hangMs: 1000,
  ext: 'bin',
  arbitrary: () => fc.oneof(sdp, mutated(seeds(), { text: true, maxBytes: 8000 }).map((b) => b.toString('latin1'))),
  run: (text) => {
    for (const requireSrtp of [false, true]) {
      const a = answerOffer(text, LOCAL, { requireSrtp });
      if (!a.ok) continue;
      check(rtpPt(a.payloadType) && rtpPt(a.telephoneEvent), () => `answer uses payload types ${a.payloadType}/${a.telephoneEvent}`);
      check(a.remote.port >= 1 && a.remote.port <= 65535 && a.remote.address !== '', 'answer without a usable remote address');
      if (a.srtp) new SrtpTransform({ suite: a.srtp.suite, localKey: a.srtp.localKey, remoteKey: a.srtp.remoteKey });
      const back = sdpTransform.parse(a.sdp);
      check(back.media?.[0]?.port === LOCAL.port, 'our answer does not read back');
    }
    for (const offer of OFFERS) {
      const r = readAnswer(text, offer);
      if (!r.ok) continue;
      check(rtpPt(r.media.payloadType) && rtpPt(r.media.telephoneEvent), () => `answer read with payload types ${r.media.payloadType}/${r.media.telephoneEvent}`);
      check(r.media.remote.port >= 1 && r.media.remote.port <= 65535, () => `answer read with port ${r.media.remote.port}`);
      if (r.media.srtp) new SrtpTransform({ suite: r.media.srtp.suite, localKey: r.media.srtp.localKey, remoteKey: r.media.srtp.remoteKey });
    }
    for (const section of cryptoLines(text)) for (const line of section) evaluateCrypto(line);
  },
  encode: (s) => Buffer.from(s, 'latin1'),
  decode: (b) => b.toString('latin1'),
};
