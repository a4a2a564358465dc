// SIP messages built from RFC 3261 §25 grammar pieces (request and status lines, URIs, Via,
// name-addr, CSeq, Content-Length, compact names, folding, LWS around colons), mostly valid and
// sometimes a piece out of range, so the parser sees well-formed messages with every variation the
// grammar allows and near misses. The mutation fuzzer (mutate.ts) starts from corpora instead.
import fc from 'fast-check';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const chars = (set: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });

export const token = chars(`${ALNUM}-.!%*_+\`'~`, 1, 12);
const word = chars(`${ALNUM}-.!%*_+\`'~()<>:\\"/[]?{}`, 1, 16);
const userChars = chars(`${ALNUM}-_.!~*'()&=+$,;?/%`, 1, 16);
const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'UPDATE', 'PRACK', 'MESSAGE') },
  { weight: 1, arbitrary: token },
);

const host = fc.oneof(
  { weight: 3, arbitrary: fc.domain() },
  { weight: 2, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6().map((a) => `[${a}]`) },
  { weight: 1, arbitrary: fc.constantFrom('um.contoso.com', 'gw.contoso.com', '127.0.0.1', '[::1]', 'a', '-bad-', '1.2.3.999', '[::1', 'x..y') },
);
const port = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 65536, 99999999999, -1) },
);
const param = fc.tuple(token, fc.option(fc.oneof(token, fc.constant('"quoted value"')), { nil: undefined }))
  .map(([n, v]) => (v === undefined ? `;${n}` : `;${n}=${v}`));
const knownUriParam = fc.constantFrom(';transport=udp', ';transport=tcp', ';transport=tls', ';lr', ';user=phone', ';maddr=10.0.0.1', ';ttl=15', ';method=INVITE');

export const uri = fc.record({
  scheme: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('sip', 'sips') }, { weight: 1, arbitrary: fc.constantFrom('tel', 'SIP', 'http', 'urn') }),
  user: fc.option(fc.oneof(userChars, fc.stringMatching(/^\+?[0-9]{1,15}$/)), { nil: undefined }),
  password: fc.option(userChars, { nil: undefined, freq: 8 }),
  host,
  port: fc.option(port, { nil: undefined }),
  params: fc.array(fc.oneof(knownUriParam, param), { maxLength: 4 }),
  headers: fc.array(fc.tuple(token, userChars).map(([n, v]) => `${n}=${v}`), { maxLength: 2 }),
}).map((u) => {
  if (u.scheme === 'tel') return `tel:${u.user ?? '+1'}${u.params.join('')}`;
  const userinfo = u.user === undefined ? '' : `${u.user}${u.password === undefined ? '' : `:${u.password}`}@`;
  return `${u.scheme}:${userinfo}${u.host}${u.port === undefined ? '' : `:${u.port}`}${u.params.join('')}${u.headers.length ? `?${u.headers.join('&')}` : ''}`;
});

const displayName = fc.oneof(token, fc.string({ maxLength: 20 }).map((s) => `"${s.replace(/["\\]/g, '')}"`), chars('ab "\\', 1, 8).map((s) => `"${s}"`));
export const nameAddr = fc.tuple(fc.option(displayName, { nil: undefined }), uri, fc.boolean(), fc.array(fc.oneof(param, fc.constant(';tag=8321234356')), { maxLength: 3 }))
  .map(([d, u, angle, ps]) => (angle || d !== undefined ? `${d === undefined ? '' : `${d} `}<${u}>${ps.join('')}` : `${u}${ps.join('')}`));

const via = fc.record({
  version: fc.oneof({ weight: 8, arbitrary: fc.constant('SIP/2.0') }, { weight: 1, arbitrary: fc.constantFrom('SIP/3.0', 'SIP/2', 'sip/2.0', 'HTTP/1.1') }),
  transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'udp', 'FOO'),
  host,
  port: fc.option(port, { nil: undefined }),
  branch: fc.oneof(token.map((t) => `;branch=z9hG4bK${t}`), token.map((t) => `;branch=${t}`), fc.constant('')),
  params: fc.array(fc.oneof(fc.constantFrom(';rport', ';received=192.0.2.1', ';rport=5060', ';ttl=1'), param), { maxLength: 3 }),
}).map((v) => `${v.version}/${v.transport} ${v.host}${v.port === undefined ? '' : `:${v.port}`}${v.branch}${v.params.join('')}`);

const header = (name: string, compact: string | undefined, value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...(compact ? [name, name, compact] : [name])), fc.constantFrom(': ', ':', ' : ', ':\t', ':  '), value).map(([n, sep, v]) => `${n}${sep}${v}`);

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constant('v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a).toString('latin1')) },
);

export const sipMessage: fc.Arbitrary<Buffer> = fc.record({
  request: fc.boolean(),
  method,
  uri: fc.oneof({ weight: 8, arbitrary: uri }, { weight: 1, arbitrary: fc.constantFrom('*', '<sip:a@b>', 'sip:a b@c', '') }),
  version: fc.oneof({ weight: 8, arbitrary: fc.constant('SIP/2.0') }, { weight: 1, arbitrary: fc.constantFrom('SIP/2.00', 'SIP/7.0', 'sip/2.0', 'SIP/2.0 ') }),
  status: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 100, max: 699 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000 }) }),
  reason: fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
  vias: fc.array(header('Via', 'v', via), { minLength: 0, maxLength: 3 }),
  from: header('From', 'f', nameAddr),
  to: header('To', 't', nameAddr),
  callId: header('Call-ID', 'i', fc.oneof(token, fc.tuple(token, host).map(([a, h]) => `${a}@${h}`))),
  cseq: fc.tuple(fc.oneof(fc.nat({ max: 2 ** 31 - 1 }), fc.constantFrom(2 ** 31, 2 ** 32, -1)), fc.option(method, { nil: undefined })),
  maxForwards: fc.option(header('Max-Forwards', undefined, fc.oneof(fc.nat({ max: 255 }).map(String), fc.constantFrom('256', '-1', 'x'))), { nil: undefined }),
  extra: fc.array(fc.oneof(
    header('Contact', 'm', fc.oneof(nameAddr, fc.constant('*'))),
    header('Record-Route', undefined, nameAddr),
    header('Route', undefined, nameAddr),
    header('Content-Type', 'c', fc.constantFrom('application/sdp', 'text/plain', 'multipart/mixed;boundary=x', 'a')),
    header('Supported', 'k', fc.array(token, { maxLength: 3 }).map((a) => a.join(', '))),
    header('Expires', undefined, fc.nat().map(String)),
    fc.tuple(token, word).map(([n, v]) => `${n}: ${v}`),
  ), { maxLength: 6 }),
  folded: fc.boolean(),
  contentLength: fc.oneof({ weight: 6, arbitrary: fc.constant('ok') }, { weight: 1, arbitrary: fc.constantFrom('missing', 'short', 'long', 'twice', 'junk') }),
  compactLength: fc.boolean(),
  body,
  eol: fc.oneof({ weight: 6, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constant('\n') }),
  leadingCrlf: fc.boolean(),
}).map((m) => {
  const start = m.request ? `${m.method} ${m.uri} ${m.version}` : `${m.version} ${m.status} ${m.reason}`;
  const [seq, cseqMethod] = m.cseq;
  const headers = [...m.vias, m.from, m.to, m.callId, `CSeq: ${seq} ${cseqMethod ?? (m.request ? m.method : 'INVITE')}`, ...(m.maxForwards ? [m.maxForwards] : []), ...m.extra];
  if (m.folded && headers.length > 2) headers[1] = headers[1]!.replace(' ', `${m.eol} `);
  const bodyBytes = Buffer.from(m.body, 'latin1');
  const clName = m.compactLength ? 'l' : 'Content-Length';
  const n = bodyBytes.length;
  const cl: Record<string, string[]> = {
    ok: [`${clName}: ${n}`], missing: [], short: [`${clName}: ${Math.max(0, n - 3)}`], long: [`${clName}: ${n + 5}`],
    twice: [`${clName}: ${n}`, `Content-Length: ${n + 1}`], junk: [`${clName}: 1x`],
  };
  headers.push(...cl[m.contentLength]!);
  const head = `${m.leadingCrlf ? m.eol : ''}${[start, ...headers].join(m.eol)}${m.eol}${m.eol}`;
  return Buffer.concat([Buffer.from(head, 'utf8'), bodyBytes]);
});
