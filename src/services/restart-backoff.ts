// How long to wait before starting again a process that exited: doubling from 0.5 s to at most
// 30 s over consecutive crashes, and back to the start once the process has run stably, so a
// worker that crashed six times last week does not wait 30 s for every later crash.

/** A process that ran this long since its last start counts as stable: the next crash starts over. */
export const STABLE_RUN_MS = 60_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

export class RestartBackoff {
  readonly #stableMs: number;
  readonly #now: () => number;
  /** Crashes in a row without a stable run between them. */
  #streak = 0;
  #startedAt: number | undefined;

  constructor(stableMs = STABLE_RUN_MS, now: () => number = Date.now) {
    this.#stableMs = stableMs;
    this.#now = now;
  }

  /** The process has just been started. */
  started(): void {
    this.#startedAt = this.#now();
  }

  /** The process exited unexpectedly: the delay before starting it again. */
  nextDelay(): number {
    const ranFor = this.#startedAt === undefined ? 0 : this.#now() - this.#startedAt;
    if (ranFor >= this.#stableMs) this.#streak = 0;
    this.#streak++;
    return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(this.#streak, 6));
  }

  /** Crashes in a row so far (0 after a stable run). */
  get streak(): number {
    return this.#streak;
  }
}
