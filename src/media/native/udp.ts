// The native/udp addon's surface (native/udp/udp_batch.c), or undefined when the JS path is used
// (load-native.ts). One function: sendBatch, which sends a clock tick's RTP packets in one call.
import { loadNative } from './load-native.js';

/** Int32s per packet in sendBatch's `desc`: fd, offset in the arena, length, port, IPv4 (host order). */
export const UDP_BATCH_FIELDS = 5;

export interface UdpAddon {
  /**
   * Sends desc's first `count` packets (bytes in `arena`); results[i] is 0 or the errno of packet i.
   * Returns how many failed. Throws TypeError when an argument or a described range is invalid.
   */
  sendBatch(arena: Buffer, desc: Int32Array, count: number, results: Int32Array): number;
}

/** The addon, or undefined with the reason (not built, OPENUM_NATIVE=0, no sendBatch on this OS). */
export function loadUdpAddon(): { addon: UdpAddon | undefined; why: string } {
  const { addon, why } = loadNative('udp');
  if (!addon) return { addon: undefined, why };
  if (typeof addon.sendBatch !== 'function') return { addon: undefined, why: 'native/udp has no sendBatch on this platform' };
  return { addon: addon as unknown as UdpAddon, why };
}
