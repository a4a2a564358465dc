// Hook through which an RTP session's packets can leave by another way than dgram's send() (the
// batched native sender, ../native/udp-batch-out.ts), without the RTP layer knowing how.
//
// Contract: send() takes a complete datagram (`wire`, which the session does not touch again) to
// go from `socket` to `to`, or returns false when it cannot (the session then uses socket.send).
// If a datagram it took fails to go out later, it calls `failed` once (the session counts
// sendErrors). Datagrams taken go out before flush() returns, or, when flush() is given the time
// they are due (the clock's next frame), are queued to go out then, in order, on a sender that
// closes a socket only after what it queued for it (../native/udp-batch-out.ts). The session calls
// flush() before it closes its sockets, so nothing is sent on a closed (or reused) descriptor.
import type { RtpSocket } from './datagram-in.js';
import type { TransportAddress } from './source-latch.js';

export interface DatagramOut {
  send(socket: RtpSocket, wire: Buffer, to: TransportAddress, failed: () => void): boolean;
  /**
   * send() without a buffer of the session's own: room for a datagram of `length` octets in
   * `arena`, taken as send() takes one. Returns the offset to write it at, synchronously and before
   * anything else is sent or flushed; or -1 when it cannot take it (then send() with dgram).
   */
  reserve(socket: RtpSocket, to: TransportAddress, length: number, failed: () => void): number;
  readonly arena: Buffer;
  /** Sends what was taken; `dueMs` (performance.now() time): not before then, if it can pace. */
  flush(dueMs?: number): void;
}
