// SIP over TLS from node for bench/swaps.mjs: a connection that tells which certificate the server
// presented (SHA-1 thumbprint, as `openum certificate list` shows it) and sends requests on it,
// one at a time, each answered by its final response (provisional ones skipped) or a timeout.
import { randomBytes } from 'node:crypto';
import { clearTimeout, setTimeout } from 'node:timers';
import { connect } from 'node:tls';

const rand = () => randomBytes(6).toString('hex');

export class SipTlsConnection {
  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.waiting = undefined;
    this.closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d) => { this.buffer += d; this.#drain(); });
    socket.on('close', () => { this.closed = true; this.waiting?.reject(new Error('connection closed')); this.waiting = undefined; });
    socket.on('error', () => undefined);
  }

  /** Connects; resolves once the handshake is done. */
  static open(host, port, { local, cert, key, timeoutMs = 10_000 } = {}) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, rejectUnauthorized: false, ...(local ? { localAddress: local } : {}), ...(cert ? { cert, key } : {}) });
      const t = setTimeout(() => { socket.destroy(); reject(new Error(`TLS ${host}:${port}: no handshake within ${timeoutMs} ms`)); }, timeoutMs);
      socket.once('secureConnect', () => { clearTimeout(t); resolve(new SipTlsConnection(socket)); });
      socket.once('error', (e) => { clearTimeout(t); reject(e); });
    });
  }

  /** The server certificate's SHA-1 thumbprint, upper-case hex without colons. */
  get thumbprint() {
    return (this.socket.getPeerCertificate()?.fingerprint ?? '').replace(/:/g, '').toUpperCase();
  }

  #drain() {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.slice(0, end);
      const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      this.buffer = this.buffer.slice(end + 4 + length);
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(head)?.[1] ?? 0);
      if (status >= 200 && this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve({ status, head });
      }
    }
  }

  /** Sends a request text; resolves with the final response's status and head. */
  request(text, timeoutMs = 10_000) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiting = undefined; reject(new Error(`no final response within ${timeoutMs} ms`)); }, timeoutMs);
      this.waiting = { resolve: (r) => { clearTimeout(t); resolve(r); }, reject: (e) => { clearTimeout(t); reject(e); } };
      this.socket.write(text);
    });
  }

  send(text) {
    if (!this.closed) this.socket.write(text);
  }

  close() {
    this.socket.end();
    this.socket.destroy();
  }

  get localPort() { return this.socket.localPort; }

  get local() { return this.socket.localAddress; }
}

/** An OPTIONS request (RFC 3261 §11) to user@host:port over this connection. */
export function options(c, host, port) {
  const callId = `${rand()}@swaps`;
  return `OPTIONS sip:ping@${host}:${port};transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS ${c.local}:${c.localPort};branch=z9hG4bK-${rand()};rport\r\n` +
    `From: <sip:swaps@${c.local}>;tag=${rand()}\r\nTo: <sip:ping@${host}>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}

/**
 * A call over TLS through the whole path, as a gateway that follows redirects places it (RFC 3261
 * §8.1.3.4; one Call-ID): INVITE to the Call Router on `conns.get(5061)` -> 302 -> ACK, INVITE to
 * the Contact's port on `conns.get(port)` (the UM service) -> 302 -> ACK, INVITE to the worker ->
 * 200 -> ACK (RFC 3261 §13.2.2.4) -> BYE -> 200. Each hop's connection is the caller's (already
 * checked for the certificate it presented). Returns the statuses seen, hop by hop, and the ports used.
 */
export async function tlsCall(conns, host, routerPort, user) {
  const callId = `${rand()}@swaps-tls`;
  const tag = rand();
  const statuses = [];
  const ports = [routerPort];
  let uri = `sip:${user}@${host}:${routerPort};transport=tls`;
  let c = conns.get(routerPort);
  for (let cseq = 1; cseq <= 3; cseq++) {
    const branch = `z9hG4bK-${rand()}`;
    const via = `Via: SIP/2.0/TLS ${c.local}:${c.localPort};branch=${branch};rport`;
    const from = `From: <sip:swaps@${c.local}>;tag=${tag}`;
    const sdp = `v=0\r\no=swaps 1 1 IN IP4 ${c.local}\r\ns=-\r\nc=IN IP4 ${c.local}\r\nt=0 0\r\nm=audio 9 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n`;
    const r = await c.request(`INVITE ${uri} SIP/2.0\r\n${via}\r\n${from}\r\nTo: <sip:${user}@${host}>\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} INVITE\r\n` +
      `Contact: <sip:swaps@${c.local}:${c.localPort};transport=tls>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`);
    statuses.push(r.status);
    const to = /^(?:To|t):.*$/im.exec(r.head)?.[0] ?? `To: <sip:${user}@${host}>`;
    const contact = /^(?:Contact|m):\s*<?([^>\r\n]+)>?/im.exec(r.head)?.[1] ?? '';
    if (r.status >= 300) c.send(`ACK ${uri} SIP/2.0\r\n${via}\r\n${from}\r\n${to}\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`);
    if (r.status === 302) {
      const port = Number(/@[^:;>]+:(\d+)/.exec(contact)?.[1]);
      if (!conns.has(port)) return { statuses, ports, error: `302 to ${contact}: no connection to port ${port}` };
      c = conns.get(port);
      ports.push(port);
      uri = contact;
      continue;
    }
    if (r.status !== 200) return { statuses, ports };
    const target = contact || uri;
    const hop = () => `Via: SIP/2.0/TLS ${c.local}:${c.localPort};branch=z9hG4bK-${rand()};rport\r\n${from}\r\n${to}\r\nCall-ID: ${callId}\r\n`;
    c.send(`ACK ${target} SIP/2.0\r\n${hop()}CSeq: ${cseq} ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`);
    const bye = await c.request(`BYE ${target} SIP/2.0\r\n${hop()}CSeq: ${cseq + 1} BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`);
    statuses.push(bye.status);
    return { statuses, ports, answered: true };
  }
  return { statuses, ports, error: 'more than two redirects' };
}
