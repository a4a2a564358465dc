// An IPv4 RTP socket that the native/udp addon opened and the media thread's BatchedUdpIn reads
// (udp-batch-in.ts): the PolledUdpSocket of ../rtp/datagram-in.ts. libuv never sees it. RTP
// packets leave through the batched sender (udp-batch-out.ts, by `fd`); send() here is for the rare
// datagram sent on its own (RTCP on an rtcp-mux port, the RTCP BYE), with one sendto() at once.
import { lookup } from 'node:dns';
import type { DatagramSink, PolledUdpSocket } from '../rtp/datagram-in.js';
import type { TransportAddress } from '../rtp/source-latch.js';
import { ipv4ToInt } from './ipv4.js';
import { UDP_BATCH_FIELDS, type UdpAddon } from './udp.js';

/** A send() that failed: `errno` from the kernel, or 0 when it never reached it (closed, bad address). */
export class NativeUdpError extends Error {
  readonly errno: number;
  constructor(message: string, errno = 0) {
    super(message);
    this.name = 'NativeUdpError';
    this.errno = errno;
  }
}

/** What the socket needs from the receiver that polls it. */
export interface SocketOwner {
  attach(slot: number, sink: DatagramSink): void;
  close(slot: number, fd: number): void;
}

export class NativeUdpSocket implements PolledUdpSocket {
  readonly fd: number;
  readonly #slot: number;
  readonly #owner: SocketOwner;
  readonly #addon: UdpAddon;
  readonly #desc = new Int32Array(UDP_BATCH_FIELDS);
  readonly #result = new Int32Array(1);
  #closed = false;

  constructor(fd: number, slot: number, owner: SocketOwner, addon: UdpAddon) {
    this.fd = fd;
    this.#slot = slot;
    this.#owner = owner;
    this.#addon = addon;
  }

  attach(sink: DatagramSink): void {
    if (!this.#closed) this.#owner.attach(this.#slot, sink);
  }

  send(wire: Buffer, to: TransportAddress, done: (error: Error | null) => void): void {
    const ip = ipv4ToInt(to.address);
    if (ip !== undefined) {
      const error = this.#sendNow(wire, ip, to.port);
      queueMicrotask(() => done(error));
      return;
    }
    // Not an IPv4 literal: an FQDN in the SDP's c= line, resolved as dgram's lookup would.
    lookup(to.address, { family: 4 }, (err, address) => {
      const resolved = err ? undefined : ipv4ToInt(address);
      done(resolved === undefined ? new NativeUdpError(`cannot send to ${to.address}: ${err?.message ?? 'no IPv4 address'}`) : this.#sendNow(wire, resolved, to.port));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#owner.close(this.#slot, this.fd);
  }

  #sendNow(wire: Buffer, ip: number, port: number): NativeUdpError | null {
    if (this.#closed) return new NativeUdpError('the socket is closed');
    const d = this.#desc;
    d[0] = this.fd;
    d[1] = 0;
    d[2] = wire.length;
    d[3] = port;
    d[4] = ip;
    try {
      if (this.#addon.sendBatch(wire, d, 1, this.#result) === 0) return null;
      return new NativeUdpError(`sendto failed (errno ${this.#result[0]})`, this.#result[0]);
    } catch (e) {
      return new NativeUdpError(e instanceof Error ? e.message : String(e)); // a port out of range
    }
  }
}
