// The one entry every SIP role calls for a new INVITE: the decision carried by a valid routing
// token, or else the classification from scratch (classify.ts) with the same rules. So a call is
// classified once — by the Call Router normally — and a request sent straight to the UM service or
// a worker, or with a token that does not verify, is held to the rules the Call Router applies.
import type { SipRequest } from '../../sip/message/types.js';
import type { RequestContext } from '../../sip/transaction/transaction-layer.js';
import { getHeader } from '../../sip/message/headers.js';
import type { PeerVerifier } from '../sip/peer-verifier.js';
import { classify, transportRefusal, type Arrival, type Routed } from './classify.js';
import type { RoutingClaims, RoutingTokens } from './routing-token.js';
import type { RoutingView } from './routing-view.js';
import type { SipRefusal } from './sip-refusal.js';

export interface RouteDeps {
  view: RoutingView;
  verifier: PeerVerifier;
  tokens: RoutingTokens;
}

export interface RouteResult {
  decision: Routed | SipRefusal;
  /** 'token': a verified token decided it; 'classified': this role classified the request. */
  how: 'token' | 'classified';
  /** Why a token that was present was not used (for the log). */
  tokenProblem?: string;
}

export const TOKEN_PARAM = 'x-um-token';

/** Where the request came from, as classification needs it (a TLS peer's certificate verified). */
export function arrivalOf(context: RequestContext, verifier: PeerVerifier): Arrival {
  const protocol = context.source.protocol;
  return { protocol, sourceIp: context.source.address, ...(protocol === 'tls' ? { peer: verifier.verify(context.peer) } : {}) };
}

/** The x-um-token parameter of the Request-URI (before any ?headers). */
export function tokenOf(request: SipRequest): string | undefined {
  const m = /;x-um-token=([^;?>]*)/i.exec(request.uri);
  return m?.[1] || undefined;
}

export function routeRequest(request: SipRequest, context: RequestContext, deps: RouteDeps): RouteResult {
  const token = tokenOf(request);
  let tokenProblem: string | undefined;
  if (token !== undefined) {
    const check = deps.tokens.verify(token, getHeader(request, 'Call-ID') ?? '');
    if (check.ok) {
      const routed = fromClaims(check.claims, deps.view);
      if (routed) {
        // The token names the dial plan; this hop's transport must still be the one it requires.
        const wrong = transportRefusal(routed.dialPlan, context.source.protocol);
        if (wrong) wrong.gateway = routed.gateway.name;
        return { decision: wrong ?? routed, how: 'token' };
      }
      tokenProblem = 'names what the routing view no longer has';
    } else {
      tokenProblem = check.problem;
    }
  }
  const decision = classify(request, arrivalOf(context, deps.verifier), deps.view);
  return { decision, how: 'classified', ...(tokenProblem ? { tokenProblem } : {}) };
}

export function claimsOf(r: Routed): RoutingClaims {
  return {
    callType: r.callType, gatewayId: r.gateway.id, huntGroupId: r.huntGroup.id, dialPlanId: r.dialPlan.id,
    ...(r.user ? { userId: r.user.id } : {}), ...(r.autoAttendant ? { autoAttendantId: r.autoAttendant.id } : {}),
  };
}

/** The decision the claims name, from this role's own view; undefined when any part is gone. */
function fromClaims(c: RoutingClaims, view: RoutingView): Routed | undefined {
  const gateway = view.gatewayById(c.gatewayId);
  const huntGroup = view.huntGroups(c.gatewayId).find((g) => g.id === c.huntGroupId);
  if (!gateway || !huntGroup || huntGroup.dialPlan.id !== c.dialPlanId) return undefined;
  const user = c.userId === undefined ? undefined : view.userById(c.userId);
  const autoAttendant = c.autoAttendantId === undefined ? undefined : view.autoAttendantById(c.autoAttendantId);
  if ((c.userId !== undefined && !user) || (c.autoAttendantId !== undefined && !autoAttendant)) return undefined;
  if (c.callType === 'CallAnswering' && !user) return undefined;
  if (c.callType === 'AutoAttendant' && !autoAttendant) return undefined;
  return {
    gateway, huntGroup, dialPlan: huntGroup.dialPlan, callType: c.callType,
    ...(user ? { user } : {}), ...(autoAttendant ? { autoAttendant } : {}), via: 'routing token',
  };
}
