// SDP offers for the calls we place (RFC 3264 §5) and the answer read back (§6, §7): an audio
// stream offering G.711 µ-law and A-law and telephone-event (RFC 4733), over RTP/AVP, or
// RTP/SAVP with SDES (RFC 4568 §5.1.1): one a=crypto line per suite we take, each with a fresh
// key of our own; the answer accepts exactly one of them by its tag (§7.1.3). The result is the
// NegotiatedMedia the MediaChannel takes, as sdp-answer.ts gives for the calls we answer.
import sdpTransform from 'sdp-transform';
import { isMediaPort, payloadTypes } from './sdp-checks.js';
import { sessionLines } from './sdp-session.js';
import type { NegotiatedMedia } from './media-channel.js';
import { cryptoLines, evaluateCrypto, generateCrypto, parseCryptoLine } from './srtp/sdes.js';
import type { SrtpSuite } from './srtp/suites.js';

export const TELEPHONE_EVENT_PT = 101;

export interface SdpOffer {
  sdp: string;
  secure: boolean;
  /** Our keys by a=crypto tag (RTP/SAVP only). */
  keys: Map<number, { suite: SrtpSuite; key: Buffer }>;
}

export type ReadAnswerResult = { ok: true; media: NegotiatedMedia; secure: boolean } | { ok: false; reason: string };

const SUITES: SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];
const G711: Record<string, 'PCMU' | 'PCMA'> = { pcmu: 'PCMU', pcma: 'PCMA' };

export function buildOffer(local: { address: string; port: number; sessionId: string }, options: { srtp: boolean }): SdpOffer {
  const keys = new Map<number, { suite: SrtpSuite; key: Buffer }>();
  const crypto = options.srtp ? SUITES.map((suite, i) => {
    const g = generateCrypto(i + 1, suite);
    keys.set(i + 1, { suite, key: g.key });
    return g.attribute;
  }) : [];
  const offer: sdpTransform.SessionDescription = {
    ...sessionLines(local),
    media: [{
      type: 'audio',
      port: local.port,
      protocol: options.srtp ? 'RTP/SAVP' : 'RTP/AVP',
      payloads: `0 8 ${TELEPHONE_EVENT_PT}`,
      rtp: [{ payload: 0, codec: 'PCMU', rate: 8000 }, { payload: 8, codec: 'PCMA', rate: 8000 }, { payload: TELEPHONE_EVENT_PT, codec: 'telephone-event', rate: 8000 }],
      fmtp: [{ payload: TELEPHONE_EVENT_PT, config: '0-15' }],
      ptime: 20,
      direction: 'sendrecv',
      ...(crypto.length ? { crypto } : {}),
    }],
  };
  return { sdp: sdpTransform.write(offer), secure: options.srtp, keys };
}

/** Reads the answer to `offer` (§6.1): the codec the answerer chose among ours, its address, and the SRTP keys. */
export function readAnswer(answer: string, offer: SdpOffer): ReadAnswerResult {
  let parsed: sdpTransform.SessionDescription;
  try {
    parsed = sdpTransform.parse(answer);
  } catch {
    return { ok: false, reason: 'the SDP answer cannot be parsed' };
  }
  const media = parsed.media ?? [];
  const audio = media[0];
  // §6: the answer has the same m= lines as the offer; port 0 rejects the stream.
  if (!audio || audio.type !== 'audio') return { ok: false, reason: 'the SDP answer has no audio stream' };
  if (audio.port === 0) return { ok: false, reason: 'the answerer rejected the audio stream (port 0)' };
  if (!isMediaPort(audio.port)) return { ok: false, reason: `the SDP answer's audio port is out of range (${String(audio.port)})` };
  const secure = /SAVP/.test(audio.protocol);
  if (secure !== offer.secure) return { ok: false, reason: `the answer's transport ${audio.protocol} is not the offered ${offer.secure ? 'RTP/SAVP' : 'RTP/AVP'}` };
  const rtpmap = new Map<number, string>((audio.rtp ?? []).map((r) => [r.payload, String(r.codec).toLowerCase()]));
  rtpmap.set(0, rtpmap.get(0) ?? 'pcmu');
  rtpmap.set(8, rtpmap.get(8) ?? 'pcma');
  const payloads = payloadTypes(audio.payloads);
  const pt = payloads.find((p) => G711[rtpmap.get(p) ?? '']);
  if (pt === undefined) return { ok: false, reason: 'the answer has neither PCMU nor PCMA' };
  const te = payloads.find((p) => rtpmap.get(p) === 'telephone-event');
  const address = audio.connection?.ip || parsed.connection?.ip;
  if (!address) return { ok: false, reason: 'the SDP answer has no connection address' };
  let srtp: NegotiatedMedia['srtp'];
  if (secure) {
    // RFC 4568 §7.1.3: the answer carries exactly one a=crypto line, with the tag of the offer's line it accepts.
    const lines = cryptoLines(answer)[0] ?? [];
    if (lines.length !== 1) return { ok: false, reason: 'the SRTP answer must carry exactly one a=crypto line' };
    const attr = parseCryptoLine(lines[0]!);
    const ours = attr ? offer.keys.get(attr.tag) : undefined;
    const verdict = evaluateCrypto(lines[0]!);
    if (!attr || !ours || attr.suite !== ours.suite) return { ok: false, reason: 'the answer\'s a=crypto line matches none we offered' };
    if (!verdict.ok) return { ok: false, reason: `the answer's a=crypto line is not usable: ${verdict.reason}` };
    srtp = { suite: ours.suite, localKey: ours.key, remoteKey: verdict.remoteKey };
  }
  return {
    ok: true,
    secure,
    media: {
      codec: G711[rtpmap.get(pt) ?? ''] ?? 'PCMU',
      payloadType: pt,
      ...(te !== undefined ? { telephoneEvent: te } : {}),
      remote: { address, port: audio.port },
      ...(srtp ? { srtp } : {}),
    },
  };
}
