// Non-INVITE server transaction: RFC 3261 §17.2.2 (Figure 8).
import type { SipRequest, SipResponse } from '../message/types.js';
import { Transaction } from './transaction-base.js';
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

export class ServerNonInviteTransaction extends Transaction<ServerNonInviteState, ServerTransactionEvents> {
  #lastResponse: SipResponse | undefined;

  constructor(id: string, request: SipRequest, env: TransactionEnv, events: ServerTransactionEvents = {}) {
    super('non-INVITE server transaction', { initial: ServerNonInviteState.Trying, terminated: ServerNonInviteState.Terminated, legal: LEGAL }, id, request, env, events);
  }

  respond(response: SipResponse): void {
    if (this.sm.state === ServerNonInviteState.Completed || this.sm.state === ServerNonInviteState.Terminated) return;
    this.#lastResponse = response;
    this.env.send(response);
    if (response.status < 200) {
      // "While in the 'Trying' state, if the TU passes a provisional response …, the server
      // transaction MUST enter the 'Proceeding' state."
      if (this.sm.state === ServerNonInviteState.Trying) this.sm.to(ServerNonInviteState.Proceeding);
      return;
    }
    // A final response: "enter the 'Completed' state … Timer J … 64*T1 for unreliable
    // transports, and zero seconds for reliable transports."
    this.sm.to(ServerNonInviteState.Completed);
    this.timer(timerJ(this.env.timers, this.env.reliable), () => this.terminate());
  }

  /** A retransmission of the request: resend the last response (Proceeding, Completed). */
  receive(_request: SipRequest): void {
    // In Trying, "any further request retransmissions are discarded".
    if (this.sm.state !== ServerNonInviteState.Trying && this.#lastResponse) this.env.send(this.#lastResponse);
  }

  transportError(): void {
    this.terminate();
  }
}
