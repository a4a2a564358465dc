// Test peers for the transport layer: raw UDP/TCP/TLS clients that write exact bytes, a message
// collector, certificates made with the openssl command line, and a check that no socket is left.
import { X509Certificate } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, createSecureContext, type SecureContext } from 'node:tls';
import type { InboundMessage, TransportProtocol } from '../../../src/sip/transport/types.js';
import { makeCa } from '../../support/ca.js';
import { openssl } from '../../support/run.js';

export function sipRequest(n: number | string, protocol = 'TCP', body = ''): string {
  return `OPTIONS sip:um@openum.test SIP/2.0\r\nVia: SIP/2.0/${protocol.toUpperCase()} 127.0.0.1:5060;branch=z9hG4bK-${n}\r\n`
    + `Max-Forwards: 70\r\nTo: <sip:um@openum.test>\r\nFrom: <sip:gw@openum.test>;tag=${n}\r\nCall-ID: call-${n}\r\n`
    + `CSeq: 1 OPTIONS\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function sipResponse(n: number | string, status = 200, reason = 'OK'): string {
  return `SIP/2.0 ${status} ${reason}\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-${n}\r\n`
    + `To: <sip:um@openum.test>;tag=x\r\nFrom: <sip:gw@openum.test>;tag=${n}\r\nCall-ID: call-${n}\r\n`
    + 'CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
}

/** Polls `cond` every 5 ms; fails naming `what` after `ms`. */
export async function waitUntil(cond: () => boolean, what: string, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function collect(layer: { onMessage(h: (m: InboundMessage) => void): void }): InboundMessage[] {
  const got: InboundMessage[] = [];
  layer.onMessage((m) => got.push(m));
  return got;
}

/** A raw peer: bytes in, bytes out, no SIP knowledge. */
export interface RawPeer {
  local: { address: string; port: number };
  /** Stream bytes received so far, or the datagrams received. */
  readonly bytes: Buffer;
  readonly datagrams: Buffer[];
  readonly closed: boolean;
  write(data: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface TlsClientOptions { cert?: string; key?: string }

export async function rawPeer(protocol: TransportProtocol, address: string, port: number, tls?: TlsClientOptions): Promise<RawPeer> {
  if (protocol === 'udp') return udpPeer(address, port);
  let socket: Socket;
  if (protocol === 'tls') {
    socket = tlsConnect({ host: address, port, rejectUnauthorized: false,
      ...(tls?.cert && tls.key ? { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}) });
  } else {
    socket = netConnect({ host: address, port, noDelay: true });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once(protocol === 'tls' ? 'secureConnect' : 'connect', () => { socket.off('error', reject); resolve(); });
  });
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  socket.on('close', () => { closed = true; });
  return {
    local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    get bytes() { return Buffer.concat(chunks); },
    datagrams: [],
    get closed() { return closed; },
    write: (data) => new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise((resolve) => {
      if (closed) { resolve(); return; }
      socket.once('close', () => resolve());
      socket.destroy();
    }),
  };
}

async function udpPeer(address: string, port: number): Promise<RawPeer> {
  const socket: UdpSocket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  const datagrams: Buffer[] = [];
  let closed = false;
  socket.on('message', (d) => datagrams.push(d));
  return {
    local: { address, port: socket.address().port },
    get bytes() { return Buffer.concat(datagrams); },
    datagrams,
    get closed() { return closed; },
    write: (data) => new Promise((resolve, reject) => socket.send(typeof data === 'string' ? Buffer.from(data) : data, port, address,
      (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise((resolve) => {
      if (closed) { resolve(); return; }
      closed = true;
      socket.close(() => resolve());
    }),
  };
}

export interface TestCerts {
  dir: string;
  caPath: string;
  /** Two server identities, to swap between. */
  serverA: { cert: string; key: string; context: SecureContext; sha1: string; der: Buffer };
  serverB: { cert: string; key: string; context: SecureContext; sha1: string; der: Buffer };
  client: { cert: string; key: string; context: SecureContext; der: Buffer };
  /** DER of the CA certificate (the chain a client presents when it sends its issuer). */
  caDer: Buffer;
}

async function issue(ca: Awaited<ReturnType<typeof makeCa>>, dir: string, cn: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${cn}.key`);
  const csr = join(dir, `${cn}.csr`);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key,
    '-subj', `/CN=${cn}`, '-out', csr]);
  return { cert: await ca.sign(csr, { sans: [cn] }), key };
}

/** Colon-separated upper-case SHA-1, as `openssl x509 -fingerprint -sha1` prints it. */
export const sha1Of = (pem: string): string => new X509Certificate(readFileSync(pem)).fingerprint;

const derOf = (pem: string): Buffer => Buffer.from(new X509Certificate(readFileSync(pem)).raw);

export async function makeCerts(dir: string): Promise<TestCerts> {
  const ca = await makeCa(dir, 'Transport Test CA');
  const a = await issue(ca, dir, 'um-a.openum.test');
  const b = await issue(ca, dir, 'um-b.openum.test');
  const c = await issue(ca, dir, 'gateway.openum.test');
  const ctx = (x: { cert: string; key: string }, withCa = false): SecureContext => createSecureContext({
    cert: withCa ? Buffer.concat([readFileSync(x.cert), readFileSync(ca.certPath)]) : readFileSync(x.cert),
    key: readFileSync(x.key),
  });
  return {
    dir,
    caPath: ca.certPath,
    serverA: { ...a, context: ctx(a), sha1: sha1Of(a.cert), der: derOf(a.cert) },
    serverB: { ...b, context: ctx(b), sha1: sha1Of(b.cert), der: derOf(b.cert) },
    client: { ...c, context: ctx(c, true), der: derOf(c.cert) },
    caDer: derOf(ca.certPath),
  };
}

/** Socket handles still open in this process (should be none once a test file is done). */
export function openSockets(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /TCP|UDP|TLS/i.test(r));
}
