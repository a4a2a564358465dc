// The raw DER bytes of a certificate's issuer and subject names, read by walking the outer
// structure only (RFC 5280 §4.1: Certificate → tbsCertificate → [version] serial signature issuer
// validity subject). Finding candidate issuers by these bytes avoids decoding every trusted root
// (the public root list has ~140) for each status computed.

interface Tlv {
  /** Offset of the value. */
  start: number;
  /** Offset just past the value. */
  end: number;
  /** Offset of the tag byte. */
  at: number;
}

function tlv(der: Buffer, at: number): Tlv | undefined {
  if (at + 2 > der.length) return undefined;
  let len = der[at + 1] ?? 0;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > der.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? 0);
    start += n;
  }
  const end = start + len;
  return end <= der.length ? { start, end, at } : undefined;
}

/** Hex of the DER issuer and subject Names, or undefined for something that is not a certificate. */
export function rawNames(der: Buffer): { issuer: string; subject: string } | undefined {
  const cert = tlv(der, 0);
  if (!cert || der[0] !== 0x30) return undefined;
  const tbs = tlv(der, cert.start);
  if (!tbs || der[cert.start] !== 0x30) return undefined;
  let p = tbs.start;
  if (der[p] === 0xa0) p = tlv(der, p)?.end ?? -1; // [0] EXPLICIT version
  const fields: Tlv[] = [];
  for (let i = 0; i < 5 && p >= 0 && p < tbs.end; i++) {
    const f = tlv(der, p);
    if (!f) return undefined;
    fields.push(f);
    p = f.end;
  }
  const [, , issuer, , subject] = fields; // serial, signature, issuer, validity, subject
  if (!issuer || !subject) return undefined;
  return { issuer: der.toString('hex', issuer.at, issuer.end), subject: der.toString('hex', subject.at, subject.end) };
}
