// PEM is only made at the edges (files, CLI output); everything inside pki/ is DER.
// RFC 7468 §2: base64 of the DER in lines of exactly 64 characters (the last may be shorter),
// between "-----BEGIN <label>-----" and "-----END <label>-----" lines.

/** Wraps DER in PEM armour, e.g. toPem('CERTIFICATE REQUEST', der). Ends with a newline. */
export function toPem(label: string, der: Buffer | Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** One armoured block found in PEM text. */
export interface PemBlock {
  /** The label between "BEGIN " and the dashes, e.g. "CERTIFICATE" or "ENCRYPTED PRIVATE KEY". */
  label: string;
  /** The decoded body, without any RFC 1421 headers. */
  der: Buffer;
  /** RFC 1421 headers such as Proc-Type and DEK-Info (legacy OpenSSL encrypted keys); empty when none. */
  headers: Record<string, string>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Every PEM block in `text`, in order. RFC 7468 §2 says parsers should ignore text between blocks
 * (explanatory text, `openssl x509 -text` output, "Bag Attributes") and tolerate CRLF and other
 * whitespace, so both are allowed. A block whose END label differs from its BEGIN label, or whose
 * body is not base64, is skipped: it is not a PEM block.
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, label = '', rawBody = '', endLabel] = m;
    if (label !== endLabel) continue;
    const headers: Record<string, string> = {};
    const bodyLines: string[] = [];
    for (const line of rawBody.split(/\r?\n|\r/)) {
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
      if (header && bodyLines.length === 0) headers[header[1] ?? ''] = header[2] ?? '';
      else if (line.trim() !== '' || bodyLines.length > 0) bodyLines.push(line);
    }
    const b64 = bodyLines.join('').replace(/\s+/g, '');
    if (b64.length === 0 || !BASE64_BODY.test(b64)) continue;
    blocks.push({ label, der: Buffer.from(b64, 'base64'), headers });
  }
  return blocks;
}
