// Where a worker's call media runs. A MediaHost hands out RTP/RTCP port pairs (leases) and opens a
// MediaEndpoint on one once the SDP is agreed. Two hosts do the same job: LocalMediaHost runs the
// media on the caller's event loop (tests, tools); ThreadMediaHost runs it on a thread of its own,
// so the 20 ms media clock never waits behind SIP, the store or file writes on the worker's loop
// (issue 12: at 300 calls the shared loop, not the CPU, was the limit).
import type { CaptureHandler, MediaChannelStats, NegotiatedMedia } from './media-channel.js';
import type { Unsubscribe } from './rtp/listeners.js';

/** A bound RTP/RTCP port pair not yet carrying a call. */
export interface MediaLease {
  readonly port: number;
  /** Frees the ports; does nothing once the lease was opened (the endpoint owns them then). */
  release(): void;
}

/** What an application uses of a call's media (apps/media-call.ts), plus its end. */
export interface MediaEndpoint {
  readonly localPort: number;
  onDigit(handler: (digit: string) => void): Unsubscribe;
  play(samples: Int16Array): Promise<boolean>;
  stopPlayback(): void;
  startCapture(handler: CaptureHandler): void;
  /** The frames still in the jitter buffer, in order. */
  stopCapture(): Int16Array[] | Promise<Int16Array[]>;
  /** Ends the media (RTCP BYE, ports freed) and gives its last statistics. */
  end(reason?: string): Promise<MediaChannelStats>;
}

export interface RtpRange {
  min: number;
  max: number;
}

export interface MediaHost {
  allocate(address: string, range: RtpRange): Promise<MediaLease>;
  open(lease: MediaLease, media: NegotiatedMedia): MediaEndpoint;
  /** Ends every call's media and stops the host. */
  stop(): Promise<void>;
}
