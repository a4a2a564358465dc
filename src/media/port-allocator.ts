// RTP/RTCP ports from the configured UDP range (seeds: 1024–65535 by default): an even port for
// RTP and the next odd one for RTCP (RFC 3550 §11), both bound at once so no other process takes
// them, and released when the call ends. With a polled-socket opener (the media thread's batched
// native receiver, native/udp-batch-in.ts) the RTP socket of an IPv4 address is its; RTCP, and
// RTP on IPv6, are node:dgram sockets.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { literalLookup } from './literal-lookup.js';
import type { PolledUdpSocket, RtpSocket } from './rtp/datagram-in.js';

export interface MediaPorts {
  rtp: RtpSocket;
  rtcp: Socket;
  port: number;
  release(): void;
}

/** Opens a polled RTP socket bound to address:port, or undefined (an address it does not take, the port in use). */
export interface PolledSocketOpener {
  open(address: string, port: number): PolledUdpSocket | undefined;
}

export class PortAllocator {
  readonly #min: number;
  readonly #max: number;
  readonly #inUse = new Set<number>();
  readonly #polled: PolledSocketOpener | undefined;

  constructor(range: { min: number; max: number }, polled?: PolledSocketOpener) {
    this.#min = range.min % 2 === 0 ? range.min : range.min + 1;
    this.#max = range.max;
    this.#polled = polled;
    if (this.#max - this.#min < 1) throw new Error(`the RTP port range ${range.min}-${range.max} has no even/odd pair`);
  }

  get inUse(): number {
    return this.#inUse.size;
  }

  async allocate(address: string, attempts = 50): Promise<MediaPorts> {
    const pairs = Math.floor((this.#max - this.#min + 1) / 2);
    const v6 = address.includes(':');
    const polled = isIPv4(address) ? this.#polled : undefined;
    for (let i = 0; i < attempts; i++) {
      const port = this.#min + 2 * Math.floor(Math.random() * pairs);
      if (this.#inUse.has(port) || port + 1 > this.#max) continue;
      const type = v6 ? 'udp6' : 'udp4';
      // literalLookup: a send to an IP literal goes out at once, not a tick later (literal-lookup.ts).
      let rtp: RtpSocket | undefined;
      let rtcp: Socket | undefined;
      try {
        if (polled) {
          rtp = polled.open(address, port);
          if (!rtp) continue; // the port is taken
        } else {
          const socket = createSocket({ type, lookup: literalLookup });
          rtp = socket;
          await bind(socket, port, address);
        }
        rtcp = createSocket({ type, lookup: literalLookup });
        await bind(rtcp, port + 1, address);
      } catch {
        rtp?.close();
        rtcp?.close();
        continue;
      }
      this.#inUse.add(port);
      let released = false;
      const [bound, control] = [rtp, rtcp];
      return {
        rtp: bound, rtcp: control, port,
        release: () => {
          if (released) return;
          released = true;
          this.#inUse.delete(port);
          bound.close();
          control.close();
        },
      };
    }
    throw new Error(`no free RTP port pair in ${this.#min}-${this.#max} after ${attempts} attempts`);
  }
}

function bind(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
