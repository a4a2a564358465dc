// Builds RtpSessions on loopback for tests and tears everything down after each test, so no socket
// outlives its test (an open socket would keep `node --test` from exiting). Each Fixtures runs on
// one RTP path (paths.ts): node:dgram, or the native batched receive and send.
import type { Socket } from 'node:dgram';
import { PortAllocator, type MediaPorts } from '../../../src/media/port-allocator.js';
import type { DatagramOut } from '../../../src/media/rtp/datagram-out.js';
import { RtpSession, type RtpSessionOptions } from '../../../src/media/rtp/rtp-session.js';
import { bindRaw, closeRaw } from './helpers.js';
import { RTP_PATHS, type RtpPath } from './paths.js';

export class Fixtures {
  readonly allocator: PortAllocator;
  readonly #out: DatagramOut | undefined;
  readonly #sessions: RtpSession[] = [];
  readonly #raws: Socket[] = [];
  readonly #ports: MediaPorts[] = [];

  constructor(path: RtpPath = RTP_PATHS[0]!) {
    const { polled, out } = path.skip ? { polled: undefined, out: undefined } : path.make();
    this.allocator = new PortAllocator({ min: 30000, max: 39999 }, polled);
    this.#out = out;
  }

  async ports(address = '127.0.0.1'): Promise<MediaPorts> {
    const p = await this.allocator.allocate(address);
    this.#ports.push(p);
    return p;
  }

  session(ports: MediaPorts, remote: RtpSessionOptions['remote'], options: Partial<RtpSessionOptions> = {}): RtpSession {
    const s = new RtpSession({ rtcpIntervalMs: 0, ...(this.#out ? { out: this.#out } : {}), ...options, ports, remote });
    this.#sessions.push(s);
    return s;
  }

  /** Two sessions on 127.0.0.1 pointed at each other, as after an offer/answer. */
  async pair(a: Partial<RtpSessionOptions> = {}, b: Partial<RtpSessionOptions> = {}): Promise<[RtpSession, RtpSession]> {
    const pa = await this.ports();
    const pb = await this.ports();
    return [
      this.session(pa, { address: '127.0.0.1', port: pb.port }, a),
      this.session(pb, { address: '127.0.0.1', port: pa.port }, b),
    ];
  }

  async raw(address = '127.0.0.1', port = 0): Promise<Socket> {
    const s = await bindRaw(address, port);
    this.#raws.push(s);
    return s;
  }

  async cleanup(): Promise<void> {
    const sessions = this.#sessions.splice(0);
    for (const s of sessions) s.close();
    await Promise.all(sessions.map((s) => s.closed));
    for (const p of this.#ports.splice(0)) p.release(); // idempotent: already released by close()
    await Promise.all(this.#raws.splice(0).map(closeRaw));
  }
}
