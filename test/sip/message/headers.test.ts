// Header accessors and typed views (RFC 3261 §7.3, §20).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SipParseError } from '../../../src/sip/message/errors.js';
import {
  addHeader, formatNameAddr, formatVia, getHeader, getHeaders, parseContentLength, parseCSeq,
  parseMaxForwards, parseNameAddr, parseVia, removeFirstValue, removeHeader, setHeader,
} from '../../../src/sip/message/headers.js';
import type { HeaderField } from '../../../src/sip/message/types.js';

function malformed(fn: () => unknown, header: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SipParseError, `expected SipParseError, got ${String(e)}`);
    assert.equal(e.status, 400);
    assert.equal(e.reason, `Bad Request - Malformed ${header}`);
    return true;
  });
}

const msg = (...headers: [string, string][]): { headers: HeaderField[] } => ({ headers: headers.map(([name, value]) => ({ name, value })) });

describe('getHeader / getHeaders', () => {
  const m = msg(
    ['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2'],
    ['v', 'SIP/2.0/TCP c;branch=z9hG4bK3'],
    ['Contact', '"Doe, John" <sip:jd@a.com;x=1,2>;q=0.5, <sip:b@b.com>'],
    ['WWW-Authenticate', 'Digest realm="a.com", nonce="abc", qop="auth,auth-int"'],
    ['From', '"Smith, A" <sip:a@a.com>;tag=1'],
    ['Supported', ''],
    ['Supported', 'timer,  replaces ,,100rel'],
    ['Date', 'Sat, 13 Nov 2010 23:29:00 GMT'],
  );

  it('matches names case-insensitively and through compact forms', () => {
    assert.equal(getHeader(m, 'VIA'), 'SIP/2.0/UDP a;branch=z9hG4bK1');
    assert.equal(getHeader(m, 'f'), '"Smith, A" <sip:a@a.com>;tag=1');
    assert.equal(getHeader(m, 'Call-ID'), undefined);
  });

  it('splits comma lists across fields, respecting quotes and <…>', () => {
    assert.deepEqual(getHeaders(m, 'via').map((v) => parseVia(v).host), ['a', 'b', 'c']);
    assert.deepEqual(getHeaders(m, 'm'), ['"Doe, John" <sip:jd@a.com;x=1,2>;q=0.5', '<sip:b@b.com>']);
    assert.deepEqual(getHeaders(m, 'k'), ['timer', 'replaces', '100rel']);
    assert.equal(getHeader(m, 'Supported'), 'timer');
  });

  it('never splits single-value headers', () => {
    assert.deepEqual(getHeaders(m, 'WWW-Authenticate'), ['Digest realm="a.com", nonce="abc", qop="auth,auth-int"']);
    assert.deepEqual(getHeaders(m, 'From'), ['"Smith, A" <sip:a@a.com>;tag=1']);
    assert.deepEqual(getHeaders(m, 'Date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
  });
});

describe('setHeader / addHeader / removeHeader', () => {
  it('setHeader replaces in place and drops the other copies', () => {
    const m = msg(['To', 'a'], ['Subject', 'x'], ['s', 'y'], ['From', 'b']);
    const list = m.headers;
    setHeader(m, 'subject', 'z');
    assert.equal(m.headers, list, 'mutates the same array');
    assert.deepEqual(m.headers, [{ name: 'To', value: 'a' }, { name: 'Subject', value: 'z' }, { name: 'From', value: 'b' }]);
    setHeader(m, 'i', 'c@d');
    assert.deepEqual(m.headers.at(-1), { name: 'Call-ID', value: 'c@d' });
  });

  it('addHeader puts a first Via on top and others after their kind', () => {
    const m = msg(['Via', 'SIP/2.0/UDP b'], ['From', 'f'], ['Via', 'SIP/2.0/UDP c'], ['To', 't']);
    addHeader(m, 'v', 'SIP/2.0/UDP a', { first: true });
    addHeader(m, 'Via', 'SIP/2.0/UDP d');
    addHeader(m, 'Record-Route', '<sip:p;lr>', { first: true });
    addHeader(m, 'X-New', '1');
    assert.deepEqual(m.headers.map((h) => `${h.name}:${h.value}`), [
      'Record-Route:<sip:p;lr>', 'Via:SIP/2.0/UDP a', 'Via:SIP/2.0/UDP b', 'From:f', 'Via:SIP/2.0/UDP c',
      'Via:SIP/2.0/UDP d', 'To:t', 'X-New:1',
    ]);
  });

  it('removeHeader removes every copy, compact or long', () => {
    const m = msg(['Via', '1'], ['v', '2'], ['To', 't']);
    assert.equal(removeHeader(m, 'VIA'), 2);
    assert.deepEqual(m.headers, [{ name: 'To', value: 't' }]);
  });

  it('removeFirstValue pops the top element of a list header', () => {
    const m = msg(['Via', 'SIP/2.0/UDP a, SIP/2.0/UDP b'], ['Via', 'SIP/2.0/UDP c']);
    assert.equal(removeFirstValue(m, 'Via'), 'SIP/2.0/UDP a');
    assert.equal(removeFirstValue(m, 'Via'), 'SIP/2.0/UDP b');
    assert.deepEqual(m.headers, [{ name: 'Via', value: 'SIP/2.0/UDP c' }]);
  });
});

describe('parseVia / formatVia', () => {
  it('reads protocol, sent-by and parameters (§20.42)', () => {
    const v = parseVia('SIP/2.0/udp 192.0.2.1:5060;branch=z9hG4bK776asdhds;received=10.0.0.1;rport=5061;ttl=16');
    assert.deepEqual([v.transport, v.host, v.port, v.branch], ['UDP', '192.0.2.1', 5060, 'z9hG4bK776asdhds']);
    assert.deepEqual([...v.params], [['branch', 'z9hG4bK776asdhds'], ['received', '10.0.0.1'], ['rport', '5061'], ['ttl', '16']]);
    assert.equal(formatVia(v), 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;received=10.0.0.1;rport=5061;ttl=16');
  });

  it('reads IPv6 sent-by and white space around the separators', () => {
    const v = parseVia('SIP / 2.0 / TLS [2001:db8::1] : 5061 ; branch = z9hG4bKx ; rport');
    assert.deepEqual([v.transport, v.host, v.port, v.params.get('rport')], ['TLS', '2001:db8::1', 5061, null]);
    assert.equal(formatVia(v), 'SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKx;rport');
  });

  it('formats a branch set on the object', () => {
    assert.equal(formatVia({ transport: 'tcp', host: 'h', params: new Map([['rport', null]]), branch: 'z9hG4bKnew' }),
      'SIP/2.0/TCP h;rport;branch=z9hG4bKnew');
  });

  it('rejects malformed Vias', () => {
    for (const bad of ['', 'SIP/2.0/UDP', 'SIP/2.0 host', 'SIP/2.0/UDP host:99999', 'SIP/2.0/UDP host:', 'SIP/3.0/UDP h',
      'SIP/2.0/UDP [::1', 'SIP/2.0/UDP [zz]', 'SIP/2.0/UDP host;', 'SIP/2.0/UDP host;branch=', 'SIP/2.0/UDP host junk',
      'SIP/2.0/UDP host;branch="open', 'SIP/2.0/UDPhost']) malformed(() => parseVia(bad), 'Via');
  });
});

describe('parseNameAddr / formatNameAddr', () => {
  it('reads quoted display names with escapes, token display names and none', () => {
    const q = parseNameAddr(String.raw`"A \"quoted\" \\ name" <sip:a@b.com;transport=tcp>;tag=x;expires=60`);
    assert.equal(q.displayName, 'A "quoted" \\ name');
    assert.equal(q.uri, 'sip:a@b.com;transport=tcp');
    assert.deepEqual([...q.params], [['tag', 'x'], ['expires', '60']]);
    assert.equal(formatNameAddr(q), String.raw`"A \"quoted\" \\ name" <sip:a@b.com;transport=tcp>;tag=x;expires=60`);
    assert.equal(parseNameAddr('Bob  Smith <sip:bob@b.com>').displayName, 'Bob  Smith');
    assert.equal(parseNameAddr('"caller"<sip:caller@example.com>;tag=323').displayName, 'caller');
    assert.equal(parseNameAddr('<sip:x@y>').displayName, undefined);
  });

  it('gives the params of an addr-spec to the header (§20.10)', () => {
    const a = parseNameAddr('sip:user@example.com;tag=abc');
    assert.equal(a.uri, 'sip:user@example.com');
    assert.equal(a.params.get('tag'), 'abc');
    assert.equal(formatNameAddr(a), '<sip:user@example.com>;tag=abc');
  });

  it('keeps quoted parameter values as written', () => {
    const c = parseNameAddr('<sip:b@h>;+sip.instance="<urn:uuid:1;x>";reg-id=1');
    assert.equal(c.params.get('+sip.instance'), '"<urn:uuid:1;x>"');
    assert.equal(formatNameAddr(c), '<sip:b@h>;+sip.instance="<urn:uuid:1;x>";reg-id=1');
  });

  it('rejects malformed name-addrs, naming the header', () => {
    for (const bad of ['', '"open <sip:a@b>', 'Bob <sip:a@b', 'Bob', '<>', '<sip:a @b>', 'B@d Name <sip:a@b>',
      '"x" sip:a@b', '<sip:a@b> junk', '<sip:a@b>;', '<sip:a@b>;=x', '*']) malformed(() => parseNameAddr(bad, 'To'), 'To');
  });
});

describe('scalar headers', () => {
  it('parseCSeq', () => {
    assert.deepEqual(parseCSeq('4711 INVITE'), { seq: 4711, method: 'INVITE' });
    assert.deepEqual(parseCSeq(' 4294967295\tBYE '), { seq: 4294967295, method: 'BYE' });
    for (const bad of ['', 'INVITE', '1', '-1 INVITE', '4294967296 INVITE', '1 IN VITE', '1 INV@ITE', 'x INVITE']) {
      malformed(() => parseCSeq(bad), 'CSeq');
    }
  });

  it('parseContentLength and parseMaxForwards', () => {
    assert.equal(parseContentLength(' 0 '), 0);
    assert.equal(parseContentLength('349'), 349);
    for (const bad of ['', '-1', '+1', '1.5', 'ten', '12345678901']) malformed(() => parseContentLength(bad), 'Content-Length');
    assert.equal(parseMaxForwards('70'), 70);
    assert.equal(parseMaxForwards('0'), 0);
    for (const bad of ['', '256', '-1', 'x']) malformed(() => parseMaxForwards(bad), 'Max-Forwards');
  });
});
