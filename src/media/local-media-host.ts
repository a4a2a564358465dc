// Call media on the caller's own event loop: one MediaClock, a PortAllocator per RTP range, a
// MediaChannel per call. What ThreadMediaHost runs on its thread, and what tests use directly.
import { MediaChannel, type MediaChannelStats, type NegotiatedMedia } from './media-channel.js';
import { MediaClock } from './media-clock.js';
import type { MediaEndpoint, MediaHost, MediaLease, RtpRange } from './media-host.js';
import { PortAllocator, type MediaPorts, type PolledSocketOpener } from './port-allocator.js';
import type { DatagramOut } from './rtp/datagram-out.js';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

interface LocalLease extends MediaLease {
  readonly ports: MediaPorts;
  opened: boolean;
}

export class LocalMediaHost implements MediaHost {
  readonly clock: MediaClock;
  readonly #out: DatagramOut | undefined;
  readonly #polled: PolledSocketOpener | undefined;
  #allocator: { key: string; allocator: PortAllocator } | undefined;
  readonly #open = new Set<MediaChannel>();
  // How late this event loop runs its callbacks while calls are up (the clock's ticks among them);
  // started afresh when the host has no call, so each busy period is measured on its own.
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });

  /**
   * `out`: how the calls' RTP packets leave (the media thread's batched native sender); `polled`:
   * who opens the IPv4 RTP sockets (its batched native receiver, polled on `clock`). Default dgram.
   */
  constructor(clock = new MediaClock(), out?: DatagramOut, polled?: PolledSocketOpener) {
    this.clock = clock;
    this.#out = out;
    // The packets the calls queued in a tick's send phase leave together, before its receive.
    if (out) clock.afterSend((dueMs) => out.flush(dueMs));
    this.#polled = polled;
  }

  get calls(): number {
    return this.#open.size;
  }

  /** A changed range applies to the next allocation; ports already out stay as they are. */
  async allocate(address: string, range: RtpRange): Promise<LocalLease> {
    const key = `${range.min}-${range.max}`;
    if (this.#allocator?.key !== key) this.#allocator = { key, allocator: new PortAllocator(range, this.#polled) };
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
    const channel = new MediaChannel({ ports: local.ports, media, clock: this.clock, ...(rtcpIntervalMs !== undefined ? { rtcpIntervalMs } : {}), ...(this.#out ? { out: this.#out } : {}) });
    if (this.#open.size === 0) {
      this.#loopDelay.reset();
      this.#loopDelay.enable();
    }
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
        const stats = { ...channel.stats(), loopDelayP99Ms: Math.round(this.#loopDelay.percentile(99) / 1e4) / 100 };
        await channel.close(reason);
        this.#open.delete(channel);
        if (this.#open.size === 0) this.#loopDelay.disable();
        return stats;
      },
    };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#open].map((c) => c.close('shutdown')));
    this.#open.clear();
  }
}
