// Where a user's message-waiting indication goes: every UM IP gateway that serves the user's dial
// plan through a hunt group, is Enabled and allows MWI (Set-UMIPGateway -MessageWaitingIndicatorAllowed).
// The dial plan's VoIP security says whether the NOTIFY must travel over TLS.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { toGateway, type IpGateway, type VoipSecurity } from './organisation-types.js';

export interface MwiTarget {
  userId: number;
  extension: string;
  voipSecurity: VoipSecurity;
  gateways: IpGateway[];
}

/** The targets of the given users (every user when omitted); users without a gateway are left out. */
export async function mwiTargets(db: Kysely<Database>, userIds?: readonly number[]): Promise<MwiTarget[]> {
  if (userIds?.length === 0) return [];
  let q = db.selectFrom('users')
    .innerJoin('dial_plans', 'dial_plans.id', 'users.dial_plan_id')
    .innerJoin('hunt_groups', 'hunt_groups.dial_plan_id', 'users.dial_plan_id')
    .innerJoin('ip_gateways', 'ip_gateways.id', 'hunt_groups.gateway_id')
    .selectAll('ip_gateways')
    .select(['users.id as user_id', 'users.extension as user_extension', 'dial_plans.voip_security as user_security'])
    .where('ip_gateways.mwi_allowed', '=', 1)
    .where('ip_gateways.status', '=', 'Enabled');
  if (userIds) q = q.where('users.id', 'in', [...userIds]);
  const rows = await q.orderBy('users.id').orderBy('ip_gateways.id').execute();
  const by = new Map<number, MwiTarget>();
  for (const r of rows) {
    const userId = Number(r.user_id);
    const t = by.get(userId) ?? { userId, extension: r.user_extension, voipSecurity: r.user_security as VoipSecurity, gateways: [] };
    // Several hunt groups may link one gateway to the dial plan: notify it once.
    if (!t.gateways.some((g) => g.id === Number(r.id))) t.gateways.push(toGateway(r));
    by.set(userId, t);
  }
  return [...by.values()];
}
