// Lexical helpers shared by the header parsers (RFC 3261 §25.1 basic rules). Header values reach
// these helpers already unfolded (parse.ts), so linear white space is only SP and HTAB here.
import type { SipParseError } from './errors.js';

const TOKEN_CHARS = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
// gen-value (§25.1: token / host / quoted-string), read leniently: anything up to a delimiter.
const GEN_VALUE_END = new Set([0x20, 0x09, 0x3b, 0x2c, 0x22, 0x3c, 0x3e]); // SP HTAB ; , " < >

export function isToken(s: string): boolean {
  return TOKEN_CHARS.test(s);
}

export function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

export function skipWs(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 0x20 || c === 0x09; c = s.charCodeAt(++i));
  return i;
}

// token chars by code (§25.1), for scanning without a regular expression per character.
const TOKEN_TABLE = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~") TOKEN_TABLE[c.charCodeAt(0)] = 1;

export function isTokenCode(code: number): boolean {
  return code < 128 && TOKEN_TABLE[code] === 1;
}

/** End index of the token starting at i (i itself when there is none). */
export function readToken(s: string, i: number): number {
  while (i < s.length && isTokenCode(s.charCodeAt(i))) i++;
  return i;
}

/** s[i] is `"`: the index after the closing quote (quoted-pair aware), or -1 when unterminated. */
export function readQuoted(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

/** `"a \"b\""` → `a "b"` (§25.1 quoted-pair). */
export function unquote(quoted: string): string {
  const inner = quoted.slice(1, -1);
  return inner.includes('\\') ? inner.replace(/\\(.)/g, '$1') : inner;
}

export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Splits a comma-list header value (§7.3.1) on commas outside quoted strings and <…>. Empty
 * elements (`a, , b`) are dropped; a stray quote or bracket leaves the remainder as one element.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === ',' && !inAngle) {
      const part = value.slice(start, i).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last) out.push(last);
  return out;
}

export interface ParamsResult {
  params: Map<string, string | null>;
  end: number;
}

/**
 * Reads `*( SEMI generic-param )` from s at i (§25.1: SEMI and EQUAL allow white space around
 * them). Names are lower-cased; values are kept as written, quoted strings with their quotes, so a
 * formatted header says what was received. A repeated name keeps its first value.
 */
export function parseParams(s: string, i: number, fail: () => SipParseError): ParamsResult {
  const params = new Map<string, string | null>();
  for (;;) {
    const at = skipWs(s, i);
    if (s[at] !== ';') return { params, end: at };
    const nameStart = skipWs(s, at + 1);
    const nameEnd = readToken(s, nameStart);
    if (nameEnd === nameStart) throw fail();
    const name = s.slice(nameStart, nameEnd).toLowerCase();
    let value: string | null = null;
    i = skipWs(s, nameEnd);
    if (s[i] === '=') {
      const valueStart = skipWs(s, i + 1);
      let valueEnd: number;
      if (s[valueStart] === '"') {
        valueEnd = readQuoted(s, valueStart);
        if (valueEnd < 0) throw fail();
      } else {
        valueEnd = valueStart;
        while (valueEnd < s.length && !GEN_VALUE_END.has(s.charCodeAt(valueEnd))) valueEnd++;
        if (valueEnd === valueStart) throw fail();
      }
      value = s.slice(valueStart, valueEnd);
      i = valueEnd;
    } else {
      i = nameEnd;
    }
    if (!params.has(name)) params.set(name, value);
  }
}

/** `;lr;transport=tcp` from a params map (values written as stored). */
export function formatParams(params: Map<string, string | null>): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
