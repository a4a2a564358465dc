// RTP packets of every call on a media thread sent in one native call per clock tick (issue 12).
// Each session's send() copies its packet into one arena and describes it (fd, offset, length,
// port, IPv4), or a plain RTP session writes it there itself (reserve()); a microtask queued by
// the first packet of a turn hands the whole batch to the native/udp addon once the clock's
// synchronous run is over. So a tick costs one crossing into C
// and one sendto() (or sendmmsg() for several packets of one socket) per packet, instead of
// dgram's per-send JavaScript, SendWrap and callback tick.
// What it does not take (the session then sends with dgram): IPv6 destinations, a socket without
// a descriptor, a packet larger than the arena. A packet the kernel refuses (EAGAIN when a socket
// buffer is full) is dropped and counted by the session: late media is worth nothing.
//
// Paced (a UdpPaceAddon: the media thread with the batched receive, OPENUM_MEDIA_PACE not 0): a
// flush with the time the packets are due (the clock's next frame, media-clock.ts) hands them to
// the addon's pacer thread (native/udp/udp_pacer.c), which sends them exactly then, in order,
// whatever the media thread's JavaScript is doing; failures come back with later batches. Only
// the addon's own sockets are taken (their closing waits for the queue); the rest go by dgram.
import type { Socket } from 'node:dgram';
import { isPolled, type RtpSocket } from '../rtp/datagram-in.js';
import type { DatagramOut } from '../rtp/datagram-out.js';
import type { TransportAddress } from '../rtp/source-latch.js';
import { ipv4ToInt } from './ipv4.js';
import { performance } from 'node:perf_hooks';
import { UDP_BATCH_FIELDS as FIELDS, type UdpAddon, type UdpPaceAddon } from './udp.js';

const ARENA_BYTES = 256 * 1024;
const MAX_PACKETS = 2048;
/** Batches the pacer can hold (udp_pacer.c SLOTS): the failure callbacks of as many are kept. */
const PACED = 16;
/** Failures reported per paceBatch() call at most; the rest come with the next. */
const REPORT_PAIRS = 1024;

/**
 * The descriptor under a bound dgram socket (Linux), read from its handle; -1 when there is none.
 * Only for RTP received by dgram (OPENUM_NATIVE_RECV=0, bench/media-path.mjs and udp-send.mjs):
 * the media thread's IPv4 RTP sockets are the addon's own (udp-batch-in.ts), whose fd is public.
 */
function fdOf(socket: Socket): number {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle = state ? (socket as unknown as Record<symbol, { handle?: { fd?: unknown } | null }>)[state]?.handle : undefined;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

export class BatchedUdpOut implements DatagramOut {
  readonly #addon: UdpAddon;
  readonly #pacer: UdpPaceAddon | undefined;
  /** The failure callbacks of the batches the pacer holds, by batch number % PACED. */
  readonly #inFlight: { seq: number; failed: (() => void)[] }[] = Array.from({ length: PACED }, () => ({ seq: -1, failed: [] }));
  readonly #paceReport = new Int32Array(2 + 2 * REPORT_PAIRS);
  readonly #arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
  readonly #desc = new Int32Array(MAX_PACKETS * FIELDS);
  readonly #results = new Int32Array(MAX_PACKETS);
  #failed: (() => void)[] = [];
  readonly #fds = new WeakMap<Socket, number>();
  #count = 0;
  #used = 0;
  #scheduled = false;
  // The last destination address converted (a call sends to the same one every time).
  #lastAddress = '';
  #lastIp = 0;
  readonly #flushTask = (): void => {
    this.#scheduled = false;
    this.flush();
  };
  /** Native calls made and packets they carried (for benchmarks); batches the pacer took. */
  batches = 0;
  packets = 0;
  paced = 0;

  /** `pacer`: the same addon when it can pace (udp.ts loadUdpPaceAddon), else undefined. */
  constructor(addon: UdpAddon, pacer?: UdpPaceAddon) {
    this.#addon = addon;
    this.#pacer = pacer;
  }

  get arena(): Buffer {
    return this.#arena;
  }

  send(socket: RtpSocket, wire: Buffer, to: TransportAddress, failed: () => void): boolean {
    const at = this.reserve(socket, to, wire.length, failed);
    if (at < 0) return false;
    this.#arena.set(wire, at);
    return true;
  }

  reserve(socket: RtpSocket, to: TransportAddress, length: number, failed: () => void): number {
    if (length > ARENA_BYTES) return -1;
    if (to.address !== this.#lastAddress) {
      const ip = ipv4ToInt(to.address);
      if (ip === undefined) return -1;
      this.#lastAddress = to.address;
      this.#lastIp = ip;
    }
    // Paced, only the addon's own sockets: a dgram socket's descriptor could be closed and reused
    // while its packet waits in the pacer.
    if (this.#pacer && !isPolled(socket)) return -1;
    let fd = isPolled(socket) ? socket.fd : this.#fds.get(socket);
    if (fd === undefined) {
      fd = fdOf(socket as Socket);
      if (fd >= 0) this.#fds.set(socket as Socket, fd);
    }
    if (fd < 0) return -1;
    if (this.#count === MAX_PACKETS || this.#used + length > ARENA_BYTES) this.flush();
    const at = this.#count * FIELDS;
    const offset = this.#used;
    const d = this.#desc;
    d[at] = fd;
    d[at + 1] = offset;
    d[at + 2] = length;
    d[at + 3] = to.port;
    d[at + 4] = this.#lastIp;
    this.#failed[this.#count] = failed;
    this.#count++;
    this.#used += length;
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flushTask);
    }
    return offset;
  }

  flush(dueMs?: number): void {
    const count = this.#count;
    if (count === 0) return;
    this.#count = 0;
    this.#used = 0;
    if (this.#pacer && this.#pace(count, dueMs === undefined ? 0 : (dueMs - performance.now()) * 1000)) return;
    let failures: number;
    try {
      failures = this.#addon.sendBatch(this.#arena, this.#desc, count, this.#results);
    } catch {
      failures = -1; // a described range was refused: nothing of the batch went out
    }
    this.batches++;
    this.packets += count;
    if (failures !== 0) {
      for (let i = 0; i < count; i++) if (failures < 0 || this.#results[i] !== 0) this.#report(i);
    }
    this.#failed.fill(noop, 0, count); // drop the sessions' callbacks until the next batch
  }

  #report(i: number, failed = this.#failed): void {
    try {
      failed[i]?.();
    } catch {
      // a session's counter cannot throw; if it did, the other packets are still reported
    }
  }

  /** Queues the batch on the pacer; false when it did not take it (the caller sends it now). */
  #pace(count: number, delayUs: number): boolean {
    const report = this.#paceReport;
    let seq: number;
    try {
      seq = this.#pacer!.paceBatch(this.#arena, this.#desc, count, delayUs, report);
    } catch {
      seq = -1; // a described range was refused: sendBatch refuses it too, and reports the batch
    }
    if (seq < 0) return false;
    this.batches++;
    this.paced++;
    this.packets += count;
    // Packets of earlier batches the kernel refused, while their callbacks are still here.
    for (let k = 0; k < report[0]!; k++) {
      const batch = report[2 + 2 * k]! >>> 0;
      const slot = this.#inFlight[batch % PACED]!;
      if (slot.seq === batch) this.#report(report[3 + 2 * k]!, slot.failed);
    }
    // This batch's callbacks go where the batch PACED before it kept its own (long sent: the pacer
    // holds at most PACED), and that array, emptied, takes the next batch's.
    const slot = this.#inFlight[seq % PACED]!;
    const spare = slot.failed;
    spare.fill(noop);
    slot.failed = this.#failed;
    slot.seq = seq;
    this.#failed = spare;
    return true;
  }
}

function noop(): void {}
