// parseMessage/serializeMessage: realistic round trips and torture cases in the manner of
// RFC 4475 §3.1.1 (valid but unusual messages), written for this suite.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serializeMessage } from '../../../src/sip/message/serialize.js';
import {
  getHeader, getHeaders, parseCSeq, parseMaxForwards, parseNameAddr, parseVia,
} from '../../../src/sip/message/headers.js';
import { parseUri } from '../../../src/sip/message/uri.js';
import { CANONICAL, INVITE, sip } from './samples.js';
import type { SipMessage, SipRequest } from '../../../src/sip/message/types.js';

function request(m: SipMessage): SipRequest {
  assert.equal(m.kind, 'request');
  return m as SipRequest;
}

const strip = (m: SipMessage) => ({ ...m, headers: m.headers.filter((h) => h.name !== 'Content-Length'), body: m.body.toString('latin1') });

describe('round trips of realistic messages', () => {
  for (const [name, bytes] of Object.entries(CANONICAL)) {
    it(`${name}: serialize(parse(x)) is x, byte for byte`, () => {
      const msg = parseMessage(bytes);
      assert.equal(serializeMessage(msg).toString('latin1'), bytes.toString('latin1'));
    });
  }

  it('reads the INVITE fields the roles use', () => {
    const msg = request(parseMessage(INVITE));
    assert.equal(msg.method, 'INVITE');
    assert.equal(msg.uri, 'sip:+14255550100@um.contoso.com:5061;transport=tls');
    assert.equal(getHeader(msg, 'i'), '3848276298220188511@gw.contoso.com');
    assert.deepEqual(parseCSeq(getHeader(msg, 'cseq')!), { seq: 1, method: 'INVITE' });
    assert.equal(parseNameAddr(getHeader(msg, 'From')!).displayName, 'Alice Smith');
    assert.deepEqual(getHeaders(msg, 'Allow'), ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REFER', 'NOTIFY', 'INFO']);
    assert.equal(getHeaders(msg, 'History-Info').length, 2);
    assert.match(msg.body.toString(), /^v=0\r\n/);
    assert.match(msg.body.toString(), /a=sendrecv\r\n$/);
  });
});

// The spirit of RFC 4475 §3.1.1.1 "wsinv": folding, odd white space, mixed-case names.
const WSINV = sip([
  'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
  'TO :',
  ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
  String.raw`from   : "J Rosenberg \\\""       <sip:jdrosen@example.com>`,
  '  ;',
  '  tag = 98asjd8',
  'MaX-fOrWaRdS: 0068',
  'Call-ID: wsinv.ndaksdj@192.0.2.1',
  'Content-Length   : @LEN@',
  'cseq: 0009',
  '  INVITE',
  'Via  : SIP  /   2.0',
  ' /UDP',
  '    192.0.2.2;branch=390skdjuw',
  's :',
  'NewFangledHeader:   newfangled value',
  ' continued newfangled value',
  'UnknownHeaderWithUnusualValue: ;;,,;;,;',
  'Content-Type: application/sdp',
  'Route:',
  ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
  'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
  '  branch  =   z9hG4bK9ikj8  ,',
  ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
  ' z9hG4bK30239',
  String.raw`m:"Quoted string \"\"" <sip:jdrosen@example.com> ; newparam =`,
  '      newvalue ;',
  '  secondparam ; q = 0.33',
], 'v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\n');

describe('torture cases', () => {
  it('unfolds continuation lines and reads white space around separators (wsinv)', () => {
    const msg = request(parseMessage(WSINV));
    const to = parseNameAddr(getHeader(msg, 'To')!);
    assert.equal(to.uri, 'sip:vivekg@chair-dnrc.example.com');
    assert.equal(to.params.get('tag'), '1918181833n');
    const from = parseNameAddr(getHeader(msg, 'From')!);
    assert.equal(from.displayName, 'J Rosenberg \\"');
    assert.equal(from.params.get('tag'), '98asjd8');
    assert.equal(parseMaxForwards(getHeader(msg, 'Max-Forwards')!), 68);
    assert.deepEqual(parseCSeq(getHeader(msg, 'CSeq')!), { seq: 9, method: 'INVITE' });
    const vias = getHeaders(msg, 'Via').map(parseVia);
    assert.deepEqual(vias.map((v) => [v.transport, v.host, v.branch]), [
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    assert.equal(getHeader(msg, 'Subject'), '');
    assert.equal(getHeader(msg, 'newfangledheader'), 'newfangled value continued newfangled value');
    const contact = parseNameAddr(getHeader(msg, 'Contact')!);
    assert.equal(contact.displayName, 'Quoted string ""');
    assert.deepEqual([...contact.params], [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
    assert.equal(msg.headers.find((h) => h.name === 'To')?.name, 'To');
    assert.ok(msg.headers.some((h) => h.name === 'Max-Forwards'));
    assert.match(msg.body.toString(), /^v=0/);
    // Re-serialized with long names and no folding, it parses to the same model.
    assert.deepEqual(strip(parseMessage(serializeMessage(msg))), strip(msg));
  });

  it('maps compact names to canonical long ones', () => {
    const msg = parseMessage(sip([
      'OPTIONS sip:user@example.com SIP/2.0',
      'v: SIP/2.0/UDP host1.example.com;branch=z9hG4bK-c1, SIP/2.0/TCP host2.example.com;branch=z9hG4bK-c0',
      'i: compact@example.com',
      'f: <sip:a@example.com>;tag=1',
      't: sip:user@example.com',
      'CSEQ: 8 OPTIONS',
      'm: <sip:a@host1.example.com>',
      'k: timer',
      'o: presence',
      'x: 1800',
      'l: 0',
    ]));
    assert.deepEqual(msg.headers.map((h) => h.name), [
      'Via', 'Call-ID', 'From', 'To', 'CSeq', 'Contact', 'Supported', 'Event', 'Session-Expires', 'Content-Length',
    ]);
    assert.deepEqual(getHeaders(msg, 'via').map((v) => parseVia(v).host), ['host1.example.com', 'host2.example.com']);
    const out = serializeMessage(msg).toString();
    assert.match(out, /\r\nCall-ID: compact@example.com\r\n/);
    assert.doesNotMatch(out, /\r\n[a-z]: /);
  });

  it('reads escaped Request-URIs, including an escaped NUL and a sips: lookalike user', () => {
    for (const [uri, user] of [
      ['sip:sips%3Auser%40example.com@example.net', 'sips:user@example.com'],
      ['sip:%61lice@atlanta.com;transport=TCP', 'alice'],
      ['sip:null-%00-null@example.com', 'null-\0-null'],
      ['sip:user;par=u%40example.net@example.com', 'user;par=u@example.net'],
    ] as const) {
      const msg = request(parseMessage(sip([
        `INVITE ${uri} SIP/2.0`, 'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1', 'From: <sip:a@example.com>;tag=1',
        'To: <sip:b@example.com>', 'Call-ID: esc@a', 'CSeq: 1 INVITE', 'Max-Forwards: 70', 'Content-Length: 0',
      ])));
      assert.equal(msg.uri, uri);
      assert.equal(parseUri(msg.uri).user, user);
    }
  });

  it('reads IPv6 references in Request-URI, Via and Contact (RFC 5118)', () => {
    const msg = request(parseMessage(sip([
      'REGISTER sip:[2001:db8::10] SIP/2.0',
      'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111;received=2001:db8::9:255;rport',
      'Max-Forwards: 70',
      'From: <sip:user@[2001:db8::10]>;tag=268',
      'To: <sip:user@[2001:db8::10]>',
      'Contact: "Caller" <sip:caller@[2001:db8::9:1]:5070;transport=udp>;expires=3600',
      'Call-ID: SSG9559905523997077@hlau_4100',
      'CSeq: 8612 REGISTER',
      'Content-Length: 0',
    ])));
    assert.equal(parseUri(msg.uri).host, '2001:db8::10');
    const via = parseVia(getHeader(msg, 'Via')!);
    assert.equal(via.host, '2001:db8::9:1');
    assert.equal(via.params.get('received'), '2001:db8::9:255');
    assert.equal(via.params.get('rport'), null);
    const contact = parseUri(parseNameAddr(getHeader(msg, 'Contact')!).uri);
    assert.deepEqual([contact.host, contact.port], ['2001:db8::9:1', 5070]);
  });

  it('accepts Via in one line and in repeated lines, in order', () => {
    const msg = parseMessage(sip([
      'SIP/2.0 180 Ringing',
      'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2',
      'Via: SIP/2.0/TLS c.example.com;branch=z9hG4bK3',
      'From: <sip:a@example.com>;tag=1', 'To: <sip:b@example.com>;tag=2', 'Call-ID: v@a', 'CSeq: 1 INVITE',
      'Content-Length: 0',
    ]));
    assert.deepEqual(getHeaders(msg, 'Via').map((v) => parseVia(v).branch), ['z9hG4bK1', 'z9hG4bK2', 'z9hG4bK3']);
    assert.equal(parseVia(getHeader(msg, 'v')!).branch, 'z9hG4bK1');
    assert.equal(msg.kind === 'response' && msg.reason, 'Ringing');
  });

  it('accepts a lower-case SIP version, leading CRLFs, bare LF line ends and an empty reason', () => {
    const lf = Buffer.from('\r\n\r\nOPTIONS sip:a@example.com sip/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK9\nFrom: <sip:b@h>;tag=1\nTo: <sip:a@example.com>\nCall-ID: lf@h\nCSeq: 2 OPTIONS\n\n');
    assert.equal(request(parseMessage(lf)).method, 'OPTIONS');
    const resp = parseMessage(sip(['SIP/2.0 200 ', 'Via: SIP/2.0/UDP h;branch=z9hG4bK9', 'From: <sip:b@h>;tag=1',
      'To: <sip:a@example.com>;tag=3', 'Call-ID: lf@h', 'CSeq: 2 OPTIONS', 'Content-Length: 0']));
    assert.equal(resp.kind === 'response' && resp.reason, '');
  });

  it('takes the body from Content-Length, truncating excess; without it the body is the rest (§18.3)', () => {
    const head = ['MESSAGE sip:a@example.com SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK9', 'From: <sip:b@h>;tag=1',
      'To: <sip:a@example.com>', 'Call-ID: body@h', 'CSeq: 2 MESSAGE'];
    assert.equal(parseMessage(sip([...head, 'Content-Length: 5'], 'hello world')).body.toString(), 'hello');
    assert.equal(parseMessage(sip(head, 'hello world')).body.toString(), 'hello world');
    assert.equal(parseMessage(sip([...head, 'Content-Length: 0'], '')).body.length, 0);
  });

  it('keeps UTF-8 in display names and Subject', () => {
    const msg = parseMessage(sip(['MESSAGE sip:a@example.com SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK9',
      'From: "Zoë Ångström" <sip:b@h>;tag=1', 'To: <sip:a@example.com>', 'Call-ID: u@h', 'CSeq: 2 MESSAGE',
      'Subject: Grüße', 'Content-Length: 0']));
    assert.equal(parseNameAddr(getHeader(msg, 'From')!).displayName, 'Zoë Ångström');
    assert.equal(getHeader(msg, 'Subject'), 'Grüße');
    assert.match(serializeMessage(msg).toString('utf8'), /Subject: Grüße/);
  });
});

describe('a field is one line however it was written (found by npm run fuzz)', () => {
  const withSubject = (lines: string[]) => sip([
    'OPTIONS sip:um.contoso.com SIP/2.0', 'Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1', 'Max-Forwards: 70',
    'From: <sip:a@contoso.com>;tag=1', 'To: <sip:um.contoso.com>', 'Call-ID: 1@h', 'CSeq: 1 OPTIONS', ...lines, 'Content-Length: 0',
  ]);
  const tooLong = (e: unknown) => e instanceof Error && e.message === 'Bad Request - Header line too long';

  it('refuses a folded field whose lines fit but whose unfolded value does not', () => {
    const half = 'a'.repeat(5000);
    assert.throws(() => parseMessage(withSubject([`Subject: ${half}`, ` ${half}`])), tooLong);
  });

  it('refuses a compact field that would not fit under its long name', () => {
    const value = 'a'.repeat(8192 - 3);
    assert.throws(() => parseMessage(withSubject([`s: ${value}`])), tooLong);
    assert.equal(getHeader(parseMessage(withSubject([`Subject: ${'a'.repeat(8192 - 9)}`])), 'Subject')!.length, 8192 - 9);
  });
});

describe('serializeMessage', () => {
  it('always sets Content-Length to the body length and writes long names', () => {
    const out = serializeMessage({
      kind: 'request', method: 'MESSAGE', uri: 'sip:a@example.com', body: Buffer.from('hi ☺'),
      headers: [{ name: 'v', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' }, { name: 'l', value: '99' }, { name: 'Content-Length', value: '1' }],
    }).toString();
    assert.equal(out, 'MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 6\r\n\r\nhi ☺');
  });

  it('cannot be made to split a header with a CR or LF in a value', () => {
    const out = serializeMessage({ kind: 'response', status: 200, reason: 'OK', body: Buffer.alloc(0),
      headers: [{ name: 'Subject', value: 'a\r\nVia: injected' }] }).toString();
    assert.equal(out, 'SIP/2.0 200 OK\r\nSubject: a Via: injected\r\nContent-Length: 0\r\n\r\n');
  });
});
