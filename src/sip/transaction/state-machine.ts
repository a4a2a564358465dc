// The state of one transaction machine, with the moves its RFC diagram allows written down as a
// table: a move that is not in the table throws instead of corrupting the machine silently.
import { IllegalTransition } from './types.js';

export class StateMachine<S extends string> {
  #state: S;
  readonly #machine: string;
  readonly #legal: Record<S, readonly S[]>;

  constructor(machine: string, initial: S, legal: Record<S, readonly S[]>) {
    this.#machine = machine;
    this.#state = initial;
    this.#legal = legal;
  }

  get state(): S {
    return this.#state;
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state);
  }

  to(next: S): void {
    if (!this.#legal[this.#state].includes(next)) throw new IllegalTransition(this.#machine, this.#state, next);
    this.#state = next;
  }
}
