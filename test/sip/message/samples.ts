// Valid messages used by the round-trip, fuzz, framer and benchmark tests. Written with long
// header names, one SP after the colon and Content-Length last, so serializeMessage(parse(x))
// gives back the same bytes. `@LEN@` is replaced by the body's length in bytes.

export function sip(lines: string[], body = ''): Buffer {
  const text = [...lines, '', body].join('\r\n');
  return Buffer.from(text.replace('@LEN@', String(Buffer.byteLength(body))));
}

const SDP = [
  'v=0',
  'o=- 2890844526 2890844526 IN IP4 10.0.0.5',
  's=-',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=audio 49170 RTP/SAVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32',
  'a=sendrecv',
  '',
].join('\r\n');

export const INVITE = sip([
  'INVITE sip:+14255550100@um.contoso.com:5061;transport=tls SIP/2.0',
  'Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bK74bf9;rport',
  'Max-Forwards: 70',
  'From: "Alice Smith" <sip:+14255550123@gw.contoso.com;user=phone>;tag=9fxced76sl',
  'To: <sip:+14255550100@um.contoso.com;user=phone>',
  'Call-ID: 3848276298220188511@gw.contoso.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:gw.contoso.com:5061;transport=tls>',
  'Diversion: <sip:+14255550142@contoso.com>;reason=no-answer;counter=1',
  'History-Info: <sip:+14255550142@contoso.com>;index=1, <sip:+14255550100@um.contoso.com?Reason=SIP%3Bcause%3D480>;index=1.1',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO',
  'Supported: timer, replaces, 100rel',
  'Session-Expires: 1800;refresher=uac',
  'User-Agent: ContosoGateway/9.2',
  'Content-Type: application/sdp',
  'Content-Length: @LEN@',
], SDP);

export const REDIRECT_302 = sip([
  'SIP/2.0 302 Moved Temporarily',
  'Via: SIP/2.0/TCP 10.0.0.9:5060;branch=z9hG4bKnashds8;received=192.0.2.4',
  'From: <sip:+14255550123@gw.contoso.com>;tag=a6c85cf',
  'To: <sip:+14255550100@router.contoso.com>;tag=4cc5b77',
  'Call-ID: a84b4c76e66710@gw.contoso.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:um2.contoso.com:5063;transport=tls;maddr=10.0.0.21>',
  'Content-Length: 0',
], '');

export const REGISTER = sip([
  'REGISTER sip:contoso.com SIP/2.0',
  'Via: SIP/2.0/UDP bobspc.contoso.com:5060;branch=z9hG4bKnashds7',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@contoso.com>',
  'From: Bob <sip:bob@contoso.com>;tag=456248',
  'Call-ID: 843817637684230@998sdasdh09',
  'CSeq: 1826 REGISTER',
  'Contact: <sip:bob@192.0.2.4>;expires=7200;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
  'Authorization: Digest username="bob", realm="contoso.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:contoso.com", response="6629fae49393a05397450978507c4ef1", algorithm=MD5',
  'Expires: 7200',
  'Content-Length: 0',
], '');

export const OPTIONS = sip([
  'OPTIONS sip:um.contoso.com:5062 SIP/2.0',
  'Via: SIP/2.0/TCP lb.contoso.com:5060;branch=z9hG4bKhjhs8ass877',
  'Max-Forwards: 70',
  'To: <sip:um.contoso.com:5062>',
  'From: <sip:lb.contoso.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 63104 OPTIONS',
  'Contact: <sip:lb.contoso.com>',
  'Accept: application/sdp',
  'Content-Length: 0',
], '');

export const BYE = sip([
  'BYE sip:um.contoso.com:5063;transport=tls SIP/2.0',
  'Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bKnashds10',
  'Via: SIP/2.0/TLS [2001:db8::10]:5061;branch=z9hG4bK.first;received=2001:db8::10',
  'Max-Forwards: 69',
  'Route: <sip:router.contoso.com;lr>',
  'From: "Alice Smith" <sip:+14255550123@gw.contoso.com;user=phone>;tag=9fxced76sl',
  'To: <sip:+14255550100@um.contoso.com;user=phone>;tag=8321234356',
  'Call-ID: 3848276298220188511@gw.contoso.com',
  'CSeq: 2 BYE',
  'Reason: Q.850;cause=16;text="Normal call clearing"',
  'Content-Length: 0',
], '');

const SUMMARY = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@contoso.com\r\nVoice-Message: 2/8 (0/2)\r\n';

export const NOTIFY = sip([
  'NOTIFY sip:alice@10.0.0.77:5060 SIP/2.0',
  'Via: SIP/2.0/UDP um.contoso.com:5062;branch=z9hG4bK.notify1',
  'Max-Forwards: 70',
  'From: <sip:alice@contoso.com>;tag=mwi-44',
  'To: <sip:alice@contoso.com>;tag=sub-9',
  'Call-ID: mwi-3f9a@um.contoso.com',
  'CSeq: 20 NOTIFY',
  'Contact: <sip:um.contoso.com:5062>',
  'Event: message-summary',
  'Subscription-State: active;expires=3600',
  'Content-Type: application/simple-message-summary',
  'Content-Length: @LEN@',
], SUMMARY);

export const OK_200 = sip([
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bK74bf9;rport=5061;received=10.0.0.5',
  'Record-Route: <sip:router.contoso.com;lr>, <sip:edge.contoso.com;lr>',
  'From: "Alice Smith" <sip:+14255550123@gw.contoso.com;user=phone>;tag=9fxced76sl',
  'To: <sip:+14255550100@um.contoso.com;user=phone>;tag=314159',
  'Call-ID: 3848276298220188511@gw.contoso.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:um.contoso.com:5063;transport=tls>',
  'Content-Type: application/sdp',
  'Content-Length: @LEN@',
], SDP);

/** Exact-round-trip messages, by name. */
export const CANONICAL: Record<string, Buffer> = {
  INVITE, REDIRECT_302, REGISTER, OPTIONS, BYE, NOTIFY, OK_200,
};
