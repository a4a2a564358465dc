// One pass of a background job at a time (the SMTP delivery queue, the store retry of waiting
// messages): kick() starts a pass, or asks for one more right after the pass running, so events
// that arrive during a pass are never lost and passes never overlap.
export class SerialPasses {
  readonly #pass: () => Promise<void>;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  /** `pass` must not reject: it handles (logs, re-arms) its own failures. */
  constructor(pass: () => Promise<void>) {
    this.#pass = pass;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Runs a pass in `ms` (a retry, a due time), replacing one set before; a kick meanwhile cancels it. */
  later(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.kick(), Math.max(0, ms));
    this.#timer.unref();
  }

  /** Runs a pass now, or right after the one running. */
  kick(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** No pass starts after this; resolves when the one running has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.idle();
  }
}
