// Who is calling and what they called, as the applications see it (apps/call-context.ts).
import { getHeader } from '../../sip/message/headers.js';
import { parseNameAddr } from '../../sip/message/name-addr.js';
import type { SipRequest } from '../../sip/message/types.js';
import { parseUri } from '../../sip/message/uri.js';
import type { CallerId } from '../../apps/call-context.js';

/**
 * The caller: P-Asserted-Identity (RFC 3325 §9.1, asserted by the gateway, which routing has
 * identified as one of ours) when present, else From. Anonymous (RFC 3323) gives ''.
 */
export function callerOf(invite: SipRequest): CallerId {
  for (const header of ['P-Asserted-Identity', 'From']) {
    const value = getHeader(invite, header);
    if (!value) continue;
    try {
      // P-Asserted-Identity may list a sip: and a tel: identity; the first names the caller.
      const na = parseNameAddr(header === 'From' ? value : value.split(/,(?=\s*(?:"|<|sips?:|tel:))/)[0] ?? value, header);
      const uri = parseUri(na.uri, `${header} URI`);
      const anonymous = /^anonymous$/i.test(uri.user ?? '') || /anonymous\.invalid$/i.test(uri.host);
      if (anonymous) return { id: '', name: '' };
      const sip = uri.scheme !== 'tel' && uri.user ? { uri: `sip:${uri.user}@${uri.host}`.toLowerCase() } : {};
      return { id: uri.user ?? (uri.scheme === 'tel' ? uri.host : na.uri), name: (na.displayName ?? '').slice(0, 100), ...sip };
    } catch {
      // A malformed P-Asserted-Identity: fall back to From.
    }
  }
  return { id: '', name: '' };
}

/** The user part (or tel: number) of the Request-URI, else the URI itself. */
export function calledOf(invite: SipRequest): string {
  try {
    const u = parseUri(invite.uri);
    return u.user ?? u.host;
  } catch {
    return invite.uri;
  }
}
