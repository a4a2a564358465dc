// Is the media on the wire encrypted? Groups captured UDP datagrams into RTP streams and judges
// each one by what SRTP (RFC 3711) changes and plain RTP cannot hide:
// - length: SRTP appends the authentication tag, so every packet is 12 + payload + tag bytes
//   (tag 10 for AES_CM_128_HMAC_SHA1_80, 4 for _32); plain G.711 at 20 ms is exactly 12 + 160;
// - payload bytes: AES counter mode makes them uniform. Over a whole stream the byte entropy of
//   SRTP payloads is ~7.99 bits and every 160-byte payload holds ~70 distinct values, while plain
//   G.711 of speech with pauses stays far below (digital silence is one repeated byte, 0xFF in
//   u-law, 0xD5 in A-law: our test audio starts with 8 s of it).
// A judge that only looked at lengths could be fooled by padding; one that only looked at
// entropy by loud noise. Both together, on every packet, checked against a plain call as a
// control (the UDP test), are what the Secured test relies on.
import type { Datagram } from './peers/tshark.js';

export interface RtpStream {
  key: string;
  src: string;
  dst: string;
  packets: Datagram[];
}

/**
 * RTP datagrams (version 2, on even ports, touching the server's `range`) grouped by direction:
 * to one server port (from wherever), and from one server port (to wherever: a server may send
 * its first packets to the SDP address before it latches onto where the peer's RTP comes from).
 */
export function rtpStreams(datagrams: Datagram[], range: { min: number; max: number }): RtpStream[] {
  const inRange = (p: number) => p >= range.min && p <= range.max;
  const by = new Map<string, RtpStream>();
  for (const d of datagrams) {
    if (!(inRange(d.sport) || inRange(d.dport))) continue;
    if (d.sport % 2 !== 0 || d.dport % 2 !== 0) continue; // RTCP rides on the odd ports
    if (d.payload.length < 12 || (d.payload[0] ?? 0) >> 6 !== 2) continue;
    const toServer = inRange(d.dport);
    const src = toServer ? 'peer' : `${d.src}:${d.sport}`;
    const dst = toServer ? `${d.dst}:${d.dport}` : 'peer';
    const key = `${src} > ${dst}`;
    const s = by.get(key) ?? { key, src, dst, packets: [] };
    s.packets.push(d);
    by.set(key, s);
  }
  return [...by.values()];
}

export interface WireVerdict {
  packets: number;
  /** UDP payload lengths seen, with counts */
  lengths: Record<number, number>;
  /** inferred tag length (lengths - 12 - payloadBytes) when the same for every packet, else null */
  tagLength: number | null;
  /** Shannon entropy of all payload bytes (after the 12-byte header, before the tag), bits per byte */
  entropyBits: number;
  /** fewest distinct byte values in one packet's payload */
  minDistinct: number;
  /**
   * every packet: SRTP length with a 4 or 10 byte tag and ≥ 40 distinct bytes in its payload; the
   * stream: entropy ≥ 7.9 (judged from 4096 payload bytes on: fewer cannot show 8 bits)
   */
  encrypted: boolean;
  /** what says it is plain (empty when encrypted) */
  plainSigns: string[];
}

export function judgeStream(s: RtpStream, payloadBytes = 160): WireVerdict {
  const lengths: Record<number, number> = {};
  const counts = new Array<number>(256).fill(0);
  let total = 0;
  let minDistinct = Infinity;
  const tags = new Set<number>();
  for (const d of s.packets) {
    const len = d.payload.length;
    lengths[len] = (lengths[len] ?? 0) + 1;
    const tag = len - 12 - payloadBytes;
    tags.add(tag);
    const body = d.payload.subarray(12, 12 + payloadBytes);
    const distinct = new Set(body).size;
    minDistinct = Math.min(minDistinct, distinct);
    for (const b of body) counts[b] = (counts[b] ?? 0) + 1;
    total += body.length;
  }
  let entropyBits = 0;
  for (const c of counts) if (c > 0) entropyBits -= (c / total) * Math.log2(c / total);
  const tagLength = tags.size === 1 ? [...tags][0] ?? null : null;
  const plainSigns = [
    tagLength === 10 || tagLength === 4 ? '' : `packet lengths ${JSON.stringify(lengths)} are not 12 + ${payloadBytes} + a 4 or 10 byte tag`,
    entropyBits >= 7.9 || total < 4096 ? '' : `payload byte entropy ${entropyBits.toFixed(2)} bits < 7.9`,
    minDistinct >= 40 ? '' : `a payload with only ${minDistinct} distinct byte values (plain G.711 silence has 1)`,
  ].filter(Boolean);
  return { packets: s.packets.length, lengths, tagLength, entropyBits, minDistinct: Number.isFinite(minDistinct) ? minDistinct : 0, encrypted: s.packets.length > 0 && plainSigns.length === 0, plainSigns };
}
