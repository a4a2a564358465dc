// UM hunt groups (New-/Get-/Remove-UMHuntGroup, plus a set): a hunt group ties a UM IP gateway,
// and optionally a pilot identifier (the number the PBX hunts to), to a dial plan. An empty pilot
// identifier answers any call from that gateway. Names and pilot identifiers are unique per gateway.
import type { Kysely, Transaction } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { dialPlanByName, gatewayByName, huntGroupQuery, nameKey } from './organisation-queries.js';
import { toDialPlan, toGateway, toHuntGroup, type HuntGroup } from './organisation-types.js';
import { refuseIpGatewayForSecuredPlan } from './secured-gateway-rule.js';
import { parseName } from './values.js';

export interface NewHuntGroupInput {
  gateway: string;
  dialPlan: string;
  pilotIdentifier?: string;
}

export interface HuntGroupPatch {
  name?: string;
  dialPlan?: string;
  pilotIdentifier?: string;
}

export function parsePilotIdentifier(text: string | undefined): string {
  const p = (text ?? '').trim();
  if (p.length > 128 || /[\s<>"]/.test(p)) {
    throw new OpenUmError('BAD_SETTING', `the pilot identifier "${text}" must be up to 128 characters without spaces; write it like 4100 or +14255550100, or leave it empty for any call`);
  }
  return p;
}

/** The hunt groups named NAME (on GATEWAY when given); several gateways may each have one. */
export async function findHuntGroups(db: Kysely<Database>, name: string, gateway?: string): Promise<HuntGroup[]> {
  let q = huntGroupQuery(db).where((eb) => eb(eb.fn('lower', ['hunt_groups.name']), '=', nameKey(name)));
  if (gateway !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['ip_gateways.name']), '=', nameKey(gateway)));
  return (await q.orderBy('ip_gateways.name').execute()).map(toHuntGroup);
}

export async function getHuntGroup(db: Kysely<Database>, name: string, gateway?: string): Promise<HuntGroup> {
  const found = await findHuntGroups(db, name, gateway);
  const [first] = found;
  if (!first) {
    throw new OpenUmError('HUNT_GROUP_NOT_FOUND',
      `no hunt group is named "${name}"${gateway === undefined ? '' : ` on the gateway "${gateway}"`}`, { cli: "'openum huntgroup list' shows them", api: 'GET /api/huntgroups lists them' });
  }
  if (found.length > 1) {
    throw new OpenUmError('BAD_ARGUMENT',
      `the gateways ${found.map((h) => `"${h.gatewayName}"`).join(', ')} each have a hunt group "${name}"; say which`,
      { cli: ' with --gateway G (API: ?gateway=G)', api: ' with ?gateway=G' });
  }
  return first;
}

export async function listHuntGroups(db: Kysely<Database>, options: { gateway?: string } = {}): Promise<HuntGroup[]> {
  let q = huntGroupQuery(db);
  if (options.gateway !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['ip_gateways.name']), '=', nameKey(options.gateway ?? '')));
  return (await q.orderBy('ip_gateways.name').orderBy('hunt_groups.name').execute()).map(toHuntGroup);
}

/** Inserts a hunt group inside a mutation, refusing a taken name or pilot identifier on the gateway. */
export async function insertHuntGroup(trx: Transaction<Database>, g: { name: string; gatewayId: number; gatewayName: string; dialPlanId: number; pilotIdentifier: string }): Promise<void> {
  await refuseTaken(trx, g.gatewayId, g.gatewayName, g.name, g.pilotIdentifier);
  const now = new Date().toISOString();
  await trx.insertInto('hunt_groups').values({
    name: g.name, gateway_id: g.gatewayId, dial_plan_id: g.dialPlanId, pilot_identifier: g.pilotIdentifier, created_at: now, updated_at: now,
  }).execute();
}

async function refuseTaken(trx: Kysely<Database>, gatewayId: number, gatewayName: string, name: string | undefined, pilot: string | undefined, selfId?: number): Promise<void> {
  const others = (await trx.selectFrom('hunt_groups').select(['id', 'name', 'pilot_identifier']).where('gateway_id', '=', gatewayId).execute())
    .filter((h) => Number(h.id) !== selfId);
  const sameName = name === undefined ? undefined : others.find((h) => nameKey(h.name) === nameKey(name));
  if (sameName) {
    throw new OpenUmError('OBJECT_EXISTS', `the gateway "${gatewayName}" already has a hunt group named "${sameName.name}"; choose another name`);
  }
  const samePilot = pilot === undefined ? undefined : others.find((h) => h.pilot_identifier === pilot);
  if (samePilot) {
    const what = pilot === '' ? 'an empty pilot identifier (any call)' : `the pilot identifier ${pilot}`;
    throw new OpenUmError('OBJECT_EXISTS',
      `the hunt group "${samePilot.name}" on the gateway "${gatewayName}" already has ${what}; a pilot identifier is unique per gateway, so choose another`);
  }
}

export async function createHuntGroup(db: Kysely<Database>, actor: Actor, name: string, input: NewHuntGroupInput): Promise<HuntGroup> {
  const groupName = parseName(name, 'hunt group');
  const pilot = parsePilotIdentifier(input.pilotIdentifier);
  const gwRow = await gatewayByName(db, input.gateway).executeTakeFirst();
  if (!gwRow) throw new OpenUmError('IP_GATEWAY_NOT_FOUND', `no UM IP gateway is named "${input.gateway}"`, { cli: "'openum gateway list' shows them", api: 'GET /api/gateways lists them' });
  const planRow = await dialPlanByName(db, input.dialPlan).executeTakeFirst();
  if (!planRow) throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `no dial plan is named "${input.dialPlan}"`, { cli: "'openum dialplan list' shows them", api: 'GET /api/dialplans lists them' });
  const gateway = toGateway(gwRow);
  const plan = toDialPlan(planRow);
  refuseIpGatewayForSecuredPlan(gateway, plan, {
    cli: `openum gateway set ${gateway.name} --address <gateway FQDN>`, api: `PATCH /api/gateways/${gateway.name} { address: <gateway FQDN> }`,
  });
  await mutate(db, actor, { action: 'huntgroup.create', target: `${gateway.name}/${groupName}` }, async (trx) => {
    await insertHuntGroup(trx, { name: groupName, gatewayId: gateway.id, gatewayName: gateway.name, dialPlanId: plan.id, pilotIdentifier: pilot });
    return { result: undefined, details: { gateway: gateway.name, dialPlan: plan.name, pilotIdentifier: pilot } };
  });
  return getHuntGroup(db, groupName, gateway.name);
}

export async function setHuntGroup(db: Kysely<Database>, actor: Actor, name: string, gateway: string | undefined, patch: HuntGroupPatch): Promise<HuntGroup> {
  if (Object.values(patch).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', {
      cli: ': give --name, --dial-plan or --pilot (see openum huntgroup --help)', api: ': give name, dialPlan or pilotIdentifier',
    });
  }
  const current = await getHuntGroup(db, name, gateway);
  const newName = patch.name === undefined ? undefined : parseName(patch.name, 'hunt group');
  const pilot = patch.pilotIdentifier === undefined ? undefined : parsePilotIdentifier(patch.pilotIdentifier);
  let dialPlanId = current.dialPlanId;
  if (patch.dialPlan !== undefined) {
    const planRow = await dialPlanByName(db, patch.dialPlan).executeTakeFirst();
    if (!planRow) throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `no dial plan is named "${patch.dialPlan}"`, { cli: "'openum dialplan list' shows them", api: 'GET /api/dialplans lists them' });
    const gwRow = await gatewayByName(db, current.gatewayName).executeTakeFirstOrThrow();
    refuseIpGatewayForSecuredPlan(toGateway(gwRow), toDialPlan(planRow), {
      cli: `openum gateway set ${current.gatewayName} --address <gateway FQDN>`,
      api: `PATCH /api/gateways/${current.gatewayName} { address: <gateway FQDN> }`,
    });
    dialPlanId = Number(planRow.id);
  }
  await mutate(db, actor, { action: 'huntgroup.set', target: `${current.gatewayName}/${current.name}` }, async (trx) => {
    await refuseTaken(trx, current.gatewayId, current.gatewayName, newName, pilot, current.id);
    await trx.updateTable('hunt_groups').set({
      ...(newName === undefined ? {} : { name: newName }),
      ...(pilot === undefined ? {} : { pilot_identifier: pilot }),
      dial_plan_id: dialPlanId,
      updated_at: new Date().toISOString(),
    }).where('id', '=', current.id).execute();
    return { result: undefined, details: { before: current, after: patch } };
  });
  return getHuntGroup(db, newName ?? current.name, current.gatewayName);
}

export async function removeHuntGroup(db: Kysely<Database>, actor: Actor, name: string, gateway?: string): Promise<void> {
  const group = await getHuntGroup(db, name, gateway);
  await mutate(db, actor, { action: 'huntgroup.remove', target: `${group.gatewayName}/${group.name}` }, async (trx) => {
    await trx.deleteFrom('hunt_groups').where('id', '=', group.id).execute();
    return { result: undefined, details: { removed: group } };
  });
}
