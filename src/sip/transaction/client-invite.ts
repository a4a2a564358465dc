// INVITE client transaction: RFC 3261 §17.1.1 (Figure 5) with RFC 6026 §7.2 (Accepted state:
// after a 2xx the transaction stays for Timer M = 64*T1 so that 2xx retransmissions and forked
// 2xx responses reach the TU instead of being treated as stray).
import type { HeaderField, SipRequest, SipResponse } from '../message/types.js';
import { Transaction } from './transaction-base.js';
import type { WheelTimer } from './timer-wheel.js';
import { timeout64, timerD } from './timers.js';
import { type ClientTransactionEvents, type TransactionEnv } from './types.js';

export enum ClientInviteState {
  Calling = 'Calling',
  Proceeding = 'Proceeding',
  Accepted = 'Accepted',
  Completed = 'Completed',
  Terminated = 'Terminated',
}

const LEGAL: Record<ClientInviteState, ClientInviteState[]> = {
  [ClientInviteState.Calling]: [ClientInviteState.Proceeding, ClientInviteState.Accepted, ClientInviteState.Completed, ClientInviteState.Terminated],
  [ClientInviteState.Proceeding]: [ClientInviteState.Accepted, ClientInviteState.Completed, ClientInviteState.Terminated],
  [ClientInviteState.Accepted]: [ClientInviteState.Terminated],
  [ClientInviteState.Completed]: [ClientInviteState.Terminated],
  [ClientInviteState.Terminated]: [],
};

export class ClientInviteTransaction extends Transaction<ClientInviteState, ClientTransactionEvents> {
  #timerA: WheelTimer | undefined;
  #timerB: WheelTimer | undefined;
  #aInterval: number;
  #ack: SipRequest | undefined;

  constructor(id: string, request: SipRequest, env: TransactionEnv, events: ClientTransactionEvents = {}) {
    super('INVITE client transaction', { initial: ClientInviteState.Calling, terminated: ClientInviteState.Terminated, legal: LEGAL }, id, request, env, events);
    this.#aInterval = env.timers.T1;
  }

  start(): void {
    this.env.send(this.request);
    // "If an unreliable transport is being used, the client transaction MUST start timer A with a
    // value of T1 … For any transport, the client transaction MUST start timer B with 64*T1."
    if (!this.env.reliable) this.#scheduleA();
    this.#timerB = this.timer(timeout64(this.env.timers), () => {
      if (this.sm.state !== ClientInviteState.Calling) return;
      this.events.onTimeout?.();
      this.terminate();
    });
  }

  receive(response: SipResponse): void {
    const s = response.status;
    switch (this.sm.state) {
      case ClientInviteState.Calling:
      case ClientInviteState.Proceeding:
        if (s < 200) {
          this.#timerA?.cancel();
          if (this.sm.state === ClientInviteState.Calling) this.sm.to(ClientInviteState.Proceeding);
          this.events.onProvisional?.(response);
        } else if (s < 300) {
          this.#timerA?.cancel();
          this.#timerB?.cancel();
          this.sm.to(ClientInviteState.Accepted);
          this.events.onFinal?.(response);
          this.timer(timeout64(this.env.timers), () => this.terminate());
        } else {
          // "the client transaction MUST transition to the 'Completed' state … MUST generate an
          // ACK request … Timer D … at least 32 seconds for unreliable transports, zero for reliable."
          this.#timerA?.cancel();
          this.#timerB?.cancel();
          this.sm.to(ClientInviteState.Completed);
          this.#ack = buildNon2xxAck(this.request, response);
          this.env.send(this.#ack);
          this.events.onFinal?.(response);
          this.timer(timerD(this.env.reliable), () => this.terminate());
        }
        return;
      case ClientInviteState.Accepted:
        // RFC 6026 §7.2: further 2xx go to the TU (it ACKs each); others are discarded.
        if (s >= 200 && s < 300) this.events.onFinal?.(response);
        return;
      case ClientInviteState.Completed:
        // "Any retransmissions of the final response … MUST cause the ACK to be re-passed."
        if (s >= 300 && this.#ack) this.env.send(this.#ack);
        return;
      default:
        return;
    }
  }

  transportError(): void {
    if (this.sm.state === ClientInviteState.Calling || this.sm.state === ClientInviteState.Proceeding) this.events.onTimeout?.();
    this.terminate();
  }

  #scheduleA(): void {
    this.#timerA = this.timer(this.#aInterval, () => {
      if (this.sm.state !== ClientInviteState.Calling) return;
      this.env.send(this.request);
      this.#aInterval *= 2; // "the timer is reset with a value of 2*T1" each time (no T2 cap for INVITE)
      this.#scheduleA();
    });
  }
}

/**
 * §17.1.1.3: the ACK for a non-2xx final response has the Request-URI, Call-ID, From and CSeq
 * number of the INVITE, the To of the response (with its tag), only the INVITE's top Via, and the
 * INVITE's Route headers.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const pick = (fields: HeaderField[], name: string) => fields.filter((h) => h.name === name);
  const cseq = pick(invite.headers, 'CSeq')[0]?.value ?? '1 INVITE';
  const headers: HeaderField[] = [
    ...pick(invite.headers, 'Via').slice(0, 1),
    ...pick(invite.headers, 'Route'),
    ...pick(invite.headers, 'From'),
    ...(pick(response.headers, 'To').slice(0, 1).length ? pick(response.headers, 'To').slice(0, 1) : pick(invite.headers, 'To')),
    ...pick(invite.headers, 'Call-ID'),
    { name: 'CSeq', value: `${cseq.trim().split(/\s+/)[0]} ACK` },
    { name: 'Max-Forwards', value: '70' },
  ];
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}
