// Batched receive of every RTP socket of a media thread (issue 12). The native/udp addon opens
// and binds the IPv4 RTP sockets itself (udp_sockets.c), so libuv never reads them: no wake-up,
// Buffer and rinfo object per datagram. Once per media clock tick, before the calls' own ticks
// (MediaClock `first`), poll() hands the addon the list of descriptors; one recvBatch() call
// drains them all with non-blocking recvmmsg() into one preallocated arena and describes each
// datagram in an Int32Array (udp_recv.c). This side then walks the descriptors and gives each
// datagram to its session's sink as a range of the arena, consumed synchronously (the sessions
// copy only what they keep: datagram-in.ts). The kernel's receive time (SO_TIMESTAMPNS) comes with
// each datagram, so the RFC 3550 jitter and RTCP timing see when it arrived, not when the tick
// read it.
//
// What stays on node:dgram: RTCP (a report every ~5 s), IPv6 media (the addon opens IPv4 only),
// and everything when the addon is missing or OPENUM_NATIVE_RECV=0 / OPENUM_NATIVE=0.
//
// Latency: a datagram waits for the next tick (at most one frame, 20 ms) before the session sees
// it; the jitter buffer pops at that same tick, so audio is not delayed by more than that.
// Bounds: a tick reads at most MAX_ROUNDS arenas; per call the addon takes at most 256 datagrams
// from one socket, so a flooded port cannot starve the others (what it sent beyond that waits in,
// or overflows, its socket buffer, and is not counted by the session: the kernel drops it).
import { performance } from 'node:perf_hooks';
import type { MediaClock } from '../media-clock.js';
import type { DatagramSink } from '../rtp/datagram-in.js';
import type { TransportAddress } from '../rtp/source-latch.js';
import { intToIpv4, ipv4ToInt } from './ipv4.js';
import { NativeUdpSocket, type SocketOwner } from './native-udp-socket.js';
import { UDP_RECV_FIELDS as FIELDS, type UdpRecvAddon } from './udp.js';

/** Octets the addon gives each datagram: above the sessions' default maxPacketSize (1500). */
export const RECV_SLOT = 2048;
const ARENA_BYTES = 1024 * 1024;
const MAX_DATAGRAMS = 4096;
const MAX_ROUNDS = 8;
const DISCARD_BYTES = 16 * RECV_SLOT;
const DISCARD_ROUNDS = 64;

export class BatchedUdpIn implements SocketOwner {
  readonly #addon: UdpRecvAddon;
  readonly #clock: MediaClock;
  readonly #arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
  readonly #desc = new Int32Array(MAX_DATAGRAMS * FIELDS);
  readonly #state = new Int32Array(1);
  // Per slot (a socket's index in the list the addon reads): its fd (-1: free), its session's
  // sink (null: open, not attached yet: datagrams dropped), and its last source, so a call's
  // datagrams share one TransportAddress object.
  #fds = new Int32Array(64).fill(-1);
  #fromIp = new Int32Array(64);
  readonly #sinks: (DatagramSink | null)[] = [];
  readonly #from: (TransportAddress | undefined)[] = [];
  #slots = 0;
  readonly #free: number[] = [];
  /** Slots closed while descriptors that name them may still be walked: free from the next poll. */
  readonly #freed: number[] = [];
  #open = 0;
  #start = 0;
  #dispatching = false;
  #unsubscribe: (() => void) | undefined;
  #discard: { arena: Buffer; desc: Int32Array } | undefined;
  readonly #poll = (): void => this.poll();
  /** For benchmarks and tests: polls, addon calls, datagrams handed to sessions, dropped (no session yet). */
  readonly counts = { polls: 0, reads: 0, datagrams: 0, dropped: 0, sinkErrors: 0, readErrors: 0 };

  constructor(addon: UdpRecvAddon, clock: MediaClock) {
    this.#addon = addon;
    this.#clock = clock;
  }

  get sockets(): number {
    return this.#open;
  }

  /** A socket bound to address:port, or undefined (not IPv4: use dgram; or the port is taken). */
  open(address: string, port: number): NativeUdpSocket | undefined {
    const ip = ipv4ToInt(address);
    if (ip === undefined) return undefined;
    const fd = this.#addon.openUdp4(ip, port);
    if (fd < 0) return undefined;
    const slot = this.#free.pop() ?? this.#slots++;
    if (slot >= this.#fds.length) this.#grow();
    this.#fds[slot] = fd;
    this.#sinks[slot] = null;
    this.#from[slot] = undefined;
    if (this.#open++ === 0) this.#unsubscribe = this.#clock.subscribe(this.#poll, { first: true });
    return new NativeUdpSocket(fd, slot, this, this.#addon);
  }

  /** Drops what arrived before the session was there (a dgram socket with no listener would). */
  attach(slot: number, sink: DatagramSink): void {
    this.#discard ??= { arena: Buffer.allocUnsafeSlow(DISCARD_BYTES), desc: new Int32Array(16 * FIELDS) };
    const { arena, desc } = this.#discard;
    for (let i = 0; i < DISCARD_ROUNDS; i++) {
      if (this.#addon.recvBatch(this.#fds, slot, slot + 1, arena, RECV_SLOT, desc, this.#state) === 0) break;
    }
    this.#sinks[slot] = sink;
  }

  close(slot: number, fd: number): void {
    if (this.#fds[slot] !== fd) return;
    this.#fds[slot] = -1;
    this.#sinks[slot] = null;
    this.#from[slot] = undefined;
    this.#addon.closeUdp(fd);
    (this.#dispatching ? this.#freed : this.#free).push(slot);
    if (--this.#open === 0) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    }
  }

  /** Reads every socket and hands each datagram to its session (the clock calls it every tick). */
  poll(): void {
    if (this.#freed.length > 0) this.#free.push(...this.#freed.splice(0));
    const n = this.#slots;
    if (n === 0) return;
    this.counts.polls++;
    let at = this.#start < n ? this.#start : 0;
    let left = n;
    for (let round = 0; left > 0 && round < MAX_ROUNDS; round++) {
      const to = Math.min(n, at + left);
      const before = performance.now(); // the addon reads the wall clock as it starts: ages count from here
      let count: number;
      try {
        count = this.#addon.recvBatch(this.#fds, at, to, this.#arena, RECV_SLOT, this.#desc, this.#state);
      } catch {
        this.counts.readErrors++; // cannot happen with our own arrays; never break the clock
        break;
      }
      this.counts.reads++;
      const next = this.#state[0]!;
      this.#dispatch(count, before);
      left -= next - at;
      at = next >= n ? 0 : next;
    }
    // Out of rounds (a flood): the next tick starts with the sockets not read in this one.
    this.#start = left > 0 ? at : 0;
  }

  #dispatch(count: number, now: number): void {
    const d = this.#desc;
    this.#dispatching = true;
    try {
      for (let j = 0; j < count * FIELDS; j += FIELDS) {
        const slot = d[j]!;
        const sink = this.#sinks[slot];
        if (!sink) {
          this.counts.dropped++;
          continue;
        }
        const length = d[j + 2]!;
        try {
          if (length < 0) sink.error();
          else if (length > RECV_SLOT) sink.oversized();
          else {
            const offset = d[j + 1]!;
            this.counts.datagrams++;
            sink.datagram(this.#arena, offset, length, this.#source(slot, d[j + 4]!, d[j + 3]!), now - d[j + 5]! / 1000);
          }
        } catch {
          this.counts.sinkErrors++; // a session's own guard should have caught it; the others go on
        }
      }
    } finally {
      this.#dispatching = false;
    }
  }

  #source(slot: number, ip: number, port: number): TransportAddress {
    const last = this.#from[slot];
    if (last !== undefined && last.port === port && this.#fromIp[slot] === ip) return last;
    const from = { address: intToIpv4(ip), port };
    this.#from[slot] = from;
    this.#fromIp[slot] = ip;
    return from;
  }

  #grow(): void {
    const fds = new Int32Array(this.#fds.length * 2).fill(-1);
    fds.set(this.#fds);
    const fromIp = new Int32Array(fds.length);
    fromIp.set(this.#fromIp);
    this.#fds = fds;
    this.#fromIp = fromIp;
  }
}
