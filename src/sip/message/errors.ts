// Parse failures that become SIP responses (STYLE.md "Errors": a SipError(status, reason) in the
// manner of drachtio `sip_error.js`). The transport answers with `status`/`reason` when `partial`
// holds enough of the request to build a response (RFC 3261 §8.2.6), and drops the message otherwise.
import type { HeaderField } from './types.js';

export interface PartialRequest {
  /** The Via, From, To, Call-ID and CSeq fields that could be read, canonical names. */
  headers: HeaderField[];
  /** The request method when the start line could be read far enough. */
  method?: string;
}

export class SipParseError extends Error {
  /** The SIP status to answer with: 400, 413, 414, 416, 505, or 513 (stream framing). */
  readonly status: number;
  /** A reason phrase that names the problem ("Bad Request - Missing Call-ID"). */
  readonly reason: string;
  partial?: PartialRequest;

  constructor(status: number, reason: string, partial?: PartialRequest) {
    super(reason);
    this.name = 'SipParseError';
    this.status = status;
    this.reason = reason;
    if (partial) this.partial = partial;
  }
}

export function isSipParseError(e: unknown): e is SipParseError {
  return e instanceof SipParseError;
}

/** Shorthand for the common 400: `badRequest('Missing Call-ID')`. */
export function badRequest(problem: string): SipParseError {
  return new SipParseError(400, `Bad Request - ${problem}`);
}
