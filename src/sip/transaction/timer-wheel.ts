// A hashed timing wheel: one interval ticks every `resolutionMs` and fires the timers whose slot
// came round. Scheduling and cancelling are O(1), so tens of thousands of transactions a second
// can each hold their RFC 3261 timers without a setTimeout apiece. SIP timers start at T1 = 500 ms,
// so a 10 ms resolution is far finer than the protocol needs.
// A cancelled entry stays in its slot until the cursor passes it, but lets go of its callback at
// once, and the wheel empties every slot when nothing is left to fire: the cursor only moves while
// the wheel runs, so a wheel that stops between calls (a TLS-only UM service: Timer H cancelled by
// the ACK, Timer I zero) used to keep each cancelled Timer H, and its transaction, for thousands
// of calls (bench/swaps.mjs found 866 transactions held after 1,000 calls).

export interface WheelTimer {
  cancel(): void;
}

interface Entry extends WheelTimer {
  due: number;
  fn: () => void;
  cancelled: boolean;
}

const NOTHING = (): void => undefined;

export class TimerWheel {
  readonly #resolution: number;
  readonly #slots: Entry[][];
  #cursor = 0;
  #lastTick: number;
  #interval: NodeJS.Timeout | undefined;
  #count = 0;
  /** Entries in the slots, cancelled ones included. */
  #held = 0;
  readonly #now: () => number;

  constructor(options: { resolutionMs?: number; slots?: number; now?: () => number } = {}) {
    this.#resolution = options.resolutionMs ?? 10;
    this.#slots = Array.from({ length: options.slots ?? 4096 }, () => []);
    this.#now = options.now ?? (() => performance.now());
    this.#lastTick = this.#now();
  }

  /** Timers still to fire. */
  get size(): number {
    return this.#count;
  }

  /** Entries the slots hold (cancelled ones included until the cursor passes them). */
  get held(): number {
    return this.#held;
  }

  schedule(delayMs: number, fn: () => void): WheelTimer {
    this.#ensureRunning();
    const entry: Entry = {
      due: this.#now() + Math.max(0, delayMs),
      fn,
      cancelled: false,
      cancel: () => {
        if (!entry.cancelled) {
          entry.cancelled = true;
          entry.fn = NOTHING; // the callback (and what it holds: a transaction) is free now
          this.#count--;
        }
      },
    };
    // The slot counts from where the cursor is, not from now: when the event loop ran late, the
    // cursor lags behind the clock, and a slot counted from now would come round before the entry
    // is due, which then waited a whole revolution (41 s) for its next turn.
    const ticks = Math.max(1, Math.ceil((entry.due - this.#resolution / 2 - this.#lastTick) / this.#resolution));
    this.#slots[(this.#cursor + ticks) % this.#slots.length]?.push(entry);
    this.#count++;
    this.#held++;
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
      this.#held -= slot.length - keep.length;
      for (const e of fire) {
        if (e.cancelled) continue;
        e.cancelled = true;
        this.#count--;
        const fn = e.fn;
        e.fn = NOTHING;
        try {
          fn();
        } catch {
          // A throwing timer callback must not stop the wheel; transactions log their own errors.
        }
      }
    }
    if (this.#count === 0) {
      // Nothing left to fire: whatever the slots hold is cancelled. Drop it now rather than when
      // the cursor comes round, which takes as long as the wheel keeps running, not wall time.
      if (this.#held > 0) {
        for (let i = 0; i < this.#slots.length; i++) if (this.#slots[i]?.length) this.#slots[i] = [];
        this.#held = 0;
      }
      this.stop();
    }
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
