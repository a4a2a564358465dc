// A new call is refused while the store cannot be reached (issue 10): the call could not be
// classified against fresh data, its message could not be stored and delivered, so the gateway is
// told to try again later (503 + Retry-After, RFC 3261 §21.5.4) — or to route the call elsewhere,
// which is what a gateway with several UM servers does on 503. The state comes from the store's
// health (store/store-health.ts: fed by query failures and a periodic probe), so this costs no
// query per INVITE. Calls in progress are not affected: only new INVITEs come through here.
import type { StoreHealthView } from '../../store/store-health.js';
import { SipRefusal } from './sip-refusal.js';

/** The refusal for a new call while the store is unreachable; undefined while it answers. */
export function storeRefusal(health: Pick<StoreHealthView, 'up'> | undefined): SipRefusal | undefined {
  if (!health || health.up) return undefined;
  return SipRefusal.unavailable('store unreachable', 'storeUnreachable');
}
