// Via (RFC 3261 §20.42, grammar §25.1; IPv6 sent-by per RFC 5118 §4.5).
//   via-parm     = sent-protocol LWS sent-by *( SEMI via-params )
//   sent-protocol = protocol-name SLASH protocol-version SLASH transport   (SLASH = SWS "/" SWS)
//   sent-by      = host [ COLON port ]
import { isIPv6 } from 'node:net';
import { badRequest } from './errors.js';
import { formatParams, isWs, parseParams, readToken, skipWs } from './grammar.js';
import { parsePort } from './uri.js';
import type { Via } from './types.js';

const HOST = /[A-Za-z0-9\-_.]*/y;

/** Parses ONE via-parm (split a Via header with getHeaders first). */
export function parseVia(value: string): Via {
  const fail = () => badRequest('Malformed Via');
  const s = value;
  let i = skipWs(s, 0);
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      i = skipWs(s, i);
      if (s[i] !== '/') throw fail();
      i = skipWs(s, i + 1);
    }
    const end = readToken(s, i);
    if (end === i) throw fail();
    parts.push(s.slice(i, end));
    i = end;
  }
  const [name, version, transport] = parts as [string, string, string];
  if (name.toUpperCase() !== 'SIP' || version !== '2.0') throw fail();
  if (!isWs(s[i])) throw fail();
  i = skipWs(s, i);
  let host: string;
  if (s[i] === '[') {
    const close = s.indexOf(']', i);
    if (close < 0) throw fail();
    host = s.slice(i + 1, close);
    if (!isIPv6(host)) throw fail();
    i = close + 1;
  } else {
    HOST.lastIndex = i;
    host = (HOST.exec(s) as RegExpExecArray)[0];
    i += host.length;
    if (!host) throw fail();
  }
  const via: Via = { transport: transport.toUpperCase(), host, params: new Map() };
  const colon = skipWs(s, i);
  if (s[colon] === ':') {
    const portStart = skipWs(s, colon + 1);
    let portEnd = portStart;
    while (portEnd < s.length && s[portEnd]! >= '0' && s[portEnd]! <= '9') portEnd++;
    via.port = parsePort(s.slice(portStart, portEnd), fail);
    i = portEnd;
  }
  const { params, end } = parseParams(s, i, fail);
  if (skipWs(s, end) !== s.length) throw fail();
  via.params = params;
  const branch = params.get('branch');
  if (branch) via.branch = branch;
  return via;
}

/** `SIP/2.0/UDP host:port;params`; `via.branch`, when set, wins over params' branch. */
export function formatVia(via: Via): string {
  const host = via.host.includes(':') ? `[${via.host}]` : via.host;
  const port = via.port !== undefined ? `:${via.port}` : '';
  let params = via.params;
  if (via.branch !== undefined && params.get('branch') !== via.branch) {
    params = new Map(params);
    params.set('branch', via.branch);
  }
  return `SIP/2.0/${via.transport.toUpperCase()} ${host}${port}${formatParams(params)}`;
}
