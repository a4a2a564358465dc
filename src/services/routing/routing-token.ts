// The routing token: what the classifying role decided, carried to the later hops in the 302
// Contact URI (parameter x-um-token) in a form they can verify. A later hop (UM service, worker)
// that verifies it trusts the decision instead of classifying again; one that cannot (no token,
// tampered, another Call-ID, expired) classifies the request from scratch with the same rules.
//
//   token   = claims "." mac
//   claims  = type "." gateway "." huntgroup "." dialplan "." [user] "." [autoattendant] "." expiry
//   mac     = base64url(HMAC-SHA256(key, "openum-routing-1|" claims "|" Call-ID))
//
// The claims are digits and dots, so the token needs no escaping in a URI parameter (RFC 3261
// §25.1 `token`). Bound to the Call-ID, because a UAC that follows a redirect keeps it (RFC 3261
// §8.1.3.4); valid for 32 s (64·T1, Timer B: the redirected INVITE follows at once).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CallType } from '../../apps/registry.js';

export const TOKEN_TTL_SECONDS = 32;
const DOMAIN = 'openum-routing-1';

const TYPE_CODE: Record<CallType, string> = { CallAnswering: 'ca', SubscriberAccess: 'sa', AutoAttendant: 'aa' };
const CODE_TYPE = new Map(Object.entries(TYPE_CODE).map(([t, c]) => [c, t as CallType]));

/** The decision as ids: the later hop looks each one up in its own routing view. */
export interface RoutingClaims {
  callType: CallType;
  gatewayId: number;
  huntGroupId: number;
  dialPlanId: number;
  userId?: number;
  autoAttendantId?: number;
}

export type TokenCheck =
  | { ok: true; claims: RoutingClaims }
  | { ok: false; problem: 'malformed' | 'signature' | 'expired' };

export function callTypeCode(t: CallType): string {
  return TYPE_CODE[t];
}

export class RoutingTokens {
  readonly #key: Buffer;
  readonly #now: () => number;

  /** `key`: at least 32 random bytes shared by every node of the store (routing-key.ts). */
  constructor(key: Buffer, now: () => number = Date.now) {
    if (key.length < 32) throw new RangeError('the routing token key must be at least 32 bytes');
    this.#key = key;
    this.#now = now;
  }

  sign(claims: RoutingClaims, callId: string): string {
    const expiry = Math.floor(this.#now() / 1000) + TOKEN_TTL_SECONDS;
    const body = [TYPE_CODE[claims.callType], claims.gatewayId, claims.huntGroupId, claims.dialPlanId,
      claims.userId ?? '', claims.autoAttendantId ?? '', expiry].join('.');
    return `${body}.${this.#mac(body, callId).toString('base64url')}`;
  }

  verify(token: string, callId: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 8 || token.length > 200) return { ok: false, problem: 'malformed' };
    const [type, gw, hg, dp, user, aa, expiry, mac] = parts as [string, string, string, string, string, string, string, string];
    const callType = CODE_TYPE.get(type);
    const ids = [gw, hg, dp, expiry].every((x) => /^\d{1,15}$/.test(x)) && [user, aa].every((x) => /^\d{0,15}$/.test(x));
    if (!callType || !ids || !/^[A-Za-z0-9_-]{43}$/.test(mac)) return { ok: false, problem: 'malformed' };
    const body = parts.slice(0, 7).join('.');
    if (!timingSafeEqual(Buffer.from(mac, 'base64url'), this.#mac(body, callId))) return { ok: false, problem: 'signature' };
    const now = Math.floor(this.#now() / 1000);
    // Expired, or further in the future than a token this key signs could be (clock skew aside).
    if (Number(expiry) < now || Number(expiry) > now + 2 * TOKEN_TTL_SECONDS) return { ok: false, problem: 'expired' };
    return {
      ok: true,
      claims: {
        callType, gatewayId: Number(gw), huntGroupId: Number(hg), dialPlanId: Number(dp),
        ...(user ? { userId: Number(user) } : {}), ...(aa ? { autoAttendantId: Number(aa) } : {}),
      },
    };
  }

  #mac(body: string, callId: string): Buffer {
    return createHmac('sha256', this.#key).update(`${DOMAIN}|${body}|${callId}`).digest();
  }
}
