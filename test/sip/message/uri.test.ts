// parseUri/formatUri: RFC 3261 §19.1, RFC 3966 (tel), RFC 5118 (IPv6).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SipParseError } from '../../../src/sip/message/errors.js';
import { formatUri, parseUri } from '../../../src/sip/message/uri.js';

function rejects(text: string, status: number, reason: RegExp): void {
  assert.throws(() => parseUri(text), (e: unknown) => {
    assert.ok(e instanceof SipParseError, `expected SipParseError for ${text}, got ${String(e)}`);
    assert.equal(e.status, status, text);
    assert.match(e.reason, reason);
    return true;
  });
}

describe('parseUri', () => {
  it('reads every part of a sip: URI', () => {
    const u = parseUri('sip:alice:secret@atlanta.com:5061;transport=TLS;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent');
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'secret');
    assert.equal(u.host, 'atlanta.com');
    assert.equal(u.port, 5061);
    assert.deepEqual([...u.params], [['transport', 'TLS'], ['lr', null], ['maddr', '239.255.255.1']]);
    assert.deepEqual([...u.headers], [['subject', 'project%20x'], ['priority', 'urgent']]);
  });

  it('lower-cases the scheme and parameter names, keeps host case', () => {
    const u = parseUri('SIPS:Bob@BILOXI.example.COM;Transport=tcp');
    assert.equal(u.scheme, 'sips');
    assert.equal(u.host, 'BILOXI.example.COM');
    assert.equal(u.params.get('transport'), 'tcp');
  });

  it('unescapes the user part as UTF-8 and escapes it again on format', () => {
    const u = parseUri('sip:J%C3%B6rg%20M@example.com');
    assert.equal(u.user, 'Jörg M');
    assert.equal(formatUri(u), 'sip:J%C3%B6rg%20M@example.com');
    assert.equal(formatUri(parseUri('sip:%61lice@a.com')), 'sip:alice@a.com');
  });

  it('reads IPv6 references with and without a port, and formats them in brackets', () => {
    assert.deepEqual([parseUri('sip:[::1]').host, parseUri('sip:[::1]').port], ['::1', undefined]);
    const u = parseUri('sip:bob@[2001:db8::10]:5070;transport=tcp');
    assert.deepEqual([u.host, u.port], ['2001:db8::10', 5070]);
    assert.equal(formatUri(u), 'sip:bob@[2001:db8::10]:5070;transport=tcp');
  });

  it('reads a telephone-subscriber user with a password-looking part (§19.1.6)', () => {
    const u = parseUri('sip:+1-212-555-1212:1234@gateway.com;user=phone');
    assert.equal(u.user, '+1-212-555-1212');
    assert.equal(u.password, '1234');
  });

  it('reads tel: URIs, global and local with phone-context (RFC 3966 §5.1.5)', () => {
    const g = parseUri('tel:+1-201-555-0123;ext=1234');
    assert.deepEqual([g.scheme, g.user, g.host, g.params.get('ext')], ['tel', '+1-201-555-0123', '', '1234']);
    assert.equal(formatUri(g), 'tel:+1-201-555-0123;ext=1234');
    assert.equal(parseUri('tel:7042;phone-context=example.com').user, '7042');
    rejects('tel:7042', 400, /Malformed URI \(telephone number\)/);
    rejects('tel:+', 400, /Malformed URI/);
  });

  it('round-trips formatUri(parseUri(x)) for canonical URIs', () => {
    for (const text of [
      'sip:um.contoso.com:5063;transport=tls',
      'sips:alice@atlanta.com',
      'sip:+14255550100@um.contoso.com;user=phone',
      'sip:bob@biloxi.com?subject=hi&to=sip%3Abob%40b.com',
      'sip:user;par=u%40example.net@example.com',
      'sip:null-%00-null@example.com',
      'sip:[2001:db8::1]:5060;lr',
    ]) assert.equal(formatUri(parseUri(text)), text);
  });

  it('answers other schemes with 416 and malformed URIs with 400', () => {
    rejects('http://example.com/', 416, /^Unsupported URI Scheme$/);
    rejects('mailto:alice@example.com', 416, /Unsupported URI Scheme/);
    rejects('sip:bob@example.com:99999', 400, /port out of range/);
    rejects('sip:bob@example.com:', 400, /Malformed URI \(port\)/);
    rejects('sip:bob@example.com:5o60', 400, /port/);
    rejects('sip:b%4ob@example.com', 400, /Malformed URI \(user\)/);
    rejects('sip:@example.com', 400, /user/);
    rejects('sip:a@b@example.com', 400, /Malformed URI/);
    rejects('sip:bob@', 400, /host/);
    rejects('sip:bob@[::1', 400, /host/);
    rejects('sip:bob@[not-ipv6]', 400, /host/);
    rejects('sip:bob@exa mple.com', 400, /host/);
    rejects('sip:bob@example.com;', 400, /parameter/);
    rejects('sip:bob@example.com?noequals', 400, /header/);
    rejects('nocolon', 400, /Malformed URI/);
    rejects(':nothing', 400, /Malformed URI/);
    rejects('1sip:bob@example.com', 400, /Malformed URI/);
  });
});
