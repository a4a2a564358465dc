// A tiny SIP UAC over UDP with its own RTP socket, for tests that must send exact datagrams from
// the caller's own media address (which SIPp's sockets would hold): INVITE with an SDP offer
// (PCMA + telephone-event) → 200 → ACK, paced PCMA RTP, BYE. No retransmissions: loopback only.
import { createSocket, type Socket } from 'node:dgram';
import { request } from './um-setup.js';

export interface TinyCall {
  callId: string;
  /** the server's RTP address and port from the SDP answer */
  remoteRtp: { address: string; port: number };
  rtp: Socket;
  /** RTP packets sent so far (each Buffer as sent), for replays */
  sent: Buffer[];
  /** sends PCMA frames (160 bytes each) every 20 ms until stopAudio(); resolves when stopped */
  startAudio(frames: Buffer[]): Promise<void>;
  stopAudio(): void;
  bye(): Promise<string>;
  /** a BYE from the server, answered 200 (resolves with it) */
  serverBye: Promise<string>;
  close(): void;
}

function once(sock: Socket, match: (m: string) => boolean, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sock.off('message', on); reject(new Error(`tiny UAC: no ${what} within ${timeoutMs} ms`)); }, timeoutMs);
    timer.unref(); // a waiter never keeps the test process alive (the socket does while open)
    const on = (m: Buffer) => {
      const s = m.toString('latin1');
      if (!match(s)) return;
      clearTimeout(timer);
      sock.off('message', on);
      resolve(s);
    };
    sock.on('message', on);
  });
}

const header = (msg: string, name: string): string => new RegExp(`^${name}:\\s*([^\\r\\n]*)`, 'im').exec(msg)?.[1] ?? '';

const bind = (address: string, port: number): Promise<Socket> => new Promise((resolve, reject) => {
  const s = createSocket('udp4');
  s.once('error', reject);
  s.bind(port, address, () => resolve(s));
});

/** Places a call from `from` (the gateway's address) to target; resolves once ACKed. */
export async function tinyCall(o: { from: string; sipPort: number; rtpPort: number; target: { address: string; port: number }; uri: string; headers?: string[] }): Promise<TinyCall> {
  const sip = await bind(o.from, o.sipPort);
  const rtp = await bind(o.from, o.rtpPort);
  const sdp = ['v=0', `o=tiny 1 1 IN IP4 ${o.from}`, 's=-', `c=IN IP4 ${o.from}`, 't=0 0', `m=audio ${o.rtpPort} RTP/AVP 8 101`,
    'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
  const invite = request('INVITE', o.uri, o.from, o.sipPort, [`Contact: <sip:gw@${o.from}:${o.sipPort}>`, 'Content-Type: application/sdp', ...(o.headers ?? [])], sdp);
  const callId = header(invite, 'Call-ID');
  const from = header(invite, 'From');
  const send = (m: string) => new Promise<void>((r) => sip.send(Buffer.from(m, 'latin1'), o.target.port, o.target.address, () => r()));
  const ok = once(sip, (m) => /^SIP\/2\.0 [2-6]\d\d /.test(m) && header(m, 'CSeq').endsWith('INVITE'), 10_000, 'final answer to INVITE');
  await send(invite);
  const answer = await ok;
  if (!/^SIP\/2\.0 200 /.test(answer)) {
    sip.close(); rtp.close();
    throw new Error(`tiny UAC: INVITE answered ${answer.split('\r\n')[0]}`);
  }
  const to = header(answer, 'To');
  const contact = /<([^>]+)>/.exec(header(answer, 'Contact'))?.[1] ?? o.uri;
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  const remoteRtp = { address: /^c=IN IP4 (\S+)/m.exec(body)?.[1] ?? o.target.address, port: Number(/^m=audio (\d+)/m.exec(body)?.[1]) };
  const inDialog = (method: string, cseq: number) => [
    `${method} ${contact} SIP/2.0`, `Via: SIP/2.0/UDP ${o.from}:${o.sipPort};branch=z9hG4bK${Math.random().toString(36).slice(2)};rport`,
    'Max-Forwards: 70', `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`, 'Content-Length: 0', '', ''].join('\r\n');
  await send(inDialog('ACK', 1));

  const serverBye = once(sip, (m) => m.startsWith('BYE '), 600_000, 'BYE').then(async (m) => {
    const reply = ['SIP/2.0 200 OK', ...['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((h) => `${h}: ${header(m, h)}`), 'Content-Length: 0', '', ''].join('\r\n');
    await send(reply);
    return m;
  });
  serverBye.catch(() => undefined);

  const sent: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let done: (() => void) | undefined;
  const ssrc = Math.floor(Math.random() * 0xffffffff);
  let seq = Math.floor(Math.random() * 30000);
  let ts = Math.floor(Math.random() * 1e9);
  return {
    callId, remoteRtp, rtp, sent, serverBye,
    startAudio: (frames) => new Promise<void>((resolve) => {
      done = resolve;
      let i = 0;
      const t0 = Date.now();
      const tick = () => {
        // paced on the wall clock: packet n at t0 + 20 n ms
        while (Date.now() >= t0 + i * 20) {
          const h = Buffer.alloc(12);
          h[0] = 0x80; h[1] = (i === 0 ? 0x80 : 0) | 8;
          h.writeUInt16BE(seq & 0xffff, 2); h.writeUInt32BE(ts >>> 0, 4); h.writeUInt32BE(ssrc, 8);
          const pkt = Buffer.concat([h, frames[i % frames.length] ?? Buffer.alloc(160, 0xd5)]);
          rtp.send(pkt, remoteRtp.port, remoteRtp.address);
          sent.push(pkt);
          seq++; ts += 160; i++;
        }
        timer = setTimeout(tick, 5);
      };
      tick();
    }),
    stopAudio: () => { if (timer) clearTimeout(timer); timer = undefined; done?.(); },
    bye: async () => {
      const r = once(sip, (m) => /^SIP\/2\.0 \d{3} /.test(m) && header(m, 'CSeq').endsWith('BYE'), 5000, 'answer to BYE');
      await send(inDialog('BYE', 2));
      return r;
    },
    close: () => { if (timer) clearTimeout(timer); sip.close(); rtp.close(); },
  };
}
