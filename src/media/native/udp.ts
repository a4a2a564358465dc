// The native/udp addon's surface (native/udp/*.c), or undefined when the JS path is used
// (load-native.ts): sendBatch sends a clock tick's RTP packets in one call (udp_batch.c), paceBatch
// has a sender thread send them when they are due (udp_pacer.c);
// openUdp4/closeUdp/recvBatch own a media thread's IPv4 RTP sockets and read them all in one call
// per tick (udp_sockets.c, udp_recv.c); setThreadNice/threadNice give the media thread its
// priority (udp_thread.c, ../thread/media-priority.ts).
import { loadNative } from './load-native.js';

/** Int32s per packet in sendBatch's `desc`: fd, offset in the arena, length, port, IPv4 (host order). */
export const UDP_BATCH_FIELDS = 5;
/** Int32s per datagram in recvBatch's `desc`: index into fds, offset, length, port, IPv4, age in µs. */
export const UDP_RECV_FIELDS = 6;

export interface UdpAddon {
  /**
   * Sends desc's first `count` packets (bytes in `arena`); results[i] is 0 or the errno of packet i.
   * Returns how many failed. Throws TypeError when an argument or a described range is invalid.
   */
  sendBatch(arena: Uint8Array, desc: Int32Array, count: number, results: Int32Array): number;
}

export interface UdpRecvAddon extends UdpAddon {
  /** A non-blocking IPv4 UDP socket bound to address:port (address host-order); its fd, or -errno. */
  openUdp4(address: number, port: number): number;
  /** Closes a socket openUdp4 opened: 0, or -errno (-EBADF for any other number). */
  closeUdp(fd: number): number;
  /**
   * Reads the sockets fds[from..to) into the arena (`slot` octets a datagram), describing each in
   * desc (UDP_RECV_FIELDS int32s); returns how many. state[0]: where to go on (`to` when all were
   * drained). Throws TypeError for invalid arguments.
   */
  recvBatch(fds: Int32Array, from: number, to: number, arena: Uint8Array, slot: number, desc: Int32Array, state: Int32Array): number;
}

export interface UdpPaceAddon extends UdpRecvAddon {
  /**
   * Queues desc's first `count` packets (on openUdp4() sockets only) for the thread's pacer, to go
   * delayUs µs from now; returns the batch's number, or -errno (-EBUSY: the queue stayed full) when
   * the caller must send them itself. report: [failures n, last batch sent, n x (batch, index)].
   */
  paceBatch(arena: Uint8Array, desc: Int32Array, count: number, delayUs: number, report: Int32Array): number;
}

/** The addon, or undefined with the reason (not built, OPENUM_NATIVE=0, no sendBatch on this OS). */
export function loadUdpAddon(): { addon: UdpAddon | undefined; why: string } {
  const { addon, why } = loadNative('udp');
  if (!addon) return { addon: undefined, why };
  if (typeof addon.sendBatch !== 'function') return { addon: undefined, why: 'native/udp has no sendBatch on this platform' };
  return { addon: addon as unknown as UdpAddon, why };
}

/**
 * The addon when it can also own and read the RTP sockets, else why not: everything that makes
 * loadUdpAddon() fail, a build without the receive functions, or OPENUM_NATIVE_RECV=0 (receive
 * with node:dgram, send natively: the A/B of bench/README.md "Batched receive").
 */
export function loadUdpRecvAddon(env: NodeJS.ProcessEnv = process.env): { addon: UdpRecvAddon | undefined; why: string } {
  const { addon, why } = loadUdpAddon();
  if (!addon) return { addon: undefined, why };
  if (env.OPENUM_NATIVE_RECV === '0') return { addon: undefined, why: 'OPENUM_NATIVE_RECV=0' };
  const a = addon as Partial<UdpRecvAddon>;
  if (typeof a.openUdp4 !== 'function' || typeof a.closeUdp !== 'function' || typeof a.recvBatch !== 'function') {
    return { addon: undefined, why: 'native/udp has no recvBatch (an older build: node scripts/build-native.mjs)' };
  }
  return { addon: addon as UdpRecvAddon, why };
}

/**
 * The addon when it can also pace the sending (native/udp/udp_pacer.c): the batched receive is in
 * use (the paced packets must all be on sockets it owns) and OPENUM_MEDIA_PACE is not 0.
 */
export function loadUdpPaceAddon(env: NodeJS.ProcessEnv = process.env): { addon: UdpPaceAddon | undefined; why: string } {
  const { addon, why } = loadUdpRecvAddon(env);
  if (!addon) return { addon: undefined, why };
  if (env.OPENUM_MEDIA_PACE === '0') return { addon: undefined, why: 'OPENUM_MEDIA_PACE=0' };
  if (typeof (addon as Partial<UdpPaceAddon>).paceBatch !== 'function') return { addon: undefined, why: 'native/udp has no paceBatch (an older build: node scripts/build-native.mjs)' };
  return { addon: addon as UdpPaceAddon, why };
}
