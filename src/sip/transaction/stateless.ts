// A stateless UAS (RFC 3261 §8.2.7), for a redirect server such as the Call Router: "A stateless
// UAS does not send provisional (1xx) responses … does not retransmit responses … MUST ignore ACK
// requests … MUST ignore CANCEL requests", and its To tags are made "in a stateless manner" so a
// retransmitted request gets the same answer. Several processes can then share one socket.
import type { SipRequest, SipResponse } from '../message/types.js';

export class StatelessServerTransaction {
  readonly id: string;
  readonly request: SipRequest;
  readonly #send: (response: SipResponse) => void;
  #answered = false;

  constructor(id: string, request: SipRequest, send: (response: SipResponse) => void) {
    this.id = id;
    this.request = request;
    this.#send = send;
  }

  get state(): 'Stateless' {
    return 'Stateless';
  }

  respond(response: SipResponse): void {
    // §8.2.7: no provisional responses, and one final response per request received.
    if (response.status < 200 || this.#answered) return;
    this.#answered = true;
    this.#send(response);
  }

  receive(_request: SipRequest): void {
    // Nothing is kept: a retransmission is a new request and is answered again.
  }

  transportError(): void {
    // Nothing to clean up.
  }
}
