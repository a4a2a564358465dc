// One 20 ms clock for every call's media in a process: a call subscribes and is ticked once per
// frame interval, sending one packet of its prompt and taking one frame of its recording. One
// timer for all calls (not one per call) keeps a worker with hundreds of calls from spending its
// time in timer bookkeeping. The clock steers by performance.now(): a late wake-up runs the ticks
// it owes (at most MAX_CATCH_UP, then it skips ahead), so packets keep their 20 ms average spacing
// (RFC 3551 §4.2: 20 ms default packetisation) and how late each tick ran is measured.
// A subscriber may ask to run first in every tick: the batched native receiver
// (native/udp-batch-in.ts) reads every RTP socket there, so what arrived before a tick is in the
// jitter buffers when the calls' ticks pop their frames.
import { performance } from 'node:perf_hooks';

export type Tick = (latenessMs: number) => void;

const MAX_CATCH_UP = 5;

export class MediaClock {
  readonly frameMs: number;
  readonly #subscribers = new Set<Tick>();
  readonly #first = new Set<Tick>();
  #timer: NodeJS.Timeout | undefined;
  #next = 0;
  /** Ticks skipped because the process was too busy to run them even late. */
  skipped = 0;
  /** Subscribers that threw (the clock goes on). */
  errors = 0;

  constructor(frameMs = 20) {
    this.frameMs = frameMs;
  }

  get subscribers(): number {
    return this.#subscribers.size + this.#first.size;
  }

  /**
   * Ticks `fn` every frame from the next frame boundary on; returns the unsubscribe function.
   * `first`: before every subscriber without it, in each tick.
   */
  subscribe(fn: Tick, options?: { first?: boolean }): () => void {
    const set = options?.first ? this.#first : this.#subscribers;
    set.add(fn);
    if (!this.#timer) {
      this.#next = performance.now() + this.frameMs;
      this.#arm();
    }
    return () => {
      set.delete(fn);
      if (this.subscribers === 0 && this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #arm(): void {
    this.#timer = setTimeout(() => this.#run(), Math.max(0, this.#next - performance.now()));
  }

  #run(): void {
    let now = performance.now();
    let ran = 0;
    while (this.#next <= now && ran < MAX_CATCH_UP && this.subscribers > 0) {
      const lateness = now - this.#next;
      for (const fn of [...this.#first, ...this.#subscribers]) {
        try {
          fn(lateness);
        } catch {
          this.errors++;
        }
      }
      this.#next += this.frameMs;
      ran++;
      now = performance.now();
    }
    if (this.#next <= now) {
      const owed = Math.floor((now - this.#next) / this.frameMs) + 1;
      this.skipped += owed;
      this.#next += owed * this.frameMs;
    }
    if (this.subscribers === 0) {
      this.#timer = undefined;
      return;
    }
    this.#arm();
  }
}
