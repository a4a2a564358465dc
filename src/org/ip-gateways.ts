// UM IP gateways (New-/Set-/Get-/Remove-UMIPGateway): the PBXs, IP-PBXs and SBCs that send calls
// to the Call Router. Created with a dial plan, a gateway gets its default hunt group (empty pilot
// identifier: any call), as New-UMIPGateway -UMDialPlan does. Removing it removes its hunt groups.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { parseAddress, type AddressKind } from './addresses.js';
import { insertHuntGroup } from './hunt-groups.js';
import { dialPlanByName, gatewayByName, gatewayQuery } from './organisation-queries.js';
import {
  GATEWAY_STATUSES, IP_FAMILIES, isSecured, toDialPlan, toGateway, type IpFamily, type IpGateway,
} from './organisation-types.js';
import { refuseIpGatewayForSecuredPlan, securedPlansOfGateway } from './secured-gateway-rule.js';
import { refuseGatewayAtServer } from './settings-guards.js';
import { parseBool, parseChoice, parseIntIn, parseName } from './values.js';

export interface GatewayInput {
  address?: string;
  port?: string | number;
  status?: string;
  outcallsAllowed?: boolean | string;
  mwiAllowed?: boolean | string;
  ipAddressFamily?: string;
}

export interface NewGatewayInput extends GatewayInput {
  address: string;
  /** Also create the default hunt group for this dial plan. */
  dialPlan?: string;
}

export interface GatewayPatch extends GatewayInput {
  name?: string;
}

export const DEFAULT_SIP_PORT = 5060;
export const DEFAULT_SIPS_PORT = 5061;

function refuseFamilyMismatch(kind: AddressKind, family: IpFamily, address: string): void {
  if ((kind === 'ipv4' && family === 'IPv6Only') || (kind === 'ipv6' && family === 'IPv4Only')) {
    throw new OpenUmError('BAD_SETTING',
      `the address ${address} is ${kind === 'ipv4' ? 'IPv4' : 'IPv6'} but the IP address family is ${family}; give an address of that family, or set the family to Any`);
  }
}

export async function findGateway(db: Kysely<Database>, name: string): Promise<IpGateway | undefined> {
  const row = await gatewayByName(db, name).executeTakeFirst();
  return row ? toGateway(row) : undefined;
}

export async function getGateway(db: Kysely<Database>, name: string): Promise<IpGateway> {
  const gw = await findGateway(db, name);
  if (!gw) throw new OpenUmError('IP_GATEWAY_NOT_FOUND', `no UM IP gateway is named "${name}"`, { cli: "'openum gateway list' shows them", api: 'GET /api/gateways lists them' });
  return gw;
}

export async function listGateways(db: Kysely<Database>): Promise<IpGateway[]> {
  return (await gatewayQuery(db).orderBy('ip_gateways.name').execute()).map(toGateway);
}

async function refuseTaken(trx: Kysely<Database>, name: string | undefined, address: string | undefined, selfId?: number): Promise<void> {
  if (name !== undefined) {
    const other = await gatewayByName(trx, name).executeTakeFirst();
    if (other && Number(other.id) !== selfId) throw new OpenUmError('OBJECT_EXISTS', `a UM IP gateway named "${other.name}" already exists; choose another name`);
  }
  if (address !== undefined) {
    const other = await trx.selectFrom('ip_gateways').select(['id', 'name']).where('address', '=', address).executeTakeFirst();
    if (other && Number(other.id) !== selfId) {
      throw new OpenUmError('OBJECT_EXISTS', `the UM IP gateway "${other.name}" already has the address ${address}; the Call Router tells gateways apart by address, so give another or change that one`);
    }
  }
}

export async function createGateway(db: Kysely<Database>, actor: Actor, name: string, input: NewGatewayInput): Promise<IpGateway> {
  const gwName = parseName(name, 'UM IP gateway');
  const { address, kind } = parseAddress(input.address, 'the gateway address');
  const planRow = input.dialPlan === undefined ? undefined : await dialPlanByName(db, input.dialPlan).executeTakeFirst();
  if (input.dialPlan !== undefined && !planRow) {
    throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `no dial plan is named "${input.dialPlan}"`, { cli: "'openum dialplan list' shows them", api: 'GET /api/dialplans lists them' });
  }
  const plan = planRow ? toDialPlan(planRow) : undefined;
  if (plan) {
    refuseIpGatewayForSecuredPlan({ name: gwName, address, addressKind: kind }, plan,
      { cli: `openum gateway new ${gwName} --address <gateway FQDN> --dial-plan ${plan.name}`, api: 'POST /api/gateways with address: <gateway FQDN>' });
  }
  const port = input.port !== undefined ? parseIntIn(input.port, 'the gateway port', 1, 65535)
    : plan && isSecured(plan.voipSecurity) ? DEFAULT_SIPS_PORT : DEFAULT_SIP_PORT;
  await refuseGatewayAtServer(db, address, port);
  const status = input.status === undefined ? 'Enabled' : parseChoice(input.status, GATEWAY_STATUSES, 'the gateway status');
  const family = input.ipAddressFamily === undefined ? 'Any' : parseChoice(input.ipAddressFamily, IP_FAMILIES, 'the IP address family');
  refuseFamilyMismatch(kind, family, address);
  const outcalls = input.outcallsAllowed === undefined ? true : parseBool(input.outcallsAllowed, 'outcalls allowed');
  const mwi = input.mwiAllowed === undefined ? true : parseBool(input.mwiAllowed, 'MWI allowed');
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'gateway.create', target: gwName }, async (trx) => {
    await refuseTaken(trx, gwName, address);
    const row = await trx.insertInto('ip_gateways').values({
      name: gwName, address, address_kind: kind, port, status, outcalls_allowed: outcalls ? 1 : 0, mwi_allowed: mwi ? 1 : 0,
      ip_family: family, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    if (plan) {
      await insertHuntGroup(trx, { name: plan.name, gatewayId: Number(row.id), gatewayName: gwName, dialPlanId: plan.id, pilotIdentifier: '' });
    }
    return { result: undefined, details: { address, port, status, family, outcalls, mwi, dialPlan: plan?.name ?? null } };
  });
  return getGateway(db, gwName);
}

export async function setGateway(db: Kysely<Database>, actor: Actor, name: string, patch: GatewayPatch): Promise<IpGateway> {
  if (Object.values(patch).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', { cli: ': give at least one setting (see openum gateway --help)', api: ': give at least one field' });
  }
  const current = await getGateway(db, name);
  const newName = patch.name === undefined ? undefined : parseName(patch.name, 'UM IP gateway');
  const addr = patch.address === undefined ? undefined : parseAddress(patch.address, 'the gateway address');
  const kind = addr?.kind ?? current.addressKind;
  const family = patch.ipAddressFamily === undefined ? current.ipAddressFamily : parseChoice(patch.ipAddressFamily, IP_FAMILIES, 'the IP address family');
  refuseFamilyMismatch(kind, family, addr?.address ?? current.address);
  const values = {
    ...(newName === undefined ? {} : { name: newName }),
    ...(addr === undefined ? {} : { address: addr.address, address_kind: addr.kind }),
    ...(patch.port === undefined ? {} : { port: parseIntIn(patch.port, 'the gateway port', 1, 65535) }),
    ...(patch.status === undefined ? {} : { status: parseChoice(patch.status, GATEWAY_STATUSES, 'the gateway status') }),
    ...(patch.outcallsAllowed === undefined ? {} : { outcalls_allowed: parseBool(patch.outcallsAllowed, 'outcalls allowed') ? 1 : 0 }),
    ...(patch.mwiAllowed === undefined ? {} : { mwi_allowed: parseBool(patch.mwiAllowed, 'MWI allowed') ? 1 : 0 }),
    ip_family: family,
  };
  await refuseGatewayAtServer(db, addr?.address ?? current.address, values.port ?? current.port);
  await mutate(db, actor, { action: 'gateway.set', target: current.name }, async (trx) => {
    await refuseTaken(trx, newName, addr?.address, current.id);
    if (addr && addr.kind !== 'fqdn') {
      const gw = { name: newName ?? current.name, address: addr.address, addressKind: addr.kind };
      for (const plan of await securedPlansOfGateway(trx, current.id)) {
        refuseIpGatewayForSecuredPlan(gw, plan, {
          cli: `keep the FQDN, e.g. openum gateway set ${gw.name} --address gw.contoso.com`, api: 'keep the FQDN in address, e.g. gw.contoso.com',
        });
      }
    }
    await trx.updateTable('ip_gateways').set({ ...values, updated_at: new Date().toISOString() }).where('id', '=', current.id).execute();
    return { result: undefined, details: { before: current, after: values } };
  });
  return getGateway(db, newName ?? current.name);
}

export async function removeGateway(db: Kysely<Database>, actor: Actor, name: string): Promise<{ removedHuntGroups: string[] }> {
  const gw = await getGateway(db, name);
  return mutate(db, actor, { action: 'gateway.remove', target: gw.name }, async (trx) => {
    const groups = await trx.selectFrom('hunt_groups').select('name').where('gateway_id', '=', gw.id).orderBy('name').execute();
    await trx.deleteFrom('hunt_groups').where('gateway_id', '=', gw.id).execute();
    await trx.deleteFrom('ip_gateways').where('id', '=', gw.id).execute();
    const removedHuntGroups = groups.map((g) => g.name);
    return { result: { removedHuntGroups }, details: { removed: gw, huntGroups: removedHuntGroups } };
  });
}
