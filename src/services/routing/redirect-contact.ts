// The Contact of a role's 302 towards the next hop (UM service, then worker): the next hop's
// address, the routing token that carries the decision (x-um-token, routing-token.ts), and the
// decision in readable parameters for people reading a trace (x-um-type ca|sa|aa, x-um-dp,
// x-um-gw, x-um-user, x-um-aa). Only the token is trusted; the readable parameters are never
// used to let a call through.
import type { SipRequest } from '../../sip/message/types.js';
import type { Routed } from './classify.js';
import { callTypeCode } from './routing-token.js';
import { TOKEN_PARAM } from './route-request.js';

export interface NextHop {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}

export function redirectContact(request: SipRequest, d: Routed, hop: NextHop, token: string): string {
  const userPart = /^sips?:([^@;>]+)@/i.exec(request.uri)?.[1] ?? 'um';
  const host = hop.host.includes(':') && !hop.host.startsWith('[') ? `[${hop.host}]` : hop.host;
  const params = [`transport=${hop.transport}`, `x-um-type=${callTypeCode(d.callType)}`, `x-um-dp=${d.dialPlan.id}`, `x-um-gw=${d.gateway.id}`];
  if (d.user) params.push(`x-um-user=${d.user.id}`);
  if (d.autoAttendant) params.push(`x-um-aa=${d.autoAttendant.id}`);
  params.push(`${TOKEN_PARAM}=${token}`);
  return `sip:${userPart}@${host}:${hop.port};${params.join(';')}`;
}
