// buildResponse / buildErrorResponse (RFC 3261 §8.2.6).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildErrorResponse, buildResponse, reasonPhrase } from '../../../src/sip/message/build.js';
import { SipParseError } from '../../../src/sip/message/errors.js';
import { getHeader, getHeaders, parseNameAddr } from '../../../src/sip/message/headers.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serializeMessage } from '../../../src/sip/message/serialize.js';
import { BYE, INVITE } from './samples.js';
import type { SipRequest } from '../../../src/sip/message/types.js';

const invite = parseMessage(INVITE) as SipRequest;

describe('buildResponse', () => {
  it('copies Via, From, To, Call-ID, CSeq and adds the To tag (§8.2.6.2)', () => {
    const r = buildResponse(invite, 486, undefined, { toTag: 'abc123' });
    assert.equal(r.reason, 'Busy Here');
    assert.deepEqual(r.headers.map((h) => h.name), ['Via', 'From', 'To', 'Call-ID', 'CSeq']);
    assert.equal(parseNameAddr(getHeader(r, 'To')!).params.get('tag'), 'abc123');
    assert.equal(getHeader(r, 'From'), getHeader(invite, 'From'));
    assert.equal(r.body.length, 0);
  });

  it('copies every Via in order, and keeps an existing To tag', () => {
    const bye = parseMessage(BYE) as SipRequest;
    const r = buildResponse(bye, 200, 'OK', { toTag: 'other' });
    assert.deepEqual(getHeaders(r, 'Via'), getHeaders(bye, 'Via'));
    assert.equal(parseNameAddr(getHeader(r, 'To')!).params.get('tag'), '8321234356');
  });

  it('never tags a 100 Trying, and copies Timestamp into it (§8.2.6.1)', () => {
    const req: SipRequest = { ...invite, headers: [...invite.headers, { name: 'Timestamp', value: '54' }] };
    const r = buildResponse(req, 100, undefined, { toTag: 'abc' });
    assert.equal(r.reason, 'Trying');
    assert.equal(parseNameAddr(getHeader(r, 'To')!).params.has('tag'), false);
    assert.equal(getHeader(r, 'Timestamp'), '54');
    assert.equal(getHeader(buildResponse(req, 180), 'Timestamp'), undefined);
  });

  it('adds extra headers, body and Content-Type, and serializes with Content-Length', () => {
    const r = buildResponse(invite, 200, undefined, {
      toTag: 't', headers: [{ name: 'Contact', value: '<sip:um.contoso.com:5063;transport=tls>' }],
      body: Buffer.from('v=0\r\n'), contentType: 'application/sdp',
    });
    const text = serializeMessage(r).toString();
    assert.match(text, /^SIP\/2\.0 200 OK\r\n/);
    assert.match(text, /\r\nContact: <sip:um.contoso.com:5063;transport=tls>\r\nContent-Type: application\/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n$/);
    assert.equal(parseMessage(Buffer.from(text)).kind, 'response');
  });

  it('has reason phrases for common codes and a class fallback', () => {
    assert.equal(reasonPhrase(200), 'OK');
    assert.equal(reasonPhrase(481), 'Call/Transaction Does Not Exist');
    assert.equal(reasonPhrase(499), 'Client Error');
    assert.equal(reasonPhrase(299), 'Success');
  });
});

describe('buildErrorResponse', () => {
  it('answers a parse failure from the partial headers, with a To tag', () => {
    const bad = Buffer.from(INVITE.toString('latin1').replace('CSeq: 1 INVITE', 'CSeq: 1 BYE'), 'latin1');
    let err: SipParseError | undefined;
    try {
      parseMessage(bad);
    } catch (e) {
      err = e as SipParseError;
    }
    assert.ok(err instanceof SipParseError);
    const r = buildErrorResponse(err, 'fixedtag');
    assert.ok(r);
    assert.equal(r.status, 400);
    assert.equal(r.reason, 'Bad Request - CSeq method does not match');
    assert.equal(getHeader(r, 'CSeq'), '1 BYE');
    assert.equal(parseNameAddr(getHeader(r, 'To')!).params.get('tag'), 'fixedtag');
    assert.equal(getHeader(r, 'Call-ID'), '3848276298220188511@gw.contoso.com');
  });

  it('gives undefined without a usable top Via, for ACK and for responses', () => {
    assert.equal(buildErrorResponse(new SipParseError(400, 'Bad Request')), undefined);
    const headers = invite.headers.filter((h) => ['Via', 'From', 'To', 'Call-ID', 'CSeq'].includes(h.name));
    assert.ok(buildErrorResponse(new SipParseError(400, 'x', { headers, method: 'INVITE' })));
    assert.equal(buildErrorResponse(new SipParseError(400, 'x', { headers, method: 'ACK' })), undefined);
    assert.equal(buildErrorResponse(new SipParseError(400, 'x', { headers })), undefined);
    // §16.3 item 1: a request missing Call-ID is still answered, at its Via, without one.
    const noCallId = buildErrorResponse(new SipParseError(400, 'Bad Request - Missing Call-ID', { headers: headers.filter((h) => h.name !== 'Call-ID'), method: 'INVITE' }));
    assert.equal(noCallId?.status, 400);
    assert.equal(noCallId?.headers.some((h) => h.name === 'Call-ID'), false);
    assert.equal(buildErrorResponse(new SipParseError(400, 'x', { headers: headers.filter((h) => h.name !== 'Via'), method: 'INVITE' })), undefined);
    const badVia = headers.map((h) => (h.name === 'Via' ? { name: 'Via', value: 'garbage' } : h));
    assert.equal(buildErrorResponse(new SipParseError(400, 'x', { headers: badVia, method: 'INVITE' })), undefined);
  });
});
