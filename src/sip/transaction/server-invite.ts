// INVITE server transaction: RFC 3261 §17.2.1 (Figure 7) with RFC 6026 §7.1 (the Accepted state:
// a 2xx no longer terminates the transaction; it absorbs INVITE retransmissions and lets the TU's
// 2xx retransmissions through until Timer L fires).
import type { SipRequest, SipResponse } from '../message/types.js';
import { Transaction } from './transaction-base.js';
import type { WheelTimer } from './timer-wheel.js';
import { timeout64, timerIK } from './timers.js';
import { type ServerTransactionEvents, type TransactionEnv } from './types.js';

export enum ServerInviteState {
  Proceeding = 'Proceeding',
  Completed = 'Completed',
  Confirmed = 'Confirmed',
  Accepted = 'Accepted',
  Terminated = 'Terminated',
}

const LEGAL: Record<ServerInviteState, ServerInviteState[]> = {
  [ServerInviteState.Proceeding]: [ServerInviteState.Completed, ServerInviteState.Accepted, ServerInviteState.Terminated],
  [ServerInviteState.Completed]: [ServerInviteState.Confirmed, ServerInviteState.Terminated],
  [ServerInviteState.Confirmed]: [ServerInviteState.Terminated],
  [ServerInviteState.Accepted]: [ServerInviteState.Terminated],
  [ServerInviteState.Terminated]: [],
};

export class ServerInviteTransaction extends Transaction<ServerInviteState, ServerTransactionEvents> {
  #lastResponse: SipResponse | undefined;
  #timerG: WheelTimer | undefined;
  #timerH: WheelTimer | undefined;
  #gInterval: number;

  constructor(id: string, request: SipRequest, env: TransactionEnv, events: ServerTransactionEvents = {}) {
    super('INVITE server transaction', { initial: ServerInviteState.Proceeding, terminated: ServerInviteState.Terminated, legal: LEGAL }, id, request, env, events);
    this.#gInterval = env.timers.T1;
  }

  /** The TU sends a response (§17.2.1: "The TU passes any number of provisional responses …"). */
  respond(response: SipResponse): void {
    const s = response.status;
    switch (this.sm.state) {
      case ServerInviteState.Proceeding:
        this.#lastResponse = response;
        this.env.send(response);
        if (s >= 200 && s < 300) {
          // RFC 6026 §7.1: "If, while in the 'Proceeding' state, the TU passes a 2xx response …
          // the server transaction MUST enter the 'Accepted' state", and Timer L = 64*T1.
          this.sm.to(ServerInviteState.Accepted);
          this.timer(timeout64(this.env.timers), () => this.terminate());
        } else if (s >= 300) {
          // "the server transaction MUST enter the 'Completed' state"; Timer G for unreliable
          // transports, Timer H = 64*T1 for all.
          this.sm.to(ServerInviteState.Completed);
          if (!this.env.reliable) this.#scheduleG();
          this.#timerH = this.timer(timeout64(this.env.timers), () => {
            this.events.onTimeout?.();
            this.terminate();
          });
        }
        return;
      case ServerInviteState.Accepted:
        // RFC 6026 §7.1: 2xx retransmissions from the TU are passed to the transport.
        if (s >= 200 && s < 300) this.env.send(response);
        return;
      default:
        // A response after the final one is the TU's mistake; it never reaches the wire.
        return;
    }
  }

  /** A request matched this transaction: an INVITE retransmission or the ACK (§17.2.1). */
  receive(request: SipRequest): void {
    if (request.method === 'ACK') {
      if (this.sm.state === ServerInviteState.Completed) {
        // "If an ACK is received while the server transaction is in the 'Completed' state, the
        // server transaction MUST transition to the 'Confirmed' state." Timer G stops; Timer I.
        this.#timerG?.cancel();
        this.#timerH?.cancel();
        this.sm.to(ServerInviteState.Confirmed);
        this.events.onAck?.(request);
        this.timer(timerIK(this.env.timers, this.env.reliable), () => this.terminate());
      }
      // In Confirmed, ACK retransmissions are absorbed. An ACK for a 2xx is not for this
      // transaction (§17.2.3 matches it to the dialog), so it never arrives here in Accepted.
      return;
    }
    if (this.sm.state === ServerInviteState.Proceeding || this.sm.state === ServerInviteState.Completed) {
      // "the most recent provisional response … MUST be passed to the transport layer for
      // retransmission"; in Completed the final response is retransmitted.
      if (this.#lastResponse) this.env.send(this.#lastResponse);
    }
    // Accepted / Confirmed: retransmissions are absorbed (RFC 6026 §7.1).
  }

  /** The transport could not deliver: §17.2.4, the transaction terminates. */
  transportError(): void {
    this.terminate();
  }

  #scheduleG(): void {
    this.#timerG = this.timer(this.#gInterval, () => {
      if (this.sm.state !== ServerInviteState.Completed || !this.#lastResponse) return;
      // "Timer G … fires, the response is passed to the transport layer once more for
      // retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds" (doubling, capped).
      this.env.send(this.#lastResponse);
      this.#gInterval = Math.min(2 * this.#gInterval, this.env.timers.T2);
      this.#scheduleG();
    });
  }
}
