// What the four RFC 3261 §17 machines share: identity, environment, listeners, the state machine,
// and the end of a transaction ("Terminated"): every RFC timer still pending is cancelled, the
// state moves, and the owner hears of it once. Each subclass holds only its own figure's logic.
import type { SipRequest } from '../message/types.js';
import { StateMachine } from './state-machine.js';
import type { WheelTimer } from './timer-wheel.js';
import type { TransactionEnv } from './types.js';

export abstract class Transaction<S extends string, E extends { onTerminated?(): void }> {
  readonly id: string;
  readonly request: SipRequest;
  protected readonly env: TransactionEnv;
  protected readonly events: E;
  protected readonly sm: StateMachine<S>;
  readonly #terminated: S;
  readonly #pending = new Set<WheelTimer>();

  protected constructor(machine: string, states: { initial: S; terminated: S; legal: Record<S, readonly S[]> },
    id: string, request: SipRequest, env: TransactionEnv, events: E) {
    this.id = id;
    this.request = request;
    this.env = env;
    this.events = events;
    this.sm = new StateMachine<S>(machine, states.initial, states.legal);
    this.#terminated = states.terminated;
  }

  get state(): S {
    return this.sm.state;
  }

  /** Starts an RFC timer on the shared wheel; whatever is still pending ends with the transaction. */
  protected timer(ms: number, fire: () => void): WheelTimer {
    const t = this.env.wheel.schedule(ms, () => {
      this.#pending.delete(t);
      fire();
    });
    this.#pending.add(t);
    return t;
  }

  protected terminate(): void {
    if (this.sm.state === this.#terminated) return;
    for (const t of this.#pending) t.cancel();
    this.#pending.clear();
    this.sm.to(this.#terminated);
    this.events.onTerminated?.();
  }
}
