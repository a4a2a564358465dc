// One number leads to one place in a dial plan: subscriber access (an access number), an auto
// attendant (one of its pilot numbers) or a user (the extension). Routing tries them in that order
// (services/routing/classify.ts), so a user whose extension is also an access or pilot number of
// the plan could never be reached by dialling it; each side refuses the other, nothing changed.
// (Access numbers against pilot numbers: auto-attendant-numbers.ts.)
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';

/** Digits of a number without visual separators and "+", as routing compares them; SIP URIs as they are. */
function digits(n: string): string {
  return n.startsWith('sip:') ? n : n.replace(/[\s().-]/g, '').replace(/^\+/, '');
}

/** Refuses access or pilot numbers of the plan that are a user's extension there. */
export async function refuseUserExtensions(trx: Kysely<Database>, dialPlanId: number, numbers: readonly string[], what: 'access number' | 'pilot number'): Promise<void> {
  const wanted = [...new Set(numbers.map(digits).filter((n) => /^\d+$/.test(n)))];
  if (wanted.length === 0) return;
  const user = await trx.selectFrom('users').innerJoin('dial_plans', 'dial_plans.id', 'users.dial_plan_id')
    .where('users.dial_plan_id', '=', dialPlanId).where('users.extension', 'in', wanted)
    .select(['users.name', 'users.extension', 'dial_plans.name as plan']).executeTakeFirst();
  if (user) {
    const reaches = what === 'access number' ? 'subscriber access' : 'the auto attendant';
    throw new OpenUmError('OBJECT_EXISTS',
      `the ${what} ${user.extension} is the extension of the user "${user.name}" in the dial plan "${user.plan}"; a number leads to one place (a call to it would reach ${reaches}, never ${user.name}), so choose another number or give ${user.name} another extension first`);
  }
}

/** Refuses a user extension that is an access number of the plan or a pilot number of one of its auto attendants. */
export async function refusePilotExtension(trx: Kysely<Database>, plan: { id: number; name: string }, extension: string): Promise<void> {
  const access = await trx.selectFrom('dial_plan_access_numbers').where('dial_plan_id', '=', plan.id).select('number').execute();
  if (access.some((a) => digits(a.number) === extension)) {
    throw new OpenUmError('OBJECT_EXISTS',
      `the extension ${extension} is an access number of the dial plan "${plan.name}" (subscriber access); a number leads to one place, so choose another extension`);
  }
  const pilots = await trx.selectFrom('auto_attendant_numbers').innerJoin('auto_attendants', 'auto_attendants.id', 'auto_attendant_numbers.auto_attendant_id')
    .where('auto_attendant_numbers.dial_plan_id', '=', plan.id).select(['auto_attendant_numbers.number', 'auto_attendants.name']).execute();
  const pilot = pilots.find((p) => digits(p.number) === extension);
  if (pilot) {
    throw new OpenUmError('OBJECT_EXISTS',
      `the extension ${extension} is a pilot number of the auto attendant "${pilot.name}" in the dial plan "${plan.name}"; a number leads to one place, so choose another extension`);
  }
}
