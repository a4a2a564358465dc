// The base queries of the organisation objects, shared by their modules and the Call Router's
// lookups so that every read maps rows the same way. Names match without regard to case through
// the lower(name) unique indexes of migration 0002.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database>;

export const nameKey = (name: string): string => name.trim().toLowerCase();

export function dialPlanQuery(db: Db) {
  return db.selectFrom('dial_plans').selectAll('dial_plans');
}

export function dialPlanByName(db: Db, name: string) {
  return dialPlanQuery(db).where((eb) => eb(eb.fn('lower', ['dial_plans.name']), '=', nameKey(name)));
}

export function gatewayQuery(db: Db) {
  return db.selectFrom('ip_gateways').selectAll('ip_gateways');
}

export function gatewayByName(db: Db, name: string) {
  return gatewayQuery(db).where((eb) => eb(eb.fn('lower', ['ip_gateways.name']), '=', nameKey(name)));
}

/** Hunt groups with their gateway's name and every column of their dial plan. */
export function huntGroupQuery(db: Db) {
  return db.selectFrom('hunt_groups')
    .innerJoin('ip_gateways', 'ip_gateways.id', 'hunt_groups.gateway_id')
    .innerJoin('dial_plans', 'dial_plans.id', 'hunt_groups.dial_plan_id')
    .selectAll('dial_plans')
    .select([
      'hunt_groups.id as hunt_group_id', 'hunt_groups.name as hunt_group_name', 'hunt_groups.gateway_id',
      'ip_gateways.name as gateway_name', 'hunt_groups.dial_plan_id as hunt_group_dial_plan_id',
      'dial_plans.name as dial_plan_name', 'hunt_groups.pilot_identifier',
      'hunt_groups.created_at as hunt_group_created_at', 'hunt_groups.updated_at as hunt_group_updated_at',
    ]);
}

export function userQuery(db: Db) {
  return db.selectFrom('users')
    .innerJoin('dial_plans', 'dial_plans.id', 'users.dial_plan_id')
    .leftJoin('mailbox_policies', 'mailbox_policies.id', 'users.policy_id')
    .selectAll('users')
    .select(['dial_plans.name as dial_plan_name', 'mailbox_policies.name as policy_name']);
}

export function userByName(db: Db, name: string) {
  return userQuery(db).where((eb) => eb(eb.fn('lower', ['users.name']), '=', nameKey(name)));
}
