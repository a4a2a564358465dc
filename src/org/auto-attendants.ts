// Auto attendants (New-/Set-/Get-/Remove-UMAutoAttendant): the pilot numbers in a dial plan that
// answer with a greeting and a menu, enabled or not, their time zone and business hours, the
// operator, dial by extension and dial by name. Keys, holidays and greetings are in
// auto-attendant-parts.ts; reading in auto-attendant-read.ts. Every change is audited.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { parseAccessNumber, parseExtension } from './addresses.js';
import { findAutoAttendantRow, getAutoAttendant, getAutoAttendantRow } from './auto-attendant-read.js';
import { claimPilotNumbers } from './auto-attendant-numbers.js';
import type { AutoAttendant, NameLookup } from './auto-attendant-types.js';
import { ALWAYS, parseBusinessHours, parseTimeZone, type HoursRange } from './business-hours.js';
import { getDialPlan } from './dial-plans.js';
import { LANGUAGES, type Language } from './organisation-types.js';
import { nameList, parseBool, parseChoice, parseName } from './values.js';

export {
  dialPlanDirectory, getAutoAttendant, getAutoAttendantAudio, listAutoAttendants, loadAutoAttendantRoutes, loadAutoAttendantRuntime,
} from './auto-attendant-read.js';

export interface AutoAttendantInput {
  numbers?: string[];
  enabled?: boolean | string;
  timeZone?: string;
  /** `Mon.08:00-Mon.18:00` ranges (a list, or comma-separated), `always` or `none`. */
  businessHours?: string | string[];
  /** null or '' removes it (0 is then an invalid key). */
  operatorExtension?: string | number | null;
  dialByExtension?: boolean | string;
  /** off, last (LastName) or first (FirstName). */
  dialByName?: string;
  /** null or '' : the dial plan's language. */
  language?: string | null;
}

export interface NewAutoAttendantInput extends AutoAttendantInput {
  dialPlan: string;
}

export interface AutoAttendantPatch extends AutoAttendantInput {
  name?: string;
}

interface Settings {
  numbers: string[];
  enabled: boolean;
  timeZone: string;
  hours: HoursRange[];
  operatorExtension: string | null;
  dialByExtension: boolean;
  dialByName: NameLookup;
  language: Language | null;
}

const DEFAULTS: Settings = {
  numbers: [], enabled: true, timeZone: 'UTC', hours: ALWAYS, operatorExtension: null, dialByExtension: true, dialByName: 'off', language: null,
};

export function parseNameLookup(value: string): NameLookup {
  const v = value.trim().toLowerCase();
  if (v === 'last' || v === 'lastname') return 'LastName';
  if (v === 'first' || v === 'firstname') return 'FirstName';
  if (v === 'off' || v === 'false' || v === 'no') return 'off';
  throw new OpenUmError('BAD_SETTING', `dial by name takes off, last or first (spell the last name or the first name; got "${value}")`);
}

function apply(base: Settings, i: AutoAttendantInput): Settings {
  const s = { ...base };
  if (i.numbers !== undefined) s.numbers = [...new Set(i.numbers.map((n) => parseAccessNumber(n, 'pilot number')))];
  if (i.enabled !== undefined) s.enabled = parseBool(i.enabled, 'enabled');
  if (i.timeZone !== undefined) s.timeZone = parseTimeZone(i.timeZone);
  if (i.businessHours !== undefined) s.hours = parseBusinessHours(i.businessHours);
  if (i.operatorExtension !== undefined) {
    s.operatorExtension = i.operatorExtension === null || i.operatorExtension === '' ? null : parseExtension(i.operatorExtension);
  }
  if (i.dialByExtension !== undefined) s.dialByExtension = parseBool(i.dialByExtension, 'dial by extension');
  if (i.dialByName !== undefined) s.dialByName = parseNameLookup(i.dialByName);
  if (i.language !== undefined) s.language = i.language === null || i.language === '' ? null : parseChoice(i.language, LANGUAGES, 'the language');
  return s;
}

function toRow(s: Settings) {
  return {
    enabled: s.enabled ? 1 : 0, time_zone: s.timeZone, business_hours: JSON.stringify(s.hours), operator_extension: s.operatorExtension,
    dial_by_extension: s.dialByExtension ? 1 : 0, dial_by_name: s.dialByName, language: s.language,
  };
}

async function refuseTakenName(db: Kysely<Database>, name: string, selfId?: number): Promise<void> {
  const other = await findAutoAttendantRow(db, name);
  if (other && Number(other.id) !== selfId) throw new OpenUmError('OBJECT_EXISTS', `an auto attendant named "${other.name}" already exists; choose another name`);
}

export async function createAutoAttendant(db: Kysely<Database>, actor: Actor, name: string, input: NewAutoAttendantInput): Promise<AutoAttendant> {
  const aaName = parseName(name, 'auto attendant');
  const { dialPlan, ...rest } = input;
  const s = apply(DEFAULTS, rest);
  const plan = await getDialPlan(db, dialPlan);
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'autoattendant.create', target: aaName }, async (trx) => {
    await refuseTakenName(trx, aaName);
    const row = await trx.insertInto('auto_attendants')
      .values({ name: aaName, dial_plan_id: plan.id, ...toRow(s), created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await claimPilotNumbers(trx, { id: Number(row.id), dialPlanId: plan.id }, s.numbers);
    return { result: undefined, details: { dialPlan: plan.name, ...s } };
  });
  return getAutoAttendant(db, aaName);
}

export async function setAutoAttendant(db: Kysely<Database>, actor: Actor, name: string, patch: AutoAttendantPatch): Promise<AutoAttendant> {
  const { name: rename, ...input } = patch;
  if (rename === undefined && Object.values(input).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', { cli: ': give at least one setting (see openum autoattendant --help)', api: ': give at least one field' });
  }
  const row = await getAutoAttendantRow(db, name);
  const current = await getAutoAttendant(db, row.name);
  const base: Settings = {
    numbers: current.numbers, enabled: current.enabled, timeZone: current.timeZone, hours: JSON.parse(row.business_hours) as HoursRange[],
    operatorExtension: current.operatorExtension, dialByExtension: current.dialByExtension, dialByName: current.dialByName, language: current.language,
  };
  const s = apply(base, input);
  const newName = rename === undefined ? current.name : parseName(rename, 'auto attendant');
  await mutate(db, actor, { action: 'autoattendant.set', target: current.name }, async (trx) => {
    if (newName !== current.name) await refuseTakenName(trx, newName, current.id);
    if (input.numbers !== undefined) await claimPilotNumbers(trx, { id: current.id, dialPlanId: current.dialPlanId }, s.numbers);
    await trx.updateTable('auto_attendants').set({ name: newName, ...toRow(s), updated_at: new Date().toISOString() })
      .where('id', '=', current.id).execute();
    return { result: undefined, details: { before: base, after: { name: newName, ...s } } };
  });
  return getAutoAttendant(db, newName);
}

/** Removes an auto attendant with its numbers, keys, holidays and audio; refused while another one's key leads to it. */
export async function removeAutoAttendant(db: Kysely<Database>, actor: Actor, name: string): Promise<void> {
  const aa = await getAutoAttendant(db, name);
  await mutate(db, actor, { action: 'autoattendant.remove', target: aa.name }, async (trx) => {
    const referrers = await trx.selectFrom('auto_attendant_keys')
      .innerJoin('auto_attendants', 'auto_attendants.id', 'auto_attendant_keys.auto_attendant_id')
      .where('auto_attendant_keys.target_auto_attendant_id', '=', aa.id)
      .where('auto_attendant_keys.auto_attendant_id', '!=', aa.id)
      .select(['auto_attendants.name', 'auto_attendant_keys.hours', 'auto_attendant_keys.key']).orderBy('auto_attendants.name').execute();
    if (referrers.length > 0) {
      throw new OpenUmError('OBJECT_IN_USE',
        `the auto attendant "${aa.name}" is reached by keys of ${nameList([...new Set(referrers.map((r) => r.name))])}; change those keys first`, {
        cli: ` (openum autoattendant key NAME --hours ${referrers[0]?.hours} ${referrers[0]?.key} --clear)`,
        api: ` (DELETE /api/autoattendants/{name}/keys/${referrers[0]?.hours}/${referrers[0]?.key})`,
      });
    }
    // Children first: the engines do not all cascade (SQLite only with foreign_keys on).
    for (const table of ['auto_attendant_keys', 'auto_attendant_audio', 'auto_attendant_holidays', 'auto_attendant_numbers'] as const) {
      await trx.deleteFrom(table).where('auto_attendant_id', '=', aa.id).execute();
    }
    await trx.deleteFrom('auto_attendants').where('id', '=', aa.id).execute();
    return { result: undefined, details: { removed: aa } };
  });
}
