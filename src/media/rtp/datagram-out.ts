// Hook through which an RTP session's packets can leave by another way than dgram's send() (the
// batched native sender, ../native/udp-batch-out.ts), without the RTP layer knowing how.
//
// Contract: send() takes a complete datagram (`wire`, which the session does not touch again) to
// go from `socket` to `to`, or returns false when it cannot (the session then uses socket.send).
// If a datagram it took fails to go out later, it calls `failed` once (the session counts
// sendErrors). Datagrams taken go out before flush() returns; the session calls flush() before it
// closes its sockets, so nothing is sent on a closed (or reused) descriptor.
import type { RtpSocket } from './datagram-in.js';
import type { TransportAddress } from './source-latch.js';

export interface DatagramOut {
  send(socket: RtpSocket, wire: Buffer, to: TransportAddress, failed: () => void): boolean;
  flush(): void;
}
