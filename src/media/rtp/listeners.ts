// Typed listener sets for session events (../shared/STYLE.md, "Resources"): a throwing listener
// is caught and reported through onError, so it cannot break the session or the other listeners.

export type Unsubscribe = () => void;

export class Listeners<A extends unknown[]> {
  readonly #handlers = new Set<(...args: A) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  add(handler: (...args: A) => void): Unsubscribe {
    // Wrap so the same function added twice is called twice and removed once per unsubscribe.
    const entry = (...args: A): void => handler(...args);
    this.#handlers.add(entry);
    return () => {
      this.#handlers.delete(entry);
    };
  }

  emit(...args: A): void {
    for (const handler of this.#handlers) {
      try {
        handler(...args);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  get size(): number {
    return this.#handlers.size;
  }

  clear(): void {
    this.#handlers.clear();
  }
}
