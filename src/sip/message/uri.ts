// SIP, SIPS and tel URIs: RFC 3261 §19.1 (syntax §25.1), RFC 3966 §3 (tel), RFC 5118 (IPv6).
import { isIPv6 } from 'node:net';
import { SipParseError, badRequest } from './errors.js';
import type { SipUri } from './types.js';

const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
// user = 1*( unreserved / escaped / user-unreserved ); password; paramchar; hname/hvalue (§25.1).
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const PASSWORD = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})*$/;
const PARAM = /^(?:[A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+$/;
const HNV = /^(?:[A-Za-z0-9\-_.!~*'()[\]/?:+$]|%[0-9A-Fa-f]{2})*$/;
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9\-_.]*[A-Za-z0-9_])?\.?$/;
const PORT = /^[0-9]{1,5}$/;
const USER_SAFE = /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/;
const PASSWORD_SAFE = /[A-Za-z0-9\-_.!~*'()&=+$,]/;
// RFC 3966 §3: global-number-digits / local-number-digits.
const TEL_GLOBAL = /^\+[0-9\-.()]*[0-9][0-9\-.()]*$/;
const TEL_LOCAL = /^[0-9A-Fa-f*#\-.()]*[0-9A-Fa-f*#][0-9A-Fa-f*#\-.()]*$/;

/**
 * Parses a sip:, sips: or tel: URI. Scheme, host case and parameter values are kept as written
 * except that scheme and parameter names are lower-cased; the user part is unescaped.
 * @throws SipParseError 416 for a well-formed URI of another scheme, 400 for a malformed one.
 */
export function parseUri(text: string, label = 'URI'): SipUri {
  const fail = (detail?: string): SipParseError => badRequest(`Malformed ${label}${detail ? ` (${detail})` : ''}`);
  const colon = text.indexOf(':');
  if (colon <= 0) throw fail();
  const scheme = text.slice(0, colon).toLowerCase();
  if (!SCHEME.test(scheme)) throw fail();
  const rest = text.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSip(scheme, rest, fail);
  if (scheme === 'tel') return parseTel(rest, fail);
  throw new SipParseError(416, 'Unsupported URI Scheme');
}

function parseSip(scheme: 'sip' | 'sips', rest: string, fail: (d?: string) => SipParseError): SipUri {
  const uri: SipUri = { scheme, host: '', params: new Map(), headers: new Map() };
  // '@' may appear only once: it is escaped everywhere but as the userinfo delimiter (§25.1).
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (rest.indexOf('@', at + 1) >= 0) throw fail();
    const userinfo = rest.slice(0, at);
    const pw = userinfo.indexOf(':');
    const user = pw >= 0 ? userinfo.slice(0, pw) : userinfo;
    if (!USER.test(user)) throw fail('user');
    uri.user = unescapeText(user);
    if (pw >= 0) {
      const password = userinfo.slice(pw + 1);
      if (!PASSWORD.test(password)) throw fail('password');
      uri.password = unescapeText(password);
    }
    rest = rest.slice(at + 1);
  }
  const q = rest.indexOf('?');
  const hostPart = q >= 0 ? rest.slice(0, q) : rest;
  if (q >= 0) parseUriHeaders(rest.slice(q + 1), uri.headers, fail);
  const semi = hostPart.indexOf(';');
  parseHostPort(semi >= 0 ? hostPart.slice(0, semi) : hostPart, uri, fail);
  if (semi >= 0) parseUriParams(hostPart.slice(semi + 1), uri.params, PARAM, fail);
  return uri;
}

function parseHostPort(text: string, uri: SipUri, fail: (d?: string) => SipParseError): void {
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw fail('host');
    uri.host = text.slice(1, close);
    if (!isIPv6(uri.host)) throw fail('host');
    const after = text.slice(close + 1);
    if (after) {
      if (after[0] !== ':') throw fail('host');
      portText = after.slice(1);
    }
  } else {
    const c = text.indexOf(':');
    uri.host = c >= 0 ? text.slice(0, c) : text;
    if (c >= 0) portText = text.slice(c + 1);
    if (!HOSTNAME.test(uri.host)) throw fail('host');
  }
  if (portText !== undefined) uri.port = parsePort(portText, fail);
}

/** A port from 0 to 65535 (§25.1 `port = 1*DIGIT`, bounded by what a transport can use). */
export function parsePort(text: string, fail: (d?: string) => SipParseError): number {
  if (!PORT.test(text)) throw fail('port');
  const port = Number(text);
  if (port > 65535) throw fail('port out of range');
  return port;
}

function parseUriParams(text: string, into: Map<string, string | null>, chars: RegExp, fail: (d?: string) => SipParseError): void {
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const name = (eq >= 0 ? part.slice(0, eq) : part).toLowerCase();
    const value = eq >= 0 ? part.slice(eq + 1) : null;
    if (!chars.test(name) || (value !== null && !chars.test(value))) throw fail('parameter');
    if (!into.has(name)) into.set(name, value);
  }
}

function parseUriHeaders(text: string, into: Map<string, string>, fail: (d?: string) => SipParseError): void {
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw fail('header');
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!HNV.test(name) || !HNV.test(value)) throw fail('header');
    into.set(name, value);
  }
}

function parseTel(rest: string, fail: (d?: string) => SipParseError): SipUri {
  const uri: SipUri = { scheme: 'tel', host: '', params: new Map(), headers: new Map() };
  const semi = rest.indexOf(';');
  const number = semi >= 0 ? rest.slice(0, semi) : rest;
  if (semi >= 0) parseUriParams(rest.slice(semi + 1), uri.params, PARAM, fail);
  // RFC 3966 §5.1.5: a local number MUST carry phone-context.
  if (!TEL_GLOBAL.test(number) && !(TEL_LOCAL.test(number) && uri.params.has('phone-context'))) {
    throw fail('telephone number');
  }
  uri.user = number;
  return uri;
}

/** %XX escapes → text (UTF-8). Validated input only: every '%' is followed by two hex digits. */
function unescapeText(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function escapeText(text: string, safe: RegExp): string {
  let out = '';
  for (const ch of text) {
    if (safe.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Formats a URI: user part re-escaped (§19.1.2), IPv6 hosts in brackets (RFC 5118 §4). */
export function formatUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.scheme === 'tel') {
    out += uri.user ?? '';
  } else {
    if (uri.user !== undefined) {
      out += escapeText(uri.user, USER_SAFE);
      if (uri.password !== undefined) out += `:${escapeText(uri.password, PASSWORD_SAFE)}`;
      out += '@';
    }
    out += uri.host.includes(':') ? `[${uri.host}]` : uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
  }
  for (const [name, value] of uri.params) out += value === null ? `;${name}` : `;${name}=${value}`;
  let sep = '?';
  for (const [name, value] of uri.headers) {
    out += `${sep}${name}=${value}`;
    sep = '&';
  }
  return out;
}
