// The parts of an auto attendant an administrator sets one at a time: key mappings of the
// business-hours and after-hours menus, holidays, and greetings/announcements (audio converted
// beforehand by services/voicemail/greeting-audio.ts, as user greetings are).
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { parseExtension } from './addresses.js';
import { findAutoAttendantRow, getAutoAttendant } from './auto-attendant-read.js';
import { HOURS, KEY_ACTIONS, type AutoAttendant, type Hours, type KeyAction } from './auto-attendant-types.js';
import { parseDate } from './business-hours.js';
import { userByName } from './organisation-queries.js';
import { MAX_GREETING_MS, type Greeting } from './user-greetings.js';
import { parseChoice, parseName } from './values.js';

type Db = Kysely<Database>;

export function parseHours(value: string): Hours {
  const v = value.trim().toLowerCase().replace(/[-_ ]?hours$/, '');
  const found = HOURS.find((h) => h === v);
  if (!found) throw new OpenUmError('BAD_SETTING', `the hours must be business or after (business hours or after hours; got "${value}")`);
  return found;
}

export function parseMenuKey(value: string | number): string {
  const k = String(value).trim();
  if (k === '0') throw new OpenUmError('BAD_SETTING', 'key 0 is the operator', { cli: ': set it with the operator extension (--operator N, operatorExtension)', api: ': set it with operatorExtension' });
  if (!/^[1-9]$/.test(k)) throw new OpenUmError('BAD_SETTING', `a menu key is one digit from 1 to 9 (got "${value}"); # dials by extension and * by name`);
  return k;
}

export interface KeyInput {
  action: string;
  /** transfer: the extension; autoattendant: its name; voicemail: the user's name. */
  target?: string;
  /** announcement: the converted WAV. */
  audio?: Greeting;
}

function checkAudio(g: Greeting, what: string): void {
  if (g.durationMs > MAX_GREETING_MS) {
    throw new OpenUmError('BAD_AUDIO', `the ${what} lasts ${(g.durationMs / 1000).toFixed(1)} s; it may last at most ${MAX_GREETING_MS / 60_000} minutes: record a shorter one`);
  }
}

/** Sets key 1-9 of a menu; the target must exist in the auto attendant's dial plan. */
export async function setKey(db: Db, actor: Actor, aaName: string, hours: string, key: string | number, input: KeyInput): Promise<AutoAttendant> {
  const h = parseHours(hours);
  const k = parseMenuKey(key);
  const action: KeyAction = parseChoice(input.action, KEY_ACTIONS, 'the key action');
  const aa = await getAutoAttendant(db, aaName);
  const plan = (await db.selectFrom('dial_plans').select(['extension_length', 'name']).where('id', '=', aa.dialPlanId).executeTakeFirstOrThrow());
  const row = { auto_attendant_id: aa.id, hours: h, key: k, action, extension: null as string | null, target_auto_attendant_id: null as number | null, user_id: null as number | null };
  const need = (what: string, cli: string) => {
    if (input.target === undefined || input.target.trim() === '') {
      throw new OpenUmError('BAD_ARGUMENT', `a ${action} key needs ${what}`, { cli: ` (${cli}, target)`, api: ' (target)' });
    }
    return input.target;
  };
  if (action === 'transfer') {
    row.extension = parseExtension(need('the extension to transfer to', '--transfer N'));
    const len = plan.extension_length === null ? null : Number(plan.extension_length);
    if (len !== null && row.extension.length !== len) {
      throw new OpenUmError('BAD_SETTING', `the extension ${row.extension} has ${row.extension.length} digits but the dial plan "${plan.name}" uses ${len}-digit extensions; give a ${len}-digit extension`);
    }
  } else if (action === 'autoattendant') {
    const target = await findAutoAttendantRow(db, need('the auto attendant to go to', '--autoattendant NAME'));
    if (!target) throw new OpenUmError('AUTO_ATTENDANT_NOT_FOUND', `no auto attendant is named "${input.target}"`, { cli: "'openum autoattendant list' shows them", api: 'GET /api/autoattendants lists them' });
    if (Number(target.id) === aa.id) throw new OpenUmError('BAD_SETTING', `a key of "${aa.name}" cannot lead to "${aa.name}" itself; the caller is already there`);
    if (Number(target.dial_plan_id) !== aa.dialPlanId) {
      throw new OpenUmError('BAD_SETTING', `the auto attendant "${target.name}" is in the dial plan "${target.dial_plan_name}", not "${aa.dialPlanName}"; a key leads only within its dial plan`);
    }
    row.target_auto_attendant_id = Number(target.id);
  } else if (action === 'voicemail') {
    const user = await userByName(db, need('the user whose voice mail takes the call', '--voicemail NAME')).executeTakeFirst();
    if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `no UM-enabled user is named "${input.target}"`, { cli: "'openum user list' shows them", api: 'GET /api/users lists them' });
    if (Number(user.dial_plan_id) !== aa.dialPlanId) {
      throw new OpenUmError('BAD_SETTING', `the user "${user.name}" is in the dial plan "${user.dial_plan_name}", not "${aa.dialPlanName}"; a key leads only within its dial plan`);
    }
    if (Number(user.um_enabled) !== 1) {
      throw new OpenUmError('BAD_SETTING', `the user "${user.name}" is not UM-enabled, so no voice mail takes calls for them`,
        { cli: `; enable them first (openum user set ${user.name} --enabled on)`, api: `; enable them first (PATCH /api/users/${user.name} { umEnabled: true })` });
    }
    row.user_id = Number(user.id);
  } else if (!input.audio) {
    throw new OpenUmError('BAD_ARGUMENT', 'an announcement key needs its recording', { cli: ' (--announcement file.wav, audio)', api: ' (data: base64 WAV)' });
  }
  if (input.audio) {
    if (action !== 'announcement') throw new OpenUmError('BAD_ARGUMENT', `a ${action} key takes no recording; only an announcement does`);
    checkAudio(input.audio, 'announcement');
  }
  const slot = `announcement:${h}:${k}`;
  await mutate(db, actor, { action: 'autoattendant.key.set', target: aa.name }, async (trx) => {
    await trx.deleteFrom('auto_attendant_keys').where('auto_attendant_id', '=', aa.id).where('hours', '=', h).where('key', '=', k).execute();
    await trx.deleteFrom('auto_attendant_audio').where('auto_attendant_id', '=', aa.id).where('slot', '=', slot).execute();
    await trx.insertInto('auto_attendant_keys').values(row).execute();
    if (input.audio) {
      await trx.insertInto('auto_attendant_audio').values({
        auto_attendant_id: aa.id, slot, wav: input.audio.wav, duration_ms: Math.round(input.audio.durationMs), updated_at: new Date().toISOString(),
      }).execute();
    }
    return { result: undefined, details: { hours: h, key: k, action, target: input.target ?? null } };
  });
  return getAutoAttendant(db, aa.name);
}

export async function clearKey(db: Db, actor: Actor, aaName: string, hours: string, key: string | number): Promise<AutoAttendant> {
  const h = parseHours(hours);
  const k = parseMenuKey(key);
  const aa = await getAutoAttendant(db, aaName);
  await mutate(db, actor, { action: 'autoattendant.key.clear', target: aa.name }, async (trx) => {
    await trx.deleteFrom('auto_attendant_keys').where('auto_attendant_id', '=', aa.id).where('hours', '=', h).where('key', '=', k).execute();
    await trx.deleteFrom('auto_attendant_audio').where('auto_attendant_id', '=', aa.id).where('slot', '=', `announcement:${h}:${k}`).execute();
    return { result: undefined, details: { hours: h, key: k } };
  });
  return getAutoAttendant(db, aa.name);
}

/** Adds a holiday (or replaces the dates of one with that name); the end date defaults to the start. */
export async function setHoliday(db: Db, actor: Actor, aaName: string, name: string, startDate: string, endDate?: string): Promise<AutoAttendant> {
  const holidayName = parseName(name, 'holiday');
  const start = parseDate(startDate, 'the start date');
  const end = endDate === undefined || endDate === '' ? start : parseDate(endDate, 'the end date');
  if (end < start) throw new OpenUmError('BAD_SETTING', `the holiday "${holidayName}" ends (${end}) before it starts (${start}); give an end date on or after the start date`);
  const aa = await getAutoAttendant(db, aaName);
  const existing = aa.holidays.find((x) => x.name.toLowerCase() === holidayName.toLowerCase());
  await mutate(db, actor, { action: 'autoattendant.holiday.set', target: aa.name }, async (trx) => {
    if (existing) {
      await trx.updateTable('auto_attendant_holidays').set({ name: holidayName, start_date: start, end_date: end }).where('id', '=', existing.id).execute();
    } else {
      if (aa.holidays.length >= 100) throw new OpenUmError('BAD_SETTING', `the auto attendant "${aa.name}" has 100 holidays, the most it may have; remove past ones first`);
      await trx.insertInto('auto_attendant_holidays').values({ auto_attendant_id: aa.id, name: holidayName, start_date: start, end_date: end }).execute();
    }
    return { result: undefined, details: { holiday: holidayName, startDate: start, endDate: end } };
  });
  return getAutoAttendant(db, aa.name);
}

function holidayOf(aa: AutoAttendant, name: string) {
  const h = aa.holidays.find((x) => x.name.toLowerCase() === name.trim().toLowerCase());
  if (!h) throw new OpenUmError('BAD_SETTING', `the auto attendant "${aa.name}" has no holiday named "${name}"`,
    { cli: `; 'openum autoattendant get ${aa.name}' lists them`, api: `; GET /api/autoattendants/${aa.name} lists them` });
  return h;
}

export async function removeHoliday(db: Db, actor: Actor, aaName: string, name: string): Promise<AutoAttendant> {
  const aa = await getAutoAttendant(db, aaName);
  const h = holidayOf(aa, name);
  await mutate(db, actor, { action: 'autoattendant.holiday.remove', target: aa.name }, async (trx) => {
    await trx.deleteFrom('auto_attendant_audio').where('auto_attendant_id', '=', aa.id).where('slot', '=', `holiday:${h.id}`).execute();
    await trx.deleteFrom('auto_attendant_holidays').where('id', '=', h.id).execute();
    return { result: undefined, details: { removed: h } };
  });
  return getAutoAttendant(db, aa.name);
}

/** Which greeting: business hours, after hours, or a holiday's (by name). */
export type GreetingChoice = { hours: Hours } | { holiday: string };

/** Sets (audio) or clears (undefined: the system prompt plays) a greeting. */
export async function setAutoAttendantGreeting(db: Db, actor: Actor, aaName: string, which: GreetingChoice, audio: Greeting | undefined): Promise<AutoAttendant> {
  const aa = await getAutoAttendant(db, aaName);
  const slot = 'holiday' in which ? `holiday:${holidayOf(aa, which.holiday).id}` : which.hours === 'business' ? 'business-hours' : 'after-hours';
  if (audio) checkAudio(audio, 'greeting');
  await mutate(db, actor, { action: audio ? 'autoattendant.greeting.set' : 'autoattendant.greeting.clear', target: aa.name }, async (trx) => {
    await trx.deleteFrom('auto_attendant_audio').where('auto_attendant_id', '=', aa.id).where('slot', '=', slot).execute();
    if (audio) {
      await trx.insertInto('auto_attendant_audio').values({
        auto_attendant_id: aa.id, slot, wav: audio.wav, duration_ms: Math.round(audio.durationMs), updated_at: new Date().toISOString(),
      }).execute();
    }
    return { result: undefined, details: { slot, durationMs: audio ? Math.round(audio.durationMs) : null } };
  });
  return getAutoAttendant(db, aa.name);
}
