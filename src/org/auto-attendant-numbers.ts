// Pilot numbers of auto attendants: unique within a dial plan among its auto attendants, and never
// one of any dial plan's access numbers (a number leads to one thing: subscriber access for the
// plan, or one auto attendant). Dial plans call refuseAutoAttendantPilots for the other direction.
import type { Kysely, Transaction } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { refuseUserExtensions } from './number-clashes.js';

/** Refuses access numbers that are an auto attendant's pilot number. */
export async function refuseAutoAttendantPilots(trx: Kysely<Database>, numbers: string[]): Promise<void> {
  if (numbers.length === 0) return;
  const taken = await trx.selectFrom('auto_attendant_numbers')
    .innerJoin('auto_attendants', 'auto_attendants.id', 'auto_attendant_numbers.auto_attendant_id')
    .where('auto_attendant_numbers.number', 'in', numbers)
    .select(['auto_attendant_numbers.number', 'auto_attendants.name']).executeTakeFirst();
  if (taken) {
    throw new OpenUmError('OBJECT_EXISTS',
      `the number ${taken.number} is a pilot number of the auto attendant "${taken.name}"; a number leads to one place, so remove it there first`, {
        cli: ` (openum autoattendant set ${taken.name} --number …) or choose another`,
        api: ` (numbers of PATCH /api/autoattendants/${taken.name}) or choose another`,
      });
  }
}

/** Replaces the auto attendant's pilot numbers, refusing numbers that lead elsewhere. */
export async function claimPilotNumbers(trx: Transaction<Database>, aa: { id: number; dialPlanId: number }, numbers: string[]): Promise<void> {
  if (numbers.length > 0) {
    const access = await trx.selectFrom('dial_plan_access_numbers')
      .innerJoin('dial_plans', 'dial_plans.id', 'dial_plan_access_numbers.dial_plan_id')
      .where('dial_plan_access_numbers.number', 'in', numbers)
      .select(['dial_plan_access_numbers.number', 'dial_plans.name']).executeTakeFirst();
    if (access) {
      throw new OpenUmError('OBJECT_EXISTS',
        `the number ${access.number} is an access number of the dial plan "${access.name}" (subscriber access); an auto attendant needs a pilot number of its own: choose another`);
    }
    await refuseUserExtensions(trx, aa.dialPlanId, numbers, 'pilot number');
    const other = await trx.selectFrom('auto_attendant_numbers')
      .innerJoin('auto_attendants', 'auto_attendants.id', 'auto_attendant_numbers.auto_attendant_id')
      .where('auto_attendant_numbers.dial_plan_id', '=', aa.dialPlanId)
      .where('auto_attendant_numbers.number', 'in', numbers)
      .where('auto_attendant_numbers.auto_attendant_id', '!=', aa.id)
      .select(['auto_attendant_numbers.number', 'auto_attendants.name']).executeTakeFirst();
    if (other) {
      throw new OpenUmError('OBJECT_EXISTS',
        `the number ${other.number} is already a pilot number of the auto attendant "${other.name}" in this dial plan; remove it there first or choose another`);
    }
  }
  await trx.deleteFrom('auto_attendant_numbers').where('auto_attendant_id', '=', aa.id).execute();
  if (numbers.length > 0) {
    await trx.insertInto('auto_attendant_numbers')
      .values(numbers.map((number) => ({ number, dial_plan_id: aa.dialPlanId, auto_attendant_id: aa.id }))).execute();
  }
}
