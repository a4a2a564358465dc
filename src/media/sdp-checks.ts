// Checks the offer and the answer paths share on an m= line read by sdp-transform, which keeps
// whatever digits it finds: payload types and ports are range-checked here, before the media path
// sees them (found by npm run fuzz: an rtpmap of 263 chosen as the codec, a port of 65536).

/** RFC 3550 §5.1: the payload type is 7 bits. */
export function isRtpPayloadType(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 127;
}

/** The m= line's format list as RTP payload types, in order; anything else is left out. */
export function payloadTypes(payloads: unknown): number[] {
  return String(payloads ?? '').split(/\s+/).filter((p) => /^\d{1,3}$/.test(p)).map(Number).filter(isRtpPayloadType);
}

/** RFC 4566 §5.14: a media port is 1..65535 (0 rejects the stream). */
export function isMediaPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}
