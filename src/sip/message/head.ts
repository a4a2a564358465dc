// The head of a message: start line and header fields, read line by line with the limits of
// STYLE.md "Untrusted bytes". RFC 3261 §7.3.1: a line starting with SP or HTAB continues the
// previous field and the fold is equivalent to one SP. Lines end in CRLF; a bare LF is accepted
// too (robustness: many peers and test tools send it).
import { SipParseError, badRequest } from './errors.js';
import { canonicalName } from './header-names.js';
import { isToken } from './grammar.js';
import type { HeaderField, ParseLimits } from './types.js';

// CTLs other than HTAB may not appear in a header line (§25.1 TEXT-UTF8char, LWS), except escaped
// in a quoted string: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F), which RFC 4475 §3.1.1.2
// sends (BEL, NUL and DEL in a display name) as a valid message. CR and LF are checked apart: the
// text is split on LF, and a CR may only end a line.
const CONTROL = /(?<!\\)[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/; // eslint-disable-line no-control-regex

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

/** Start of the blank line that ends the head, searching after the LF at `nl`; -1 if none. */
function findBlankLine(data: Buffer, nl: number): number {
  while (nl >= 0) {
    const next = data[nl + 1];
    if (next === 0x0a || (next === 0x0d && data[nl + 2] === 0x0a)) return nl + 1;
    nl = data.indexOf(0x0a, nl + 1);
  }
  return -1;
}

function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Longer than max bytes once UTF-8 encoded (characters are 1 to 3 bytes here). */
function tooLong(line: string, max: number): boolean {
  return line.length > max || (line.length * 3 > max && Buffer.byteLength(line) > max);
}

/**
 * Reads start line and headers from `pos` (just after any leading CRLF). The head is found with
 * native byte searches and decoded once; lines are then split in the string.
 */
export function readHead(data: Buffer, pos: number, limits: ParseLimits): Head {
  const firstNl = data.indexOf(0x0a, pos);
  if (firstNl < 0) throw badRequest('Truncated start line');
  const firstEnd = firstNl > pos && data[firstNl - 1] === 0x0d ? firstNl - 1 : firstNl;
  if (firstEnd - pos > limits.maxLineBytes) {
    const isResponse = data.toString('latin1', pos, pos + 4).toUpperCase() === 'SIP/';
    throw isResponse ? badRequest('Status-Line too long') : new SipParseError(414, 'Request-URI Too Long');
  }
  const blank = findBlankLine(data, firstNl);
  if (blank < 0) throw badRequest('Header section not terminated');
  const bodyStart = data[blank] === 0x0a ? blank + 1 : blank + 2;
  const text = data.toString('utf8', pos, blank);
  const bad = CONTROL.exec(text);
  if (bad) throw badRequest(bad.index < firstNl - pos ? 'Control character in start line' : 'Control character in header');

  const lines = text.split('\n');
  const startLine = stripCr(lines[0] as string);
  if (startLine.includes('\r')) throw badRequest('Control character in start line');
  const headers: HeaderField[] = [];
  let last: HeaderField | undefined;
  // The text ends with LF, so the last element is empty.
  for (let i = 1; i < lines.length - 1; i++) {
    const line = stripCr(lines[i] as string);
    if (tooLong(line, limits.maxLineBytes)) throw badRequest('Header line too long');
    if (line.includes('\r')) throw badRequest('Control character in header');
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
  // A field unfolded (§7.3.1) or written with its long name (a compact "v:" becomes "Via:") is
  // still one line, bounded like the lines read: every field accepted serializes to a line that
  // would be accepted, so a response copying it (§8.2.6.2) is not refused (found by npm run fuzz).
  for (const h of headers) {
    if (tooLong(h.value, limits.maxLineBytes - h.name.length - 2)) throw badRequest('Header line too long');
  }
  return { startLine, headers, bodyStart };
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}
