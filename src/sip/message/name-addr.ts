// name-addr / addr-spec headers: From, To, Contact, Route, Record-Route, Reply-To, Refer-To,
// P-Asserted-Identity… (RFC 3261 §20.10, §25.1).
import { badRequest } from './errors.js';
import { formatParams, parseParams, quote, readQuoted, skipWs, unquote } from './grammar.js';
import type { NameAddr } from './types.js';

// absoluteURI scheme followed by something: enough to tell a URI from garbage without knowing
// every scheme (From/To may carry any URI, §8.1.1.3).
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+\-.]*:[^\s<>"]+$/;
// display-name = *(token LWS) / quoted-string
const TOKEN_WORDS = /^[A-Za-z0-9\-.!%*_+`'~]+(?:[ \t]+[A-Za-z0-9\-.!%*_+`'~]+)*$/;

/**
 * Parses `"Name" <uri>;params`, `Name <uri>;params` or `uri;params`. Without angle brackets the
 * parameters after `;` belong to the header, not the URI (§20.10). `*` (Contact: *) is not a
 * name-addr: callers test for it first.
 * @param header names the header in the error reason ("Bad Request - Malformed From").
 */
export function parseNameAddr(value: string, header = 'Name-Addr'): NameAddr {
  const fail = () => badRequest(`Malformed ${header}`);
  const s = value;
  let i = skipWs(s, 0);
  let displayName: string | undefined;
  let uri: string;
  if (s[i] === '"') {
    const end = readQuoted(s, i);
    if (end < 0) throw fail();
    displayName = unquote(s.slice(i, end));
    i = skipWs(s, end);
    if (s[i] !== '<') throw fail();
  } else {
    const lt = s.indexOf('<', i);
    if (lt >= 0) {
      const words = s.slice(i, lt).trim();
      if (words && !TOKEN_WORDS.test(words)) throw fail();
      if (words) displayName = words;
      i = lt;
    }
  }
  if (s[i] === '<') {
    const gt = s.indexOf('>', i);
    if (gt < 0) throw fail();
    uri = s.slice(i + 1, gt);
    i = gt + 1;
  } else {
    let end = i;
    while (end < s.length && s[end] !== ';' && s[end] !== ' ' && s[end] !== '\t') end++;
    uri = s.slice(i, end);
    i = end;
  }
  if (!ABSOLUTE_URI.test(uri)) throw fail();
  const { params, end } = parseParams(s, i, fail);
  if (skipWs(s, end) !== s.length) throw fail();
  const out: NameAddr = { uri, params };
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

/** `"Name" <uri>;tag=x`: always the name-addr form, so URI parameters stay with the URI. */
export function formatNameAddr(na: NameAddr): string {
  const name = na.displayName !== undefined && na.displayName !== '' ? `${quote(na.displayName)} ` : '';
  return `${name}<${na.uri}>${formatParams(na.params)}`;
}
