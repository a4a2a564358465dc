// SipMessage → bytes (RFC 3261 §7): long header names (§7.3.3 lets us choose; long forms are the
// safe choice for every peer), CRLF line ends, and a Content-Length that always matches the body
// (§20.14; mandatory on streams, §18.3), replacing any the message carried.
import { canonicalName, headerKey } from './header-names.js';
import type { SipMessage } from './types.js';

// A CR or LF inside a value would end the field early and let text be read as another header;
// the model never holds one from the parser, so a caller put it there: fold it to a space.
const LINE_BREAK = /[\r\n]+/g;

export function serializeMessage(msg: SipMessage): Buffer {
  let head = msg.kind === 'request'
    ? `${msg.method} ${msg.uri} SIP/2.0\r\n`
    : `SIP/2.0 ${msg.status} ${msg.reason}\r\n`;
  for (const h of msg.headers) {
    if (headerKey(h.name) === 'content-length') continue;
    const value = h.value.includes('\r') || h.value.includes('\n') ? h.value.replace(LINE_BREAK, ' ') : h.value;
    head += `${canonicalName(h.name)}: ${value}\r\n`;
  }
  head += `Content-Length: ${msg.body.length}\r\n\r\n`;
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + msg.body.length);
  out.write(head, 0, 'utf8');
  msg.body.copy(out, headLength);
  return out;
}
