// RTP/RTCP ports from the configured UDP range (seeds: 1024–65535 by default): an even port for
// RTP and the next odd one for RTCP (RFC 3550 §11), both bound at once so no other process takes
// them, and released when the call ends.
import { createSocket, type Socket } from 'node:dgram';
import { literalLookup } from './literal-lookup.js';

export interface MediaPorts {
  rtp: Socket;
  rtcp: Socket;
  port: number;
  release(): void;
}

export class PortAllocator {
  readonly #min: number;
  readonly #max: number;
  readonly #inUse = new Set<number>();

  constructor(range: { min: number; max: number }) {
    this.#min = range.min % 2 === 0 ? range.min : range.min + 1;
    this.#max = range.max;
    if (this.#max - this.#min < 1) throw new Error(`the RTP port range ${range.min}-${range.max} has no even/odd pair`);
  }

  get inUse(): number {
    return this.#inUse.size;
  }

  async allocate(address: string, attempts = 50): Promise<MediaPorts> {
    const pairs = Math.floor((this.#max - this.#min + 1) / 2);
    for (let i = 0; i < attempts; i++) {
      const port = this.#min + 2 * Math.floor(Math.random() * pairs);
      if (this.#inUse.has(port) || port + 1 > this.#max) continue;
      const type = address.includes(':') ? 'udp6' : 'udp4';
      // literalLookup: a send to an IP literal goes out at once, not a tick later (literal-lookup.ts).
      const rtp = createSocket({ type, lookup: literalLookup });
      const rtcp = createSocket({ type, lookup: literalLookup });
      try {
        await bind(rtp, port, address);
        await bind(rtcp, port + 1, address);
      } catch {
        rtp.close();
        rtcp.close();
        continue;
      }
      this.#inUse.add(port);
      let released = false;
      return {
        rtp, rtcp, port,
        release: () => {
          if (released) return;
          released = true;
          this.#inUse.delete(port);
          rtp.close();
          rtcp.close();
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
