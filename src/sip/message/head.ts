// The head of a message: start line and header fields, read line by line with the limits of
// STYLE.md "Untrusted bytes". RFC 3261 §7.3.1: a line starting with SP or HTAB continues the
// previous field and the fold is equivalent to one SP. Lines end in CRLF; a bare LF is accepted
// too (robustness: many peers and test tools send it).
import { SipParseError, badRequest } from './errors.js';
import { canonicalName } from './header-names.js';
import { isToken } from './grammar.js';
import type { HeaderField, ParseLimits } from './types.js';

// CTLs other than HTAB may not appear in a header line (§25.1 TEXT-UTF8char, LWS); a lone CR
// inside a line is one of them.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/; // eslint-disable-line no-control-regex

export interface Head {
  startLine: string;
  headers: HeaderField[];
  /** Offset of the first body byte in the buffer. */
  bodyStart: number;
}

/** Index of the first byte after leading CR/LF (§7.5: ignored before the start line). */
export function skipLeadingCrlf(data: Buffer, pos = 0): number {
  while (pos < data.length && (data[pos] === 0x0d || data[pos] === 0x0a)) pos++;
  return pos;
}

function lineEndOf(data: Buffer, from: number, nl: number): number {
  return nl > from && data[nl - 1] === 0x0d ? nl - 1 : nl;
}

function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Reads start line and headers from `pos` (just after any leading CRLF). */
export function readHead(data: Buffer, pos: number, limits: ParseLimits): Head {
  let nl = data.indexOf(0x0a, pos);
  if (nl < 0) throw badRequest('Truncated start line');
  let end = lineEndOf(data, pos, nl);
  if (end - pos > limits.maxLineBytes) {
    const isResponse = data.subarray(pos, pos + 4).toString('latin1').toUpperCase() === 'SIP/';
    throw isResponse ? badRequest('Status-Line too long') : new SipParseError(414, 'Request-URI Too Long');
  }
  const startLine = data.toString('utf8', pos, end);
  if (CONTROL.test(startLine)) throw badRequest('Control character in start line');
  pos = nl + 1;

  const headers: HeaderField[] = [];
  let last: HeaderField | undefined;
  for (;;) {
    nl = data.indexOf(0x0a, pos);
    if (nl < 0) throw badRequest('Header section not terminated');
    end = lineEndOf(data, pos, nl);
    if (end === pos) return { startLine, headers, bodyStart: nl + 1 };
    if (end - pos > limits.maxLineBytes) throw badRequest('Header line too long');
    const line = data.toString('utf8', pos, end);
    pos = nl + 1;
    if (CONTROL.test(line)) throw badRequest('Control character in header');
    const c = line.charCodeAt(0);
    if (c === 0x20 || c === 0x09) {
      if (!last) throw badRequest('Malformed header line');
      const more = trimWs(line);
      last.value = last.value ? (more ? `${last.value} ${more}` : last.value) : more;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? trimWs(line.slice(0, colon)) : '';
    if (!isToken(name)) throw badRequest('Malformed header line');
    if (headers.length >= limits.maxHeaders) throw badRequest('Too many header fields');
    last = { name: canonicalName(name), value: trimWs(line.slice(colon + 1)) };
    headers.push(last);
  }
}
