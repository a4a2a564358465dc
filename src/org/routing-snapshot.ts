// Everything the Call Router needs to route, read at once (one repeatable-read transaction, so the
// parts agree with each other and with the revision they were read at) into plain objects and
// Maps for O(1) lookups. The router holds it in memory and loads a new one when the store
// revision differs from `revision`. Map keys are normalised as by addresses.ts; the functions at
// the end normalise a key from the wire before the lookup.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { accessNumberKey, normaliseFqdn, normaliseIp, sipKey } from './addresses.js';
import { dialPlanQuery, gatewayQuery, huntGroupQuery, userQuery } from './organisation-queries.js';
import {
  toDialPlan, toGateway, toHuntGroup, toUser, type DialPlan, type HuntGroupRoute, type IpGateway, type UmUser,
} from './organisation-types.js';
import { byPilotFirst } from './routing-lookups.js';

export interface RoutingSnapshot {
  /** The store revision this snapshot was read at. */
  revision: number;
  loadedAt: string;
  dialPlans: DialPlan[];
  gateways: IpGateway[];
  huntGroups: HuntGroupRoute[];
  users: UmUser[];
  dialPlanById: Map<number, DialPlan>;
  gatewayById: Map<number, IpGateway>;
  /** Canonical IP text → gateway addressed by that IP. */
  gatewayByAddress: Map<string, IpGateway>;
  /** Lower-case FQDN → gateway addressed by that FQDN. */
  gatewayByFqdn: Map<string, IpGateway>;
  /** Normalised access number (+digits, digits, sip:user@host) → dial plan. */
  dialPlanByPilot: Map<string, DialPlan>;
  /** Gateway id → its hunt groups (specific pilot identifiers first, the catch-all last). */
  huntGroupsByGateway: Map<number, HuntGroupRoute[]>;
  /** Dial plan id → extension → user. */
  userByExtension: Map<number, Map<string, UmUser>>;
  /** Lower-case user@host → user. */
  userBySipUri: Map<string, UmUser>;
  /** Lower-case e-mail address → user. */
  userByEmail: Map<string, UmUser>;
}

export async function loadRoutingSnapshot(db: Kysely<Database>): Promise<RoutingSnapshot> {
  const read = await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => ({
    revision: Number((await trx.selectFrom('revision').select('value').where('id', '=', 1).executeTakeFirst())?.value ?? 0),
    plans: await dialPlanQuery(trx).orderBy('dial_plans.name').execute(),
    gateways: await gatewayQuery(trx).orderBy('ip_gateways.name').execute(),
    groups: await huntGroupQuery(trx).execute(),
    users: await userQuery(trx).orderBy('users.name').execute(),
  }));
  const dialPlans = read.plans.map(toDialPlan);
  const dialPlanById = new Map(dialPlans.map((p) => [p.id, p]));
  const gateways = read.gateways.map(toGateway);
  // A hunt group shares its dial plan object with dialPlanById: one object per plan.
  const huntGroups = read.groups.map((r) => ({ ...toHuntGroup(r), dialPlan: dialPlanById.get(Number(r.hunt_group_dial_plan_id)) ?? toDialPlan(r) }))
    .sort(byPilotFirst);
  const users = read.users.map(toUser);

  const huntGroupsByGateway = new Map<number, HuntGroupRoute[]>();
  for (const g of huntGroups) huntGroupsByGateway.set(g.gatewayId, [...(huntGroupsByGateway.get(g.gatewayId) ?? []), g]);
  const userByExtension = new Map<number, Map<string, UmUser>>(dialPlans.map((p) => [p.id, new Map()]));
  for (const u of users) userByExtension.get(u.dialPlanId)?.set(u.extension, u);

  return {
    revision: read.revision,
    loadedAt: new Date().toISOString(),
    dialPlans, gateways, huntGroups, users, dialPlanById,
    gatewayById: new Map(gateways.map((g) => [g.id, g])),
    gatewayByAddress: new Map(gateways.filter((g) => g.addressKind !== 'fqdn').map((g) => [g.address, g])),
    gatewayByFqdn: new Map(gateways.filter((g) => g.addressKind === 'fqdn').map((g) => [g.address, g])),
    dialPlanByPilot: new Map(dialPlans.flatMap((p) => p.accessNumbers.map((n) => [n, p] as const))),
    huntGroupsByGateway,
    userByExtension,
    userBySipUri: new Map(users.flatMap((u) => (u.sipUri === null ? [] : [[u.sipUri.replace(/^sip:/, ''), u] as const]))),
    userByEmail: new Map(users.map((u) => [u.email, u])),
  };
}

/** The gateway a request from this source IP comes from. */
export function gatewayForAddress(s: RoutingSnapshot, ip: string): IpGateway | undefined {
  const key = normaliseIp(ip);
  return key === undefined ? undefined : s.gatewayByAddress.get(key);
}

export function gatewayForFqdn(s: RoutingSnapshot, fqdn: string): IpGateway | undefined {
  const key = normaliseFqdn(fqdn);
  return key === undefined ? undefined : s.gatewayByFqdn.get(key);
}

export function dialPlanForPilot(s: RoutingSnapshot, number: string): DialPlan | undefined {
  const key = accessNumberKey(number);
  return key === undefined ? undefined : s.dialPlanByPilot.get(key);
}

export function userForExtension(s: RoutingSnapshot, dialPlanId: number, ext: string): UmUser | undefined {
  return s.userByExtension.get(dialPlanId)?.get(ext.trim());
}

export function userForSipUri(s: RoutingSnapshot, uri: string): UmUser | undefined {
  const key = sipKey(uri);
  return key === undefined ? undefined : s.userBySipUri.get(key);
}
