// The two ways RTP reaches a session, for tests that must hold on both: node:dgram sockets
// ('message' events, one per datagram), and the media thread's native path (native/udp: the addon
// opens the IPv4 RTP socket, BatchedUdpIn reads every socket once per MediaClock tick, and
// BatchedUdpOut sends). The native path is skipped, saying why, when native/udp is not built or
// OPENUM_NATIVE=0 (test/media/native/native-required-in-ci.test.ts makes that an error in CI).
import { MediaClock } from '../../../src/media/media-clock.js';
import { BatchedUdpIn } from '../../../src/media/native/udp-batch-in.js';
import { BatchedUdpOut } from '../../../src/media/native/udp-batch-out.js';
import { loadUdpRecvAddon } from '../../../src/media/native/udp.js';
import type { PolledSocketOpener } from '../../../src/media/port-allocator.js';
import type { DatagramOut } from '../../../src/media/rtp/datagram-out.js';

export interface RtpPath {
  readonly name: 'dgram' | 'native';
  /** false, or why this path cannot run here. */
  readonly skip: string | false;
  /** A fresh receiver (polled on a clock of its own) and sender, or none for dgram. */
  make(): { polled: PolledSocketOpener | undefined; out: DatagramOut | undefined };
}

const recv = loadUdpRecvAddon({});

export const RTP_PATHS: readonly RtpPath[] = [
  { name: 'dgram', skip: false, make: () => ({ polled: undefined, out: undefined }) },
  {
    name: 'native',
    skip: recv.addon ? false : `native/udp receive is not loaded (${recv.why}); only the dgram path runs`,
    make: () => ({ polled: new BatchedUdpIn(recv.addon!, new MediaClock()), out: new BatchedUdpOut(recv.addon!) }),
  },
];
