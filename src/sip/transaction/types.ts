// What the four transaction state machines share: the clock, the timer values, whether the
// transport is reliable, and where to hand messages for the wire.
import type { SipMessage, SipRequest, SipResponse } from '../message/types.js';
import type { TimerWheel } from './timer-wheel.js';
import type { SipTimers } from './timers.js';

export interface TransactionEnv {
  wheel: TimerWheel;
  timers: SipTimers;
  /** TCP/TLS: no retransmissions, zero wait timers (RFC 3261 §17.1.1.2, §17.2.1). */
  reliable: boolean;
  /** Hands a message to the transport toward the peer; failures are reported by `onTransportError`. */
  send(message: SipMessage): void;
}

export interface ServerTransactionEvents {
  /** The ACK for a non-2xx final response arrived (INVITE server transaction, Completed → Confirmed). */
  onAck?(ack: SipRequest): void;
  /** Timer H fired: no ACK for a final response (§17.2.1), or Timer L ended the Accepted state. */
  onTimeout?(): void;
  onTerminated?(): void;
}

export interface ClientTransactionEvents {
  onProvisional?(response: SipResponse): void;
  onFinal?(response: SipResponse): void;
  /** Timer B / F fired: treat as 408 (§8.1.3.1). */
  onTimeout?(): void;
  onTerminated?(): void;
}

/** Thrown by stateTransition on a move the RFC's state diagram does not have. */
export class IllegalTransition extends Error {
  constructor(machine: string, from: string, to: string) {
    super(`${machine}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransition';
  }
}
