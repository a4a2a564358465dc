// Call media on the caller's own event loop: one MediaClock, a PortAllocator per RTP range, a
// MediaChannel per call. What ThreadMediaHost runs on its thread, and what tests use directly.
import { MediaChannel, type MediaChannelStats, type NegotiatedMedia } from './media-channel.js';
import { MediaClock } from './media-clock.js';
import type { MediaEndpoint, MediaHost, MediaLease, RtpRange } from './media-host.js';
import { PortAllocator, type MediaPorts } from './port-allocator.js';

interface LocalLease extends MediaLease {
  readonly ports: MediaPorts;
  opened: boolean;
}

export class LocalMediaHost implements MediaHost {
  readonly clock: MediaClock;
  #allocator: { key: string; allocator: PortAllocator } | undefined;
  readonly #open = new Set<MediaChannel>();

  constructor(clock = new MediaClock()) {
    this.clock = clock;
  }

  get calls(): number {
    return this.#open.size;
  }

  /** A changed range applies to the next allocation; ports already out stay as they are. */
  async allocate(address: string, range: RtpRange): Promise<LocalLease> {
    const key = `${range.min}-${range.max}`;
    if (this.#allocator?.key !== key) this.#allocator = { key, allocator: new PortAllocator(range) };
    const ports = await this.#allocator.allocator.allocate(address);
    const lease: LocalLease = {
      ports, port: ports.port, opened: false,
      release: () => { if (!lease.opened) ports.release(); },
    };
    return lease;
  }

  open(lease: MediaLease, media: NegotiatedMedia, rtcpIntervalMs?: number): MediaEndpoint & { readonly channel: MediaChannel } {
    const local = lease as LocalLease;
    if (local.opened) throw new Error('this port pair already carries a call');
    local.opened = true;
    const channel = new MediaChannel({ ports: local.ports, media, clock: this.clock, ...(rtcpIntervalMs !== undefined ? { rtcpIntervalMs } : {}) });
    this.#open.add(channel);
    return {
      channel,
      localPort: channel.localPort,
      onDigit: (h) => channel.onDigit(h),
      play: (s) => channel.play(s),
      stopPlayback: () => channel.stopPlayback(),
      startCapture: (h) => channel.startCapture(h),
      stopCapture: () => channel.stopCapture(),
      end: async (reason?: string): Promise<MediaChannelStats> => {
        const stats = channel.stats();
        await channel.close(reason);
        this.#open.delete(channel);
        return stats;
      },
    };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#open].map((c) => c.close('shutdown')));
    this.#open.clear();
  }
}
