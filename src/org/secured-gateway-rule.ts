// A SIPSecured or Secured dial plan uses mutual TLS with its gateways, and mutual TLS identifies
// the gateway by the FQDN in its certificate: an IP-addressed gateway cannot be matched to one.
// The seeds: "Create the UM IP gateways with an FQDN". The rule applies wherever a gateway and a
// dial plan meet: creating a gateway for a dial plan, a hunt group, a gateway's new address, and
// a dial plan's new VoIP security.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { AddressKind } from './addresses.js';
import { isSecured, type VoipSecurity } from './organisation-types.js';

export interface GatewayAddress { name: string; address: string; addressKind: AddressKind }
export interface PlanSecurity { name: string; voipSecurity: VoipSecurity }

/** `fix` says how to give the gateway an FQDN, in CLI words and in API words. */
export function refuseIpGatewayForSecuredPlan(gateway: GatewayAddress, plan: PlanSecurity, fix: { cli: string; api: string }): void {
  if (gateway.addressKind === 'fqdn' || !isSecured(plan.voipSecurity)) return;
  throw new OpenUmError('GATEWAY_FQDN_REQUIRED',
    `the UM IP gateway "${gateway.name}" is addressed by IP (${gateway.address}) but the dial plan "${plan.name}" is ${plan.voipSecurity}: `
    + `mutual TLS identifies the gateway by the FQDN in its certificate, so an IP address cannot be used. `
    + `Create the UM IP gateways with an FQDN`, { cli: ` (${fix.cli})`, api: ` (${fix.api})` });
}

/** IP-addressed gateways linked to a dial plan through its hunt groups. */
export async function ipGatewaysOfPlan(db: Kysely<Database>, dialPlanId: number): Promise<GatewayAddress[]> {
  const rows = await db.selectFrom('hunt_groups')
    .innerJoin('ip_gateways', 'ip_gateways.id', 'hunt_groups.gateway_id')
    .where('hunt_groups.dial_plan_id', '=', dialPlanId)
    .where('ip_gateways.address_kind', '!=', 'fqdn')
    .select(['ip_gateways.name', 'ip_gateways.address', 'ip_gateways.address_kind'])
    .distinct()
    .orderBy('ip_gateways.name')
    .execute();
  return rows.map((r) => ({ name: r.name, address: r.address, addressKind: r.address_kind as AddressKind }));
}

/** The secured dial plans a gateway serves through its hunt groups. */
export async function securedPlansOfGateway(db: Kysely<Database>, gatewayId: number): Promise<PlanSecurity[]> {
  const rows = await db.selectFrom('hunt_groups')
    .innerJoin('dial_plans', 'dial_plans.id', 'hunt_groups.dial_plan_id')
    .where('hunt_groups.gateway_id', '=', gatewayId)
    .where('dial_plans.voip_security', '!=', 'Unsecured')
    .select(['dial_plans.name', 'dial_plans.voip_security'])
    .distinct()
    .orderBy('dial_plans.name')
    .execute();
  return rows.map((r) => ({ name: r.name, voipSecurity: r.voip_security as VoipSecurity }));
}
