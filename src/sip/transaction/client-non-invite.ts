// Non-INVITE client transaction: RFC 3261 §17.1.2 (Figure 6). Timer E retransmits on unreliable
// transports only (doubling to T2, and at T2 once a provisional arrived); Timer F = 64*T1 ends it
// with a timeout; Timer K absorbs response retransmissions (T4 unreliable, 0 reliable).
import type { SipRequest, SipResponse } from '../message/types.js';
import { Transaction } from './transaction-base.js';
import type { WheelTimer } from './timer-wheel.js';
import { timeout64, timerIK } from './timers.js';
import { type ClientTransactionEvents, type TransactionEnv } from './types.js';

export enum ClientNonInviteState {
  Trying = 'Trying',
  Proceeding = 'Proceeding',
  Completed = 'Completed',
  Terminated = 'Terminated',
}

const LEGAL: Record<ClientNonInviteState, ClientNonInviteState[]> = {
  [ClientNonInviteState.Trying]: [ClientNonInviteState.Proceeding, ClientNonInviteState.Completed, ClientNonInviteState.Terminated],
  [ClientNonInviteState.Proceeding]: [ClientNonInviteState.Completed, ClientNonInviteState.Terminated],
  [ClientNonInviteState.Completed]: [ClientNonInviteState.Terminated],
  [ClientNonInviteState.Terminated]: [],
};

export class ClientNonInviteTransaction extends Transaction<ClientNonInviteState, ClientTransactionEvents> {
  #timerE: WheelTimer | undefined;
  #timerF: WheelTimer | undefined;
  #eInterval: number;

  constructor(id: string, request: SipRequest, env: TransactionEnv, events: ClientTransactionEvents = {}) {
    super('non-INVITE client transaction', { initial: ClientNonInviteState.Trying, terminated: ClientNonInviteState.Terminated, legal: LEGAL }, id, request, env, events);
    this.#eInterval = env.timers.T1;
  }

  /** "The 'Trying' state is entered when the TU initiates a new client transaction with a request." */
  start(): void {
    this.env.send(this.request);
    if (!this.env.reliable) this.#scheduleE();
    this.#timerF = this.timer(timeout64(this.env.timers), () => {
      if (this.sm.state !== ClientNonInviteState.Trying && this.sm.state !== ClientNonInviteState.Proceeding) return;
      this.events.onTimeout?.();
      this.terminate();
    });
  }

  receive(response: SipResponse): void {
    if (this.sm.state === ClientNonInviteState.Completed || this.sm.state === ClientNonInviteState.Terminated) return;
    if (response.status < 200) {
      if (this.sm.state === ClientNonInviteState.Trying) this.sm.to(ClientNonInviteState.Proceeding);
      this.events.onProvisional?.(response);
      return;
    }
    this.#timerE?.cancel();
    this.#timerF?.cancel();
    this.sm.to(ClientNonInviteState.Completed);
    this.events.onFinal?.(response);
    this.timer(timerIK(this.env.timers, this.env.reliable), () => this.terminate());
  }

  transportError(): void {
    if (this.sm.state === ClientNonInviteState.Trying || this.sm.state === ClientNonInviteState.Proceeding) this.events.onTimeout?.();
    this.terminate();
  }

  #scheduleE(): void {
    this.#timerE = this.timer(this.#eInterval, () => {
      if (this.sm.state !== ClientNonInviteState.Trying && this.sm.state !== ClientNonInviteState.Proceeding) return;
      this.env.send(this.request);
      // Trying: MIN(2*previous, T2). Proceeding: "Timer E … reset with a value of T2".
      this.#eInterval = this.sm.state === ClientNonInviteState.Proceeding ? this.env.timers.T2 : Math.min(2 * this.#eInterval, this.env.timers.T2);
      this.#scheduleE();
    });
  }
}
