// How the Call Router decides what a call is (ARCHITECTURE.md: "which gateway sent it, so which
// dial plan; which pilot number, so subscriber access; the Diversion or History-Info header, so
// whose mailbox"). Pure: the request, where it came from, and the routing view in; a decision out.
import { getHeader, getHeaders } from '../../sip/message/headers.js';
import { parseNameAddr } from '../../sip/message/name-addr.js';
import type { SipRequest } from '../../sip/message/types.js';
import { parseUri } from '../../sip/message/uri.js';
import type { DialPlan, HuntGroupRoute, IpGateway, UmUser } from '../../org/organisation-types.js';
import { nameMatches, type PeerIdentity } from '../sip/peer-verifier.js';
import type { RoutingView } from './routing-view.js';

export type CallType = 'SubscriberAccess' | 'CallAnswering';

export interface Routed {
  ok: true;
  gateway: IpGateway;
  huntGroup: HuntGroupRoute;
  dialPlan: DialPlan;
  callType: CallType;
  /** The mailbox a CallAnswering call is for. */
  user?: UmUser;
  /** The number or URI that decided it (for the log). */
  via: string;
}

export interface Refused {
  ok: false;
  status: number;
  /** Reason phrase: names the problem (RFC 3261 §21: the phrase is for humans). */
  reason: string;
  retryAfter?: number;
}

export interface Arrival {
  protocol: 'udp' | 'tcp' | 'tls';
  sourceIp: string;
  /** TLS only: what the peer's certificate proved. */
  peer?: PeerIdentity;
}

const refuse = (status: number, reason: string, retryAfter?: number): Refused => ({ ok: false, status, reason, retryAfter });

export function identifyGateway(arrival: Arrival, view: RoutingView): IpGateway | Refused {
  if (arrival.protocol === 'tls') {
    const peer = arrival.peer;
    if (!peer?.ok) return refuse(403, `Forbidden - ${peer?.reason ?? 'the peer presented no certificate'}`);
    const gw = view.fqdnGateways().find((g) => peer.names.some((n) => nameMatches(n, g.address)));
    if (!gw) return refuse(403, `Forbidden - no UM IP gateway has an FQDN named in the peer certificate (${peer.names.join(', ') || peer.subject})`);
    return gw;
  }
  return view.gatewayByAddress(arrival.sourceIp) ?? refuse(403, `Forbidden - ${arrival.sourceIp} is not a UM IP gateway`);
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

function isPilot(t: Target, plan: DialPlan): boolean {
  const { user, host } = t;
  return plan.accessNumbers.some((a) => a.startsWith('sip:')
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

export function classify(request: SipRequest, arrival: Arrival, view: RoutingView): Routed | Refused {
  const gw = identifyGateway(arrival, view);
  if ('ok' in gw) return gw;
  if (gw.status === 'Disabled') return refuse(403, `Forbidden - UM IP gateway ${gw.name} is disabled`);
  if (gw.status === 'NoNewCalls') return refuse(503, `Service Unavailable - UM IP gateway ${gw.name} takes no new calls`, 60);

  const groups = view.huntGroups(gw.id);
  const ruri = target(request.uri);
  const called = ruri.user ?? target(parseNameAddr(getHeader(request, 'To') ?? '<sip:x@x>').uri).user ?? '';
  const group = groups.find((g) => g.pilotIdentifier && digits(g.pilotIdentifier) === digits(called))
    ?? groups.find((g) => g.pilotIdentifier === '');
  if (!group) return refuse(404, `Not Found - UM IP gateway ${gw.name} has no hunt group for ${called || 'this call'}`);
  const plan = group.dialPlan;

  const secured = plan.voipSecurity !== 'Unsecured';
  if (secured && arrival.protocol !== 'tls') {
    return refuse(403, `Forbidden - dial plan ${plan.name} is ${plan.voipSecurity} and requires TLS`);
  }
  if (!secured && arrival.protocol === 'tls') {
    return refuse(403, `Forbidden - dial plan ${plan.name} is Unsecured and requires TCP or UDP`);
  }

  const base = { ok: true as const, gateway: gw, huntGroup: group, dialPlan: plan };
  // A call diverted from a user (no answer, busy, forward-all) is call answering for that user,
  // whatever number it was diverted to — usually the pilot number.
  // Only a call that carries diversion headers pays for reading them.
  if (request.headers.some((h) => h.name === 'Diversion' || h.name === 'History-Info')) {
    for (const t of divertedFrom(request)) {
      const user = findUser(t, plan, view);
      if (user) return checkEnabled({ ...base, callType: 'CallAnswering', user, via: t.text });
    }
  }
  if (isPilot(ruri, plan)) return { ...base, callType: 'SubscriberAccess', via: request.uri };
  // A phone that dials the server directly with a user's extension or SIP URI leaves a message.
  const direct = findUser(ruri, plan, view);
  if (direct) return checkEnabled({ ...base, callType: 'CallAnswering', user: direct, via: request.uri });
  return refuse(404, `Not Found - ${called || request.uri} is neither a UM user nor a pilot number of dial plan ${plan.name}`);
}

function checkEnabled(r: Routed): Routed | Refused {
  if (r.user && !r.user.umEnabled) return refuse(480, `Temporarily Unavailable - ${r.user.name} is not enabled for UM`);
  return r;
}
