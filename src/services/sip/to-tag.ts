// The To tag a role puts on a final response to a request that has none (RFC 3261 §8.2.6.2).
// Stable per request, so a retransmitted INVITE (same top Via) gets the same tag from a role that
// keeps no transaction state (the Call Router is a stateless UAS, §8.2.7).
import type { SipRequest } from '../../sip/message/types.js';

export function toTagFor(request: SipRequest): string {
  let h = 0x811c9dc5;
  const via = request.headers.find((x) => x.name === 'Via')?.value ?? request.uri;
  for (let i = 0; i < via.length; i++) h = Math.imul(h ^ via.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
