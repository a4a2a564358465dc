// Start lines (RFC 3261 §7.1, §7.2):
//   Request-Line = Method SP Request-URI SP SIP-Version CRLF
//   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
// SIP-Version is case-insensitive (§7.1); we speak only SIP/2.0 and answer others with 505
// (§8.2.2, §21.5.7).
import { SipParseError, badRequest } from './errors.js';
import { isToken } from './grammar.js';
import { parseUri } from './uri.js';

export type StartLine =
  | { kind: 'request'; method: string; uri: string }
  | { kind: 'response'; status: number; reason: string };

const VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;
// The reason phrase may be empty, and some peers leave out the SP before it.
const STATUS_LINE = /^(SIP\/[0-9]+\.[0-9]+) ([0-9]{3})(?: (.*))?$/i;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*:/;

function checkVersion(version: string, what: string): void {
  if (!VERSION.test(version)) throw badRequest(`Malformed ${what}`);
  if (version.toUpperCase() !== 'SIP/2.0') throw new SipParseError(505, 'Version Not Supported');
}

export function parseStartLine(line: string): StartLine {
  if (line.slice(0, 4).toUpperCase() === 'SIP/') {
    const m = STATUS_LINE.exec(line);
    if (!m) throw badRequest('Malformed Status-Line');
    checkVersion(m[1] as string, 'Status-Line');
    const status = Number(m[2]);
    if (status < 100 || status > 699) throw badRequest('Malformed Status-Line');
    return { kind: 'response', status, reason: m[3] ?? '' };
  }
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) throw badRequest('Malformed Request-Line');
  const method = line.slice(0, sp1);
  const uri = line.slice(sp1 + 1, sp2);
  if (!isToken(method)) throw badRequest('Malformed Request-Line');
  checkVersion(line.slice(sp2 + 1), 'Request-Line');
  // §7.1: single SP separators, so a space or tab inside the Request-URI is malformed.
  if (!URI_SCHEME.test(uri) || /[ \t]/.test(uri)) throw badRequest('Malformed Request-URI');
  parseUri(uri, 'Request-URI'); // 416 for other schemes (§8.2.2.1), 400 for a malformed URI
  return { kind: 'request', method, uri };
}
