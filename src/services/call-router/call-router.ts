// The Call Router (front end): identifies the calling gateway, classifies the call and redirects
// it with 302 to a UM service (5062, or 5063 with transport=tls for secured dial plans). It never
// handles media. Refusals carry a reason phrase that names the problem, and are logged with it.
import type { Logger } from 'pino';
import { buildResponse } from '../../sip/message/build.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { RequestContext, ServerInviteTransaction, ServerTransaction, TransactionUser } from '../../sip/transaction/transaction-layer.js';
import { answerCommon, redirectTo } from '../sip/common-requests.js';
import type { PeerVerifier } from '../sip/peer-verifier.js';
import { classify, type Refused, type Routed } from './classify.js';
import type { RoutingView } from './routing-view.js';

export interface UmServiceTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}

export interface CallRouterDeps {
  view(): RoutingView;
  verifier: PeerVerifier;
  /** The UM service to send a call to, or undefined when none can take it (→ 503). */
  umService(secured: boolean, arrivedOn: 'udp' | 'tcp' | 'tls', local: string): UmServiceTarget | undefined;
  log: Logger;
}

const SERVED = new Set(['INVITE']);

export class CallRouter implements TransactionUser {
  readonly #deps: CallRouterDeps;
  readonly counters = { redirected: 0, refused: 0 };

  constructor(deps: CallRouterDeps) {
    this.#deps = deps;
  }

  onRequest(request: SipRequest, tx: ServerTransaction | undefined, context: RequestContext, cancelled?: ServerInviteTransaction): void {
    if (!tx) return; // an ACK for a 2xx: the Call Router sends no 2xx to INVITE
    if (answerCommon(request, tx, cancelled, SERVED)) return;
    const peer = context.source.protocol === 'tls' ? this.#deps.verifier.verify(context.peer) : undefined;
    const decision = classify(request, { protocol: context.source.protocol, sourceIp: context.source.address, peer }, this.#deps.view());
    if (!decision.ok) return this.#refuse(request, tx, decision, context);
    const secured = decision.dialPlan.voipSecurity !== 'Unsecured';
    const target = this.#deps.umService(secured, context.source.protocol, context.local.address);
    if (!target) {
      return this.#refuse(request, tx, { ok: false, status: 503, reason: `Service Unavailable - no UM service accepts ${secured ? 'TLS' : 'TCP/UDP'} calls now`, retryAfter: 30 }, context);
    }
    tx.respond(redirectTo(request, contactFor(request, decision, target), toTagFor(request)));
    this.counters.redirected++;
  }

  #refuse(request: SipRequest, tx: ServerTransaction, r: Refused, context: RequestContext): void {
    this.counters.refused++;
    this.#deps.log.info({ status: r.status, reason: r.reason, from: `${context.source.protocol}:${context.source.address}:${context.source.port}` }, 'call refused');
    tx.respond(buildResponse(request, r.status, r.reason, {
      toTag: toTagFor(request),
      headers: r.retryAfter ? [{ name: 'Retry-After', value: String(r.retryAfter) }] : [],
    }));
  }
}

/**
 * The 302 Contact: the UM service's address with what the Call Router found, so the UM service and
 * the worker need not classify again: x-um-type (ca | sa), x-um-dp (dial plan id), x-um-user.
 */
function contactFor(request: SipRequest, d: Routed, t: UmServiceTarget): string {
  const userPart = /^sips?:([^@;>]+)@/i.exec(request.uri)?.[1] ?? 'um';
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const params = [`transport=${t.transport}`, `x-um-type=${d.callType === 'CallAnswering' ? 'ca' : 'sa'}`, `x-um-dp=${d.dialPlan.id}`, `x-um-gw=${d.gateway.id}`];
  if (d.user) params.push(`x-um-user=${d.user.id}`);
  return `sip:${userPart}@${host}:${t.port};${params.join(';')}`;
}

/** A stable To tag per request, so a retransmitted INVITE gets the same tag. */
export function toTagFor(request: SipRequest): string {
  let h = 0x811c9dc5;
  const via = request.headers.find((x) => x.name === 'Via')?.value ?? request.uri;
  for (let i = 0; i < via.length; i++) h = Math.imul(h ^ via.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
