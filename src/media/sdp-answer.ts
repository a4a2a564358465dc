// SDP offer/answer for an audio call (RFC 3264 §6): pick G.711 µ-law or A-law from the offer (in
// the offer's order of preference), keep telephone-event (RFC 4733) when offered, answer on our
// RTP port. An RTP/SAVP offer is answered with SDES (RFC 4568 §6.1): the first acceptable
// a=crypto line, answered with exactly one line of the same tag and suite and our own key.
// No common codec or crypto suite → the caller answers 488.
import sdpTransform from 'sdp-transform';
import { isMediaPort, payloadTypes } from './sdp-checks.js';
import { sessionLines } from './sdp-session.js';
import { chooseCrypto, cryptoLines, generateCrypto } from './srtp/sdes.js';
import type { SrtpSuite } from './srtp/suites.js';

export interface AnswerResult {
  ok: true;
  sdp: string;
  codec: 'PCMU' | 'PCMA';
  payloadType: number;
  telephoneEvent?: number;
  remote: { address: string; port: number };
  secure: boolean;
  /** With RTP/SAVP: the suite and the two master keys (ours protects, theirs unprotects). */
  srtp?: { suite: SrtpSuite; localKey: Buffer; remoteKey: Buffer };
}

export interface AnswerRefusal {
  ok: false;
  reason: string;
}

const G711: Record<string, 'PCMU' | 'PCMA'> = { pcmu: 'PCMU', pcma: 'PCMA' };

export function answerOffer(offer: string, local: { address: string; port: number; sessionId: string }, options: { requireSrtp: boolean }): AnswerResult | AnswerRefusal {
  let parsed: sdpTransform.SessionDescription;
  try {
    parsed = sdpTransform.parse(offer);
  } catch {
    return { ok: false, reason: 'the SDP offer cannot be parsed' };
  }
  const audio = (parsed.media ?? []).find((m) => m.type === 'audio' && m.port !== 0);
  if (!audio) return { ok: false, reason: 'the SDP offer has no audio stream' };
  // RFC 4566 §5.14: the port is 1..65535 (0 rejects the stream, above); anything else is not a port.
  if (!isMediaPort(audio.port)) {
    return { ok: false, reason: `the SDP offer's audio port is out of range (${String(audio.port)})` };
  }
  // §5.7: a c= line in each media description or one at session level; without it there is
  // nowhere to send the audio.
  if (!audio.connection?.ip && !parsed.connection?.ip) {
    return { ok: false, reason: 'the SDP offer has no connection address (c=) for the audio stream, at media or session level' };
  }
  const secure = /SAVP/.test(audio.protocol);
  if (options.requireSrtp && !secure) return { ok: false, reason: 'the dial plan is Secured and requires SRTP (RTP/SAVP)' };
  let srtp: AnswerResult['srtp'];
  let cryptoAnswer: { id: number; suite: string; config: string } | undefined;
  if (secure) {
    const index = (parsed.media ?? []).indexOf(audio);
    const chosen = chooseCrypto(cryptoLines(offer)[index] ?? []);
    if (!chosen) return { ok: false, reason: 'no a=crypto line offers a supported SRTP suite (AES_CM_128_HMAC_SHA1_80 or _32)' };
    const mine = generateCrypto(chosen.tag, chosen.suite);
    srtp = { suite: chosen.suite, localKey: mine.key, remoteKey: chosen.remoteKey };
    cryptoAnswer = mine.attribute;
  }
  const rtpmap = new Map<number, string>((audio.rtp ?? []).map((r) => [r.payload, String(r.codec).toLowerCase()]));
  // Static payload types 0 and 8 need no rtpmap (RFC 3551).
  rtpmap.set(0, rtpmap.get(0) ?? 'pcmu');
  rtpmap.set(8, rtpmap.get(8) ?? 'pcma');
  const offered = payloadTypes(audio.payloads);
  const pt = offered.find((p) => G711[rtpmap.get(p) ?? '']);
  if (pt === undefined) return { ok: false, reason: 'no codec in common: the server takes G.711 µ-law (PCMU) or A-law (PCMA)' };
  const te = offered.find((p) => rtpmap.get(p) === 'telephone-event');
  // An empty c= address at media level (c=IN IP4 with nothing after it) falls back to the session's.
  const remoteAddr = audio.connection?.ip || parsed.connection?.ip || '';
  const codec = G711[rtpmap.get(pt) ?? ''] ?? 'PCMU';
  const answer: sdpTransform.SessionDescription = {
    ...sessionLines(local),
    media: [{
      type: 'audio',
      port: local.port,
      protocol: audio.protocol,
      payloads: te !== undefined ? `${pt} ${te}` : String(pt),
      rtp: [{ payload: pt, codec, rate: 8000 }, ...(te !== undefined ? [{ payload: te, codec: 'telephone-event', rate: 8000 }] : [])],
      fmtp: te !== undefined ? [{ payload: te, config: '0-15' }] : [],
      ptime: 20,
      direction: 'sendrecv',
      ...(cryptoAnswer ? { crypto: [cryptoAnswer] } : {}),
    }],
  };
  return { ok: true, sdp: sdpTransform.write(answer), codec, payloadType: pt, telephoneEvent: te, remote: { address: remoteAddr, port: audio.port }, secure, srtp };
}
