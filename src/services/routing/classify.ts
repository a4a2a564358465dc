// How a call is classified, once, by whichever role meets it first without a valid routing token
// (normally the Call Router). ARCHITECTURE.md: gateway → hunt group → dial plan → call type →
// user or auto attendant. Pure: the request, where it came from, and the routing view in; a
// decision or a SipRefusal out.
import type { CallType } from '../../apps/registry.js';
import { getHeader, getHeaders } from '../../sip/message/headers.js';
import { parseNameAddr } from '../../sip/message/name-addr.js';
import type { SipRequest } from '../../sip/message/types.js';
import { parseUri } from '../../sip/message/uri.js';
import type { DialPlan, HuntGroupRoute, IpGateway, UmUser } from '../../org/organisation-types.js';
import { nameMatches, type PeerIdentity } from '../sip/peer-verifier.js';
import type { AutoAttendantRoute, RoutingView } from './routing-view.js';
import { RETRY_AFTER, SipRefusal } from './sip-refusal.js';

export type { CallType } from '../../apps/registry.js';

export interface Routed {
  gateway: IpGateway;
  huntGroup: HuntGroupRoute;
  dialPlan: DialPlan;
  callType: CallType;
  /** The mailbox a CallAnswering call is for. */
  user?: UmUser;
  /** The auto attendant an AutoAttendant call is for. */
  autoAttendant?: AutoAttendantRoute;
  /** The number or URI that decided it (for the log). */
  via: string;
}

export interface Arrival {
  protocol: 'udp' | 'tcp' | 'tls';
  sourceIp: string;
  /** TLS only: what the peer's certificate proved. */
  peer?: PeerIdentity;
}

export function identifyGateway(arrival: Arrival, view: RoutingView): IpGateway | SipRefusal {
  if (arrival.protocol === 'tls') {
    const peer = arrival.peer;
    if (!peer?.ok) return new SipRefusal(403, `Forbidden - ${peer?.reason ?? 'the peer presented no certificate'}`);
    const gw = view.fqdnGateways().find((g) => peer.names.some((n) => nameMatches(n, g.address)));
    if (!gw) return new SipRefusal(403, `Forbidden - no UM IP gateway has an FQDN named in the peer certificate (${peer.names.join(', ') || peer.subject})`);
    return gw;
  }
  return view.gatewayByAddress(arrival.sourceIp) ?? new SipRefusal(403, `Forbidden - ${arrival.sourceIp} is not a UM IP gateway`);
}

/** The dial plan's VoIP security decides the signalling transport: TLS for SIPSecured/Secured only. */
export function transportRefusal(plan: DialPlan, protocol: Arrival['protocol']): SipRefusal | undefined {
  const secured = plan.voipSecurity !== 'Unsecured';
  if (secured && protocol !== 'tls') return new SipRefusal(403, `Forbidden - dial plan ${plan.name} is ${plan.voipSecurity} and requires TLS`);
  if (!secured && protocol === 'tls') return new SipRefusal(403, `Forbidden - dial plan ${plan.name} is Unsecured and requires TCP or UDP`);
  return undefined;
}

/** A URI read once: its user part (or tel: number) and host. */
interface Target {
  text: string;
  user?: string;
  host?: string;
}

function target(text: string): Target {
  try {
    const u = parseUri(text);
    return { text, user: u.scheme === 'tel' ? u.user ?? u.host : u.user, host: u.scheme === 'tel' ? undefined : u.host };
  } catch {
    return { text };
  }
}

/** Digits of a number without visual separators and "+". */
function digits(n: string): string {
  return n.replace(/[\s().-]/g, '').replace(/^\+/, '');
}

function findUser(t: Target, plan: DialPlan, view: RoutingView): UmUser | undefined {
  if (t.user) {
    const d = digits(t.user);
    const direct = view.userByExtension(plan.id, d);
    if (direct) return direct;
    // A full number (E.164 or with a prefix) whose last digits are the extension.
    if (plan.extensionLength && d.length > plan.extensionLength && /^\d+$/.test(d)) {
      const byTail = view.userByExtension(plan.id, d.slice(-plan.extensionLength));
      if (byTail) return byTail;
    }
    if (t.host) return view.userBySipUri(`sip:${t.user}@${t.host}`.toLowerCase());
  }
  return undefined;
}

/** Whether the target is one of these numbers (digits compared without separators, or a SIP URI). */
function isOneOf(t: Target, numbers: readonly string[]): boolean {
  const { user, host } = t;
  return numbers.some((a) => a.startsWith('sip:')
    ? !!user && !!host && a.toLowerCase() === `sip:${user}@${host}`.toLowerCase()
    : !!user && digits(a) === digits(user));
}

/** RFC 5806 Diversion and RFC 7044 History-Info: the URIs that name who was called, oldest first. */
function divertedFrom(request: SipRequest): Target[] {
  const out: string[] = [];
  for (const d of getHeaders(request, 'Diversion')) {
    try { out.push(parseNameAddr(d).uri); } catch { /* a malformed entry names nobody */ }
  }
  const history = getHeaders(request, 'History-Info').flatMap((h) => {
    try {
      const na = parseNameAddr(h);
      return [{ uri: na.uri.split('?')[0] ?? na.uri, index: String(na.params.get('index') ?? '') }];
    } catch {
      return [];
    }
  }).sort((a, b) => a.index.localeCompare(b.index, undefined, { numeric: true }));
  // Diversion lists the most recent diversion first; the mailbox is the one first called: last.
  return [...out.reverse(), ...history.map((h) => h.uri)].map(target);
}

export function classify(request: SipRequest, arrival: Arrival, view: RoutingView): Routed | SipRefusal {
  // 1. Which gateway sent it.
  const gw = identifyGateway(arrival, view);
  if (gw instanceof SipRefusal) return gw;
  const decision = classifyFrom(gw, request, arrival, view);
  // A refusal past this point names the gateway, for the refusal log.
  if (decision instanceof SipRefusal) decision.gateway ??= gw.name;
  return decision;
}

function classifyFrom(gw: IpGateway, request: SipRequest, arrival: Arrival, view: RoutingView): Routed | SipRefusal {
  if (gw.status === 'Disabled') return new SipRefusal(403, `Forbidden - UM IP gateway ${gw.name} is disabled`);
  if (gw.status === 'NoNewCalls') return new SipRefusal(503, `Service Unavailable - UM IP gateway ${gw.name} takes no new calls`, RETRY_AFTER.gatewayPaused);

  // 2. Which of its hunt groups (the one whose pilot identifier was called, else the catch-all),
  // 3. so which dial plan, whose VoIP security the transport must match.
  const groups = view.huntGroups(gw.id);
  const ruri = target(request.uri);
  const called = ruri.user ?? target(parseNameAddr(getHeader(request, 'To') ?? '<sip:x@x>').uri).user ?? '';
  const group = groups.find((g) => g.pilotIdentifier && digits(g.pilotIdentifier) === digits(called))
    ?? groups.find((g) => g.pilotIdentifier === '');
  if (!group) return new SipRefusal(404, `Not Found - UM IP gateway ${gw.name} has no hunt group for ${called || 'this call'}`);
  const plan = group.dialPlan;
  const wrongTransport = transportRefusal(plan, arrival.protocol);
  if (wrongTransport) return wrongTransport;

  // 4. The call type, and the user or auto attendant it is for.
  const base = { gateway: gw, huntGroup: group, dialPlan: plan };
  // A call diverted from a user (no answer, busy, forward-all) is call answering for that user,
  // whatever number it was diverted to — usually the pilot number.
  // Only a call that carries diversion headers pays for reading them.
  if (request.headers.some((h) => h.name === 'Diversion' || h.name === 'History-Info')) {
    for (const t of divertedFrom(request)) {
      const user = findUser(t, plan, view);
      if (user) return checkEnabled({ ...base, callType: 'CallAnswering', user, via: t.text });
    }
  }
  if (isOneOf(ruri, plan.accessNumbers)) return { ...base, callType: 'SubscriberAccess', via: request.uri };
  const attendant = view.autoAttendants(plan.id).find((a) => isOneOf(ruri, a.numbers));
  if (attendant) {
    if (!attendant.enabled) return new SipRefusal(480, `Temporarily Unavailable - auto attendant ${attendant.name} is disabled`);
    return { ...base, callType: 'AutoAttendant', autoAttendant: attendant, via: request.uri };
  }
  // A phone that dials the server directly with a user's extension or SIP URI leaves a message.
  const direct = findUser(ruri, plan, view);
  if (direct) return checkEnabled({ ...base, callType: 'CallAnswering', user: direct, via: request.uri });
  return new SipRefusal(404, `Not Found - ${called || request.uri} is neither a UM user nor a pilot number of dial plan ${plan.name}`);
}

function checkEnabled(r: Routed): Routed | SipRefusal {
  if (r.user && !r.user.umEnabled) return new SipRefusal(480, `Temporarily Unavailable - ${r.user.name} is not enabled for UM`);
  // As in Exchange when a user turns UM call answering off: UM does not answer; the 480 sends
  // the call back to the PBX, which keeps ringing or follows its own no-answer treatment.
  if (r.user && !r.user.callAnswering) return new SipRefusal(480, `Temporarily Unavailable - ${r.user.name} has turned call answering off`);
  return r;
}
