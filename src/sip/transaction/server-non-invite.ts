// Non-INVITE server transaction: RFC 3261 §17.2.2 (Figure 8).
import type { SipRequest, SipResponse } from '../message/types.js';
import { StateMachine } from './state-machine.js';
import type { WheelTimer } from './timer-wheel.js';
import { timerJ } from './timers.js';
import { type ServerTransactionEvents, type TransactionEnv } from './types.js';

export enum ServerNonInviteState {
  Trying = 'Trying',
  Proceeding = 'Proceeding',
  Completed = 'Completed',
  Terminated = 'Terminated',
}

const LEGAL: Record<ServerNonInviteState, ServerNonInviteState[]> = {
  [ServerNonInviteState.Trying]: [ServerNonInviteState.Proceeding, ServerNonInviteState.Completed, ServerNonInviteState.Terminated],
  [ServerNonInviteState.Proceeding]: [ServerNonInviteState.Completed, ServerNonInviteState.Terminated],
  [ServerNonInviteState.Completed]: [ServerNonInviteState.Terminated],
  [ServerNonInviteState.Terminated]: [],
};

export class ServerNonInviteTransaction {
  readonly id: string;
  readonly request: SipRequest;
  readonly #sm = new StateMachine<ServerNonInviteState>('non-INVITE server transaction', ServerNonInviteState.Trying, LEGAL);
  #lastResponse: SipResponse | undefined;
  #timerJ: WheelTimer | undefined;
  readonly #env: TransactionEnv;
  readonly #events: ServerTransactionEvents;

  constructor(id: string, request: SipRequest, env: TransactionEnv, events: ServerTransactionEvents = {}) {
    this.id = id;
    this.request = request;
    this.#env = env;
    this.#events = events;
  }

  get state(): ServerNonInviteState {
    return this.#sm.state;
  }

  respond(response: SipResponse): void {
    if (this.#sm.state === ServerNonInviteState.Completed || this.#sm.state === ServerNonInviteState.Terminated) return;
    this.#lastResponse = response;
    this.#env.send(response);
    if (response.status < 200) {
      // "While in the 'Trying' state, if the TU passes a provisional response …, the server
      // transaction MUST enter the 'Proceeding' state."
      if (this.#sm.state === ServerNonInviteState.Trying) this.#sm.to(ServerNonInviteState.Proceeding);
      return;
    }
    // A final response: "enter the 'Completed' state … Timer J … 64*T1 for unreliable
    // transports, and zero seconds for reliable transports."
    this.#sm.to(ServerNonInviteState.Completed);
    this.#timerJ = this.#env.wheel.schedule(timerJ(this.#env.timers, this.#env.reliable), () => this.#terminate());
  }

  /** A retransmission of the request: resend the last response (Proceeding, Completed). */
  receive(_request: SipRequest): void {
    // In Trying, "any further request retransmissions are discarded".
    if (this.#sm.state !== ServerNonInviteState.Trying && this.#lastResponse) this.#env.send(this.#lastResponse);
  }

  transportError(): void {
    this.#terminate();
  }

  #terminate(): void {
    if (this.#sm.state === ServerNonInviteState.Terminated) return;
    this.#timerJ?.cancel();
    this.#sm.to(ServerNonInviteState.Terminated);
    this.#events.onTerminated?.();
  }

}
