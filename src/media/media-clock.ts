// One 20 ms clock for every call's media in a process: a call subscribes and is ticked once per
// frame interval, sending one packet of its prompt and taking one frame of its recording. One
// timer for all calls (not one per call) keeps a worker with hundreds of calls from spending its
// time in timer bookkeeping. The clock steers by performance.now(): a late wake-up runs the ticks
// it owes (at most MAX_CATCH_UP, then it skips ahead), so packets keep their 20 ms average spacing
// (RFC 3551 §4.2: 20 ms default packetisation) and how late each tick ran is measured.
// A tick runs in three phases, each over every subscriber of it:
//  1. send: every call sends its prompt's next packet; then the hooks given to afterSend() run,
//     with the time of the next frame: the batched native sender (native/udp-batch-out.ts) hands
//     them all to its pacer thread to go out exactly then, one frame after the frame they were
//     built for, so how late this tick ran does not move them (or, without a pacer, puts them on
//     the wire at once, and a packet waits only for the other calls' sends);
//  2. first: the batched native receiver (native/udp-batch-in.ts) reads every RTP socket, so what
//     arrived before a tick is in the jitter buffers when
//  3. the rest (capture) pop their frames.
import { performance } from 'node:perf_hooks';

export type Tick = (latenessMs: number) => void;

const MAX_CATCH_UP = 5;

export class MediaClock {
  readonly frameMs: number;
  readonly #send = new Set<Tick>();
  readonly #first = new Set<Tick>();
  readonly #subscribers = new Set<Tick>();
  readonly #afterSend = new Set<(dueMs: number) => void>();
  readonly #due: (Tick | undefined)[] = [];
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
    return this.#send.size + this.#subscribers.size + this.#first.size;
  }

  /**
   * Runs `fn` in every tick after the send phase, with the performance.now() time of the next
   * frame (this tick's nominal time + frameMs); it does not keep the clock running by itself.
   */
  afterSend(fn: (dueMs: number) => void): () => void {
    this.#afterSend.add(fn);
    return () => this.#afterSend.delete(fn);
  }

  /**
   * Ticks `fn` every frame from the next frame boundary on; returns the unsubscribe function.
   * `phase`: 'send' runs first in each tick, then the afterSend hooks, then 'first', then the
   * rest (the default). `first: true` is phase 'first'.
   */
  subscribe(fn: Tick, options?: { first?: boolean; phase?: 'send' | 'first' }): () => void {
    const phase = options?.phase ?? (options?.first ? 'first' : undefined);
    const set = phase === 'send' ? this.#send : phase === 'first' ? this.#first : this.#subscribers;
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

  #phase(set: Set<Tick>, lateness: number): void {
    if (set.size === 0) return;
    // Who is subscribed as the phase starts (one unsubscribed meanwhile is still ticked once), in an
    // array kept from tick to tick: a copy of 500 subscribers per phase was garbage 100 times a second.
    const due = this.#due;
    let n = 0;
    for (const fn of set) due[n++] = fn;
    try {
      for (let i = 0; i < n; i++) {
        try {
          due[i]!(lateness);
        } catch {
          this.errors++;
        }
      }
    } finally {
      due.fill(undefined, 0, n); // keeps no ended call alive
    }
  }

  #arm(): void {
    this.#timer = setTimeout(() => this.#run(), Math.max(0, this.#next - performance.now()));
  }

  #run(): void {
    let now = performance.now();
    let ran = 0;
    while (this.#next <= now && ran < MAX_CATCH_UP && this.subscribers > 0) {
      const lateness = now - this.#next;
      this.#phase(this.#send, lateness);
      const due = this.#next + this.frameMs;
      for (const fn of this.#afterSend) {
        try {
          fn(due);
        } catch {
          this.errors++;
        }
      }
      this.#phase(this.#first, lateness);
      this.#phase(this.#subscribers, lateness);
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
