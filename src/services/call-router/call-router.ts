// The Call Router (front end): classifies each call once (routing/route-request.ts: gateway →
// hunt group → dial plan → call type → user or auto attendant) and redirects it with 302 to a UM
// service (5062, or 5063 with transport=tls for secured dial plans), carrying the decision in a
// signed routing token. It never handles media. Refusals go through routing/sip-refusal.ts.
import type { Logger } from 'pino';
import { getHeader } from '../../sip/message/headers.js';
import type { SipRequest } from '../../sip/message/types.js';
import type { RequestContext, ServerInviteTransaction, ServerTransaction, TransactionUser } from '../../sip/transaction/transaction-layer.js';
import { redirectContact, type NextHop } from '../routing/redirect-contact.js';
import { claimsOf, routeRequest, type RouteDeps } from '../routing/route-request.js';
import type { RefusalLog } from '../routing/refusal-log.js';
import { respondRefusal, SipRefusal } from '../routing/sip-refusal.js';
import { storeRefusal } from '../routing/store-refusal.js';
import type { StoreHealthView } from '../../store/store-health.js';
import { answerCommon, redirectTo } from '../sip/common-requests.js';
import { toTagFor } from '../sip/to-tag.js';
import { countCall } from '../ops/process-metrics.js';

export type UmServiceTarget = NextHop;

export interface CallRouterDeps {
  routing: RouteDeps;
  /** The UM service to send a call to, or undefined when none can take it (→ 503). */
  umService(secured: boolean, arrivedOn: 'udp' | 'tcp' | 'tls', local: string): UmServiceTarget | undefined;
  log: Logger;
  /** The ring of last refusals this process keeps (GET /api/refusals). */
  refusals?: RefusalLog;
  /** The store's health: new calls get 503 while it is unreachable. */
  store?: StoreHealthView;
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
    const outage = storeRefusal(this.#deps.store);
    if (outage) return this.#refuse(request, tx, outage, context);
    const routing = this.#deps.routing;
    const { decision, how } = routeRequest(request, context, routing);
    if (decision instanceof SipRefusal) return this.#refuse(request, tx, decision, context);
    const secured = decision.dialPlan.voipSecurity !== 'Unsecured';
    const target = this.#deps.umService(secured, context.source.protocol, context.local.address);
    if (!target) return this.#refuse(request, tx, SipRefusal.unavailable(`no UM service accepts ${secured ? 'TLS' : 'TCP/UDP'} calls now`, 'busy'), context);
    const callId = getHeader(request, 'Call-ID') ?? '';
    const token = routing.tokens.sign(claimsOf(decision), callId);
    this.#deps.log.info({ callId, how, callType: decision.callType, via: decision.via, dialPlan: decision.dialPlan.name }, 'call routed');
    tx.respond(redirectTo(request, redirectContact(request, decision, target, token), toTagFor(request)));
    this.counters.redirected++;
    countCall('call-router', 'redirected');
  }

  #refuse(request: SipRequest, tx: ServerTransaction, r: SipRefusal, context: RequestContext): void {
    this.counters.refused++;
    respondRefusal(tx, request, r, context, this.#deps.log, this.#deps.refusals);
  }
}
