// A hashed timing wheel: one interval ticks every `resolutionMs` and fires the timers whose slot
// came round. Scheduling and cancelling are O(1), so tens of thousands of transactions a second
// can each hold their RFC 3261 timers without a setTimeout apiece. SIP timers start at T1 = 500 ms,
// so a 10 ms resolution is far finer than the protocol needs.

export interface WheelTimer {
  cancel(): void;
}

interface Entry extends WheelTimer {
  due: number;
  fn: () => void;
  cancelled: boolean;
}

export class TimerWheel {
  readonly #resolution: number;
  readonly #slots: Entry[][];
  #cursor = 0;
  #lastTick: number;
  #interval: NodeJS.Timeout | undefined;
  #count = 0;
  readonly #now: () => number;

  constructor(options: { resolutionMs?: number; slots?: number; now?: () => number } = {}) {
    this.#resolution = options.resolutionMs ?? 10;
    this.#slots = Array.from({ length: options.slots ?? 4096 }, () => []);
    this.#now = options.now ?? (() => performance.now());
    this.#lastTick = this.#now();
  }

  get size(): number {
    return this.#count;
  }

  schedule(delayMs: number, fn: () => void): WheelTimer {
    const entry: Entry = {
      due: this.#now() + Math.max(0, delayMs),
      fn,
      cancelled: false,
      cancel: () => {
        if (!entry.cancelled) {
          entry.cancelled = true;
          this.#count--;
        }
      },
    };
    const ticks = Math.max(1, Math.ceil(delayMs / this.#resolution));
    this.#slots[(this.#cursor + ticks) % this.#slots.length]?.push(entry);
    this.#count++;
    this.#ensureRunning();
    return entry;
  }

  /** Advances the wheel to now; tests call it directly with a fake clock. */
  tick(): void {
    const now = this.#now();
    while (this.#lastTick + this.#resolution <= now) {
      this.#lastTick += this.#resolution;
      this.#cursor = (this.#cursor + 1) % this.#slots.length;
      const slot = this.#slots[this.#cursor];
      if (!slot || slot.length === 0) continue;
      const keep: Entry[] = [];
      const fire: Entry[] = [];
      for (const e of slot) {
        if (e.cancelled) continue;
        // An entry further out than one revolution waits for a later turn of the wheel.
        (e.due <= now + this.#resolution / 2 ? fire : keep).push(e);
      }
      this.#slots[this.#cursor] = keep;
      for (const e of fire) {
        if (e.cancelled) continue;
        e.cancelled = true;
        this.#count--;
        try {
          e.fn();
        } catch {
          // A throwing timer callback must not stop the wheel; transactions log their own errors.
        }
      }
    }
    if (this.#count === 0) this.stop();
  }

  stop(): void {
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = undefined;
  }

  #ensureRunning(): void {
    if (this.#interval) return;
    this.#lastTick = this.#now() - ((this.#now() - this.#lastTick) % this.#resolution);
    this.#interval = setInterval(() => this.tick(), this.#resolution);
    this.#interval.unref();
  }
}
