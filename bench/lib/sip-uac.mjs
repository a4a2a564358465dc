// The signalling half of bench/media.mjs's own load generator: the calls uac-voicemail.xml makes
// (hangup ending), many at once over one UDP socket or one TLS connection per worker, without SIPp.
// A call: INVITE to a worker with a Diversion header naming the user (RFC 5806) and an SDP offer
// PCMA (8) + telephone-event (101) whose port the media side (rtpgen) has bound -> 100/180/183
// -> 200 -> ACK, media started to the answer's c=/m= -> BYE after `seconds` -> 200. A BYE from the
// server is answered 200 and ends the call (SIPp's scenario would count it failed: so does this).
// Transactions, RFC 3261 §17.1 on an unreliable transport: INVITE retransmitted on Timer A (T1,
// doubling) until a provisional or a final response, given up at Timer B (64*T1); BYE
// retransmitted on Timer E (T1 doubling, capped at T2; T2 once a provisional arrived), given up
// at Timer F (64*T1); a retransmitted 2xx gets the ACK again (§13.2.2.4); a non-2xx final gets
// the transaction's ACK (§17.1.1.3) and fails the call. Over TLS (reliable) nothing is
// retransmitted (§17.1.1.2, §17.1.2.2: Timers A and E are for unreliable transports only), Timers
// B and F still bound the wait, and with `srtp` the offer is RTP/SAVP with an SDES key (RFC 4568
// a=crypto, AES_CM_128_HMAC_SHA1_80) and the answer's key goes to the media side.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { clearTimeout, setTimeout as timer } from 'node:timers';
import { connect } from 'node:tls';

const T1 = 500;
const T2 = 4000;
const COMPACT = { i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', l: 'content-length', c: 'content-type' };
const MAX_MESSAGE = 65535;

/** Parses one SIP message (RFC 3261 §7): start line, headers (lower-cased, compact forms expanded), body. */
export function parseSip(buf) {
  if (buf.length > MAX_MESSAGE) return undefined;
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = text.slice(0, end).split('\r\n');
  const start = lines.shift() ?? '';
  const headers = new Map();
  for (const line of lines) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    let name = line.slice(0, c).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const list = headers.get(name) ?? headers.set(name, []).get(name);
    list.push(line.slice(c + 1).trim());
  }
  const len = Number(headers.get('content-length')?.[0] ?? 0);
  const body = text.slice(end + 4, end + 4 + (Number.isFinite(len) ? len : 0));
  const status = /^SIP\/2\.0 (\d{3})/.exec(start);
  if (status) return { status: Number(status[1]), headers, body };
  const req = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  return req ? { method: req[1], uri: req[2], headers, body } : undefined;
}

const first = (m, name) => m.headers.get(name)?.[0] ?? '';
const tagOf = (value) => /;\s*tag=([^;>\s]+)/i.exec(value)?.[1];
const uriOf = (value) => /<([^>]+)>/.exec(value)?.[1] ?? value.split(';')[0].trim();
const token = () => randomBytes(6).toString('hex');

/** The answer's media address (RFC 4566 c= and m=audio) and its SDES key (RFC 4568 §9.1), if any. */
export function answerMedia(sdp) {
  const ip = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
  const port = Number(/^m=audio (\d+) /m.exec(sdp)?.[1]);
  const key = /^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/]{40})/m.exec(sdp)?.[1];
  return ip && port > 0 ? { ip, port, key } : undefined;
}

/** A UDP socket bound on address:port, towards the worker. */
export async function udpTransport(address, port, worker, log) {
  const socket = createSocket('udp4');
  socket.on('error', (e) => log(`uac udp ${address}:${port}: ${e.message}`));
  await new Promise((resolve, reject) => { socket.once('error', reject); socket.bind(port, address, () => { socket.off('error', reject); resolve(); }); });
  const t = {
    name: 'UDP', reliable: false, address, port, onMessage: () => {},
    send: (text) => socket.send(Buffer.from(text, 'latin1'), worker.port, worker.ip),
    close: () => { try { socket.close(); } catch { /* closed */ } },
  };
  socket.on('message', (buf) => t.onMessage(buf));
  return t;
}

/** A TLS connection from address to the worker (mutual TLS: cert/key), SIP framed by Content-Length (RFC 3261 §18.3). */
export async function tlsTransport(address, worker, { cert, key }, log) {
  const socket = await new Promise((resolve, reject) => {
    const s = connect({ host: worker.ip, port: worker.port, localAddress: address, cert, key, rejectUnauthorized: false }); // the server's certificate is not what is measured
    const t = timer(() => { s.destroy(); reject(new Error(`TLS ${worker.ip}:${worker.port}: no handshake within 10 s`)); }, 10_000);
    s.once('secureConnect', () => { clearTimeout(t); resolve(s); });
    s.once('error', (e) => { clearTimeout(t); reject(e); });
  });
  const t = {
    name: 'TLS', reliable: true, address, port: socket.localPort, onMessage: () => {},
    send: (text) => socket.write(text, 'latin1'),
    close: () => socket.destroy(),
  };
  let buffer = Buffer.alloc(0);
  socket.on('data', (d) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      while (buffer.length >= 2 && buffer[0] === 13 && buffer[1] === 10) buffer = buffer.subarray(2); // keep-alive CRLFs (RFC 5626 §3.5.1)
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) { if (buffer.length > MAX_MESSAGE) socket.destroy(); return; }
      const length = Number(/\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)/i.exec(buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      t.onMessage(buffer.subarray(0, end + 4 + length));
      buffer = buffer.subarray(end + 4 + length);
    }
  });
  socket.on('error', (e) => log(`uac tls ${worker.ip}:${worker.port}: ${e.message}`));
  return t;
}

/**
 * One signalling transport (udpTransport or tlsTransport) towards one worker, carrying many calls.
 * media: { open(id, port) -> Promise<void>, start(id, ip, port, ssrc, keys?), close(id) -> Promise<stats> }
 */
export class SipUac {
  constructor({ transport, worker, media, srtp = false }) {
    this.t = transport;
    this.address = transport.address;
    this.port = transport.port;
    this.worker = worker; // { ip, port }
    this.media = media;
    this.srtp = srtp;
    this.uriParams = transport.reliable ? ';transport=tls' : '';
    this.calls = new Map(); // Call-ID -> call
    transport.onMessage = (buf) => this.#onMessage(buf);
  }

  close() { this.t.close(); }

  #send(text) { this.t.send(text); }

  /** Runs one call to its end; resolves { established, failed, reason, endedBy, codes, rtp }. */
  call({ id, user, mediaPort, seconds }) {
    const callId = `${token()}@${this.address}`;
    const c = {
      id, user, mediaPort, seconds, callId, fromTag: token(), cseq: 1, codes: [], state: 'calling',
      inviteBranch: `z9hG4bK${token()}`, toHeader: '', remoteTarget: '', routes: [], timers: new Set(),
    };
    this.calls.set(callId, c);
    return new Promise((resolve) => {
      c.resolve = resolve;
      this.media.open(id, mediaPort).then(() => this.#invite(c), (e) => this.#finish(c, `media: ${e.message}`));
    });
  }

  #later(c, ms, fn) {
    const t = timer(() => { c.timers.delete(t); fn(); }, ms);
    c.timers.add(t);
    return t;
  }

  #cancel(c, t) { if (t) { clearTimeout(t); c.timers.delete(t); } }

  #from(c) { return `From: "bench" <sip:bench@${this.address}:${this.port}>;tag=${c.fromTag}`; }

  #invite(c) {
    const ruri = `sip:${c.user}@${this.worker.ip}:${this.worker.port}${this.uriParams}`;
    c.txKey = this.srtp ? randomBytes(30).toString('base64') : undefined; // 30 bytes: 40 digits, no padding
    const sdp = ['v=0', `o=bench ${c.id} 1 IN IP4 ${this.address}`, 's=-', `c=IN IP4 ${this.address}`, 't=0 0',
      `m=audio ${c.mediaPort} RTP/${this.srtp ? 'SAVP' : 'AVP'} 8 101`, 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16',
      ...(c.txKey ? [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${c.txKey}`] : []), 'a=sendrecv', ''].join('\r\n');
    c.invite = [`INVITE ${ruri} SIP/2.0`, `Via: SIP/2.0/${this.t.name} ${this.address}:${this.port};branch=${c.inviteBranch};rport`,
      this.#from(c), `To: <${ruri}>`, `Call-ID: ${c.callId}`, 'CSeq: 1 INVITE', `Contact: <sip:bench@${this.address}:${this.port};transport=${this.t.name.toLowerCase()}>`,
      'Max-Forwards: 70', `Diversion: <sip:${c.user}@${this.worker.ip}>;reason=no-answer`, 'Subject: OpenUM voice-mail bench',
      'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp].join('\r\n');
    this.#send(c.invite);
    // Timer A: T1, doubling, until a response (§17.1.1.2), unreliable transports only; Timer B: 64*T1
    const retransmit = (interval) => {
      c.timerA = this.#later(c, interval, () => { if (c.state === 'calling') { this.#send(c.invite); retransmit(interval * 2); } });
    };
    if (!this.t.reliable) retransmit(T1);
    c.timerB = this.#later(c, 64 * T1, () => { if (c.state === 'calling' || c.state === 'proceeding') this.#finish(c, 'INVITE timeout (Timer B)'); });
  }

  #onMessage(buf) {
    const m = parseSip(buf);
    if (!m) return;
    const c = this.calls.get(first(m, 'call-id'));
    if (m.method) return this.#onRequest(m, c);
    if (!c) return;
    const method = first(m, 'cseq').split(/\s+/)[1];
    if (!c.codes.includes(`${method} ${m.status}`)) c.codes.push(`${method} ${m.status}`); // once a call, as SIPp's Messages column
    if (method === 'INVITE') this.#onInviteResponse(c, m);
    else if (method === 'BYE' && c.state === 'bye-sent' && m.status >= 200) this.#finish(c, m.status < 300 ? undefined : `BYE answered ${m.status}`, 'caller');
    else if (method === 'BYE' && m.status < 200) c.byeProvisional = true;
  }

  #onInviteResponse(c, m) {
    if (m.status < 200) {
      if (c.state === 'calling') { c.state = 'proceeding'; this.#cancel(c, c.timerA); }
      return;
    }
    if (m.status >= 300) {
      // §17.1.1.3: the ACK of a non-2xx final is part of the transaction (same branch, To with tag)
      this.#send([`ACK sip:${c.user}@${this.worker.ip}:${this.worker.port}${this.uriParams} SIP/2.0`, `Via: SIP/2.0/${this.t.name} ${this.address}:${this.port};branch=${c.inviteBranch};rport`,
        this.#from(c), `To: ${first(m, 'to')}`, `Call-ID: ${c.callId}`, 'CSeq: 1 ACK', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n'));
      if (c.state === 'calling' || c.state === 'proceeding') this.#finish(c, `INVITE answered ${m.status}`);
      return;
    }
    if (c.state === 'calling' || c.state === 'proceeding') {
      this.#cancel(c, c.timerA);
      this.#cancel(c, c.timerB);
      c.toHeader = first(m, 'to');
      c.remoteTarget = uriOf(first(m, 'contact')) || `sip:${c.user}@${this.worker.ip}:${this.worker.port}${this.uriParams}`;
      c.routes = (m.headers.get('record-route') ?? []).flatMap((v) => v.split(/,(?=\s*<)/)).reverse(); // §12.1.2
      const media = answerMedia(m.body);
      const refused = !media ? 'no media in the answer' : this.srtp && !media.key ? 'no AES_CM_128_HMAC_SHA1_80 key in the answer' : undefined;
      if (refused) { c.state = 'confirmed'; this.#sendAck(c); return this.#bye(c, refused); }
      c.state = 'confirmed';
      c.established = true;
      this.#sendAck(c);
      this.media.start(c.id, media.ip, media.port, randomBytes(4).readUInt32BE(0), c.txKey ? { tx: c.txKey, rx: media.key } : undefined);
      c.hangup = this.#later(c, c.seconds * 1000, () => this.#bye(c));
    } else if (c.state === 'confirmed' || c.state === 'bye-sent') {
      this.#sendAck(c); // a retransmitted 2xx: our ACK was lost (§13.2.2.4)
    } else if (c.state === 'done' && !c.established && !c.lateBye) {
      // a 2xx after Timer B gave the call up: ACK it and end the session at once (§13.2.2.4)
      c.lateBye = true;
      c.toHeader = first(m, 'to');
      c.remoteTarget = uriOf(first(m, 'contact')) || `sip:${c.user}@${this.worker.ip}:${this.worker.port}${this.uriParams}`;
      this.#sendAck(c);
      this.#send(this.#inDialog(c, 'BYE', 2, `z9hG4bK${token()}`));
    }
  }

  #inDialog(c, method, cseq, branch) {
    return [`${method} ${c.remoteTarget} SIP/2.0`, `Via: SIP/2.0/${this.t.name} ${this.address}:${this.port};branch=${branch};rport`, this.#from(c),
      `To: ${c.toHeader}`, ...c.routes.map((r) => `Route: ${r}`), `Call-ID: ${c.callId}`, `CSeq: ${cseq} ${method}`, 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n');
  }

  // §13.2.2.4: the ACK of a 2xx is its own transaction (new branch), CSeq number of the INVITE
  #sendAck(c) { this.#send(this.#inDialog(c, 'ACK', 1, `z9hG4bK${token()}`)); }

  #bye(c, reason) {
    if (c.state !== 'confirmed') return;
    c.state = 'bye-sent';
    c.byeReason = reason;
    const bye = this.#inDialog(c, 'BYE', 2, `z9hG4bK${token()}`);
    this.#send(bye);
    // Timer E: T1 doubling up to T2, T2 once a provisional arrived (§17.1.2.2), unreliable only; Timer F: 64*T1
    const retransmit = (interval) => {
      this.#later(c, interval, () => { if (c.state === 'bye-sent') { this.#send(bye); retransmit(c.byeProvisional ? T2 : Math.min(interval * 2, T2)); } });
    };
    if (!this.t.reliable) retransmit(T1);
    this.#later(c, 64 * T1, () => { if (c.state === 'bye-sent') this.#finish(c, 'BYE timeout (Timer F)', 'caller'); });
  }

  #onRequest(m, c) {
    const answer = (status, reason) => this.#send([`SIP/2.0 ${status} ${reason}`, ...(m.headers.get('via') ?? []).map((v) => `Via: ${v}`),
      `From: ${first(m, 'from')}`, `To: ${first(m, 'to')}${tagOf(first(m, 'to')) || !c ? '' : `;tag=${c.fromTag}`}`,
      `Call-ID: ${first(m, 'call-id')}`, `CSeq: ${first(m, 'cseq')}`, 'Content-Length: 0', '', ''].join('\r\n'));
    if (m.method === 'ACK') return;
    if (!c) return answer(481, 'Call/Transaction Does Not Exist');
    if (m.method === 'BYE') {
      answer(200, 'OK');
      if (c.state === 'confirmed') this.#finish(c, 'BYE from the server before ours', 'server');
      return;
    }
    answer(m.method === 'INVITE' ? 488 : 200, m.method === 'INVITE' ? 'Not Acceptable Here' : 'OK');
  }

  #finish(c, failure, endedBy) {
    if (c.state === 'done') return;
    c.state = 'done';
    for (const t of c.timers) clearTimeout(t);
    c.timers.clear();
    // Keep the Call-ID for 64*T1 for retransmitted or late 2xx and BYE, then forget it.
    timer(() => this.calls.delete(c.callId), 64 * T1).unref();
    const failed = Boolean(failure || c.byeReason);
    this.media.close(c.id).then((rtp) => rtp, () => undefined).then((rtp) => c.resolve({
      established: Boolean(c.established), failed, reason: failure ?? c.byeReason, endedBy, codes: c.codes, rtp,
    }));
  }
}
