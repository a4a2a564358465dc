// What the Call Router asks the store on an INVITE, each one indexed query: the gateway a request
// came from (by source IP, or by the FQDN in its TLS certificate), the dial plan of a pilot number,
// a gateway's hunt groups with their dial plans, and the user an extension or SIP URI reaches.
// Keys are normalised as when stored (addresses.ts); a key that cannot be normalised finds nothing
// (these take untrusted input from the wire and never throw for it). Disabled gateways and users
// are returned too: the caller decides (a Disabled gateway's INVITE is refused, not unknown).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { accessNumberKey, normaliseFqdn, normaliseIp, sipKey } from './addresses.js';
import { dialPlanQuery, gatewayQuery, huntGroupQuery, userQuery } from './organisation-queries.js';
import {
  toDialPlan, toGateway, toHuntGroup, toUser, type DialPlan, type HuntGroupRoute, type IpGateway, type UmUser,
} from './organisation-types.js';

/** The gateway whose address is this IP (IPv4-mapped IPv6 and brackets accepted). */
export async function findGatewayByAddress(db: Kysely<Database>, ip: string): Promise<IpGateway | undefined> {
  const key = normaliseIp(ip);
  if (key === undefined) return undefined;
  const row = await gatewayQuery(db).where('ip_gateways.address', '=', key).executeTakeFirst();
  return row ? toGateway(row) : undefined;
}

/** The gateway addressed by this FQDN, compared without regard to case or a trailing dot. */
export async function findGatewayByFqdn(db: Kysely<Database>, fqdn: string): Promise<IpGateway | undefined> {
  const key = normaliseFqdn(fqdn);
  if (key === undefined) return undefined;
  const row = await gatewayQuery(db).where('ip_gateways.address', '=', key).where('ip_gateways.address_kind', '=', 'fqdn').executeTakeFirst();
  return row ? toGateway(row) : undefined;
}

/** Gateways that take new calls (status Enabled; not Disabled or NoNewCalls). */
export async function listEnabledGateways(db: Kysely<Database>): Promise<IpGateway[]> {
  return (await gatewayQuery(db).where('ip_gateways.status', '=', 'Enabled').orderBy('ip_gateways.name').execute()).map(toGateway);
}

/** The dial plan one of whose access numbers this is (phone number, tel: or SIP URI). */
export async function findDialPlanByPilot(db: Kysely<Database>, number: string): Promise<DialPlan | undefined> {
  const key = accessNumberKey(number);
  if (key === undefined) return undefined;
  const row = await dialPlanQuery(db)
    .innerJoin('dial_plan_access_numbers', 'dial_plan_access_numbers.dial_plan_id', 'dial_plans.id')
    .where('dial_plan_access_numbers.number', '=', key)
    .executeTakeFirst();
  return row ? toDialPlan(row) : undefined;
}

/** Orders hunt groups so that those with a pilot identifier come before the catch-all (''). */
export const byPilotFirst = (a: { pilotIdentifier: string; name: string }, b: { pilotIdentifier: string; name: string }): number =>
  Number(a.pilotIdentifier === '') - Number(b.pilotIdentifier === '') || a.name.localeCompare(b.name);

/** A gateway's hunt groups with their dial plans; specific pilot identifiers first, the catch-all last. */
export async function huntGroupsForGateway(db: Kysely<Database>, gatewayId: number): Promise<HuntGroupRoute[]> {
  const rows = await huntGroupQuery(db).where('hunt_groups.gateway_id', '=', gatewayId).execute();
  return rows.map((r) => ({ ...toHuntGroup(r), dialPlan: toDialPlan(r) })).sort(byPilotFirst);
}

export async function findUserByExtension(db: Kysely<Database>, dialPlanId: number, ext: string): Promise<UmUser | undefined> {
  const row = await userQuery(db).where('users.dial_plan_id', '=', dialPlanId).where('users.extension', '=', ext.trim()).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** The user with this SIP URI, compared on user@host without regard to case (scheme, port and parameters ignored). */
export async function findUserBySipUri(db: Kysely<Database>, uri: string): Promise<UmUser | undefined> {
  const key = sipKey(uri);
  if (key === undefined) return undefined;
  const row = await userQuery(db).where('users.sip_uri', '=', `sip:${key}`).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UmUser | undefined> {
  const key = email.trim().replace(/^mailto:/i, '').toLowerCase();
  const row = await userQuery(db).where('users.email', '=', key).executeTakeFirst();
  return row ? toUser(row) : undefined;
}
