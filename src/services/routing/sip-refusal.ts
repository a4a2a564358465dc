// One refusal path for every SIP role (Call Router, UM service, worker): a refusal is a typed
// value (drachtio's SipError idea) carrying the status, a reason phrase that names the problem
// (RFC 3261 §21: the phrase is for humans, so it says what is wrong and for whom) and, for a
// temporary failure, how long to wait. `respondRefusal` turns it into the response (with the To
// tag, §8.2.6.2, and Retry-After, §20.33) and logs it the same way in every role.
import type { Logger } from 'pino';
import { buildResponse } from '../../sip/message/build.js';
import type { SipRequest, SipResponse } from '../../sip/message/types.js';
import type { RequestContext, ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import { getHeader } from '../../sip/message/headers.js';
import { toTagFor } from '../sip/to-tag.js';
import { RETRY_AFTER_STORE_SECONDS } from '../../store/store-health.js';
import type { RefusalLog } from './refusal-log.js';

/**
 * The one Retry-After policy (seconds, RFC 3261 §21.5.4 503 / §21.4.18 480). A paused gateway is
 * told to wait longest; a full service or worker a little; a worker being recycled is back soon.
 */
export const RETRY_AFTER = {
  /** The gateway is set to NoNewCalls. */
  gatewayPaused: 60,
  /** No UM service, or no worker, has room (MaxCallsAllowed reached). */
  busy: 30,
  /** This worker is draining before a restart; another takes the call. */
  recycling: 5,
  /** The disk holding recordings cannot take a message: an operator must free space first. */
  diskFull: 120,
  /** The store (PostgreSQL) cannot be reached: routing/store-refusal.ts. */
  storeUnreachable: RETRY_AFTER_STORE_SECONDS,
} as const;

export type RetryCause = keyof typeof RETRY_AFTER;

export class SipRefusal extends Error {
  readonly status: number;
  readonly reason: string;
  readonly retryAfter: number | undefined;
  /** The UM IP gateway the request was identified as coming from, when known (for the refusal log). */
  gateway: string | undefined;

  constructor(status: number, reason: string, retryAfter?: number) {
    super(`${status} ${reason}`);
    this.name = 'SipRefusal';
    this.status = status;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /** 503 with the Retry-After of the policy for `cause`. */
  static unavailable(reason: string, cause: RetryCause): SipRefusal {
    return new SipRefusal(503, `Service Unavailable - ${reason}`, RETRY_AFTER[cause]);
  }
}

export function refusalResponse(request: SipRequest, r: SipRefusal): SipResponse {
  return buildResponse(request, r.status, r.reason, {
    toTag: toTagFor(request),
    headers: r.retryAfter ? [{ name: 'Retry-After', value: String(r.retryAfter) }] : [],
  });
}

/**
 * Sends the refusal, logs it (status, reason, who sent the request, which role refused) and keeps
 * it in the role's ring of last refusals, when it has one.
 */
export function respondRefusal(tx: ServerTransaction, request: SipRequest, r: SipRefusal, context: RequestContext, log: Logger, refusals?: RefusalLog): void {
  const s = context.source;
  log.info({ callId: getHeader(request, 'Call-ID'), status: r.status, reason: r.reason, from: `${s.protocol}:${s.address}:${s.port}`, gateway: r.gateway }, 'call refused');
  refusals?.record(request, r, context);
  tx.respond(refusalResponse(request, r));
}
