// Hook through which an RTP session's datagrams can arrive by another way than a node:dgram
// socket's 'message' events: the batched native receiver (../native/udp-batch-in.ts), which owns
// the RTP socket, reads every socket of a media thread in one call per clock tick and hands each
// datagram to its session's sink. The RTP layer knows only these two interfaces.
//
// Contract, for whoever implements PolledUdpSocket:
// - attach(sink) once: from then on each datagram that arrives goes to sink.datagram(), in arrival
//   order per socket. Datagrams that arrived before attach() are dropped unread, as a dgram socket
//   with no 'message' listener drops them.
// - sink.datagram(buf, offset, length, from, arrivalMs): the datagram is octets [offset, offset +
//   length) of `buf`, which may be a receive arena reused once the call returns (no view object
//   per datagram: at 25,000 datagrams a second those views were half of what a media thread
//   allocated); the session consumes it synchronously (SRTP unprotect returns a new buffer; the
//   jitter buffer and DTMF copy or parse what they keep), and whoever keeps bytes must copy them. `from` may be the same object for consecutive datagrams of one source: read
//   it, do not keep it. `arrivalMs` is when the kernel received the datagram, in
//   performance.now()'s timebase (SO_TIMESTAMPNS), not when the batch was read.
// - sink.oversized(): a datagram longer than the receiver's slot arrived; it was cut and is
//   dropped unread (the slot is larger than the session's default maxPacketSize, 1500 octets).
// - sink.error(): the socket reported a receive error (counted, like dgram's 'error' event).
// - send(wire, to, done): one datagram now (RTCP on an rtcp-mux port, RTCP BYE); done(error) is
//   called once, after send() has returned. Ordinary RTP packets leave through DatagramOut.
// - close(): no datagram is delivered after it; idempotent.
import type { Socket } from 'node:dgram';
import type { TransportAddress } from './source-latch.js';

export interface DatagramSink {
  datagram(buf: Buffer, offset: number, length: number, from: TransportAddress, arrivalMs: number): void;
  oversized(): void;
  error(): void;
}

export interface PolledUdpSocket {
  /** The socket's descriptor (the batched sender sends on it). */
  readonly fd: number;
  attach(sink: DatagramSink): void;
  send(wire: Buffer, to: TransportAddress, done: (error: Error | null) => void): void;
  close(): void;
}

/** An RTP port's socket: node:dgram's, or one the native receiver polls. */
export type RtpSocket = Socket | PolledUdpSocket;

export function isPolled(socket: RtpSocket): socket is PolledUdpSocket {
  return typeof (socket as Partial<PolledUdpSocket>).attach === 'function';
}
