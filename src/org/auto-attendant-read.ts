// Reading auto attendants: the administrator's view (get, list), the application's runtime view
// and the routing module's pilot numbers. Audio is never loaded here, only whether it exists.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type {
  AutoAttendant, AutoAttendantHoliday, AutoAttendantRoute, AutoAttendantRuntime, Hours, KeyAction, KeyMapping, NameLookup,
} from './auto-attendant-types.js';
import { formatBusinessHours, type HoursRange } from './business-hours.js';
import { nameKey } from './organisation-queries.js';
import type { Language } from './organisation-types.js';

type Db = Kysely<Database>;

function baseQuery(db: Db) {
  return db.selectFrom('auto_attendants')
    .innerJoin('dial_plans', 'dial_plans.id', 'auto_attendants.dial_plan_id')
    .selectAll('auto_attendants')
    .select(['dial_plans.name as dial_plan_name', 'dial_plans.default_language', 'dial_plans.extension_length', 'dial_plans.input_failures']);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

async function parts(db: Db, id: number) {
  const [numbers, holidays, keys, audio] = await Promise.all([
    db.selectFrom('auto_attendant_numbers').select('number').where('auto_attendant_id', '=', id).orderBy('number').execute(),
    db.selectFrom('auto_attendant_holidays').select(['id', 'name', 'start_date', 'end_date']).where('auto_attendant_id', '=', id)
      .orderBy('start_date').orderBy('name').execute(),
    db.selectFrom('auto_attendant_keys')
      .leftJoin('auto_attendants as target', 'target.id', 'auto_attendant_keys.target_auto_attendant_id')
      .leftJoin('users', 'users.id', 'auto_attendant_keys.user_id')
      .select(['auto_attendant_keys.hours', 'auto_attendant_keys.key', 'auto_attendant_keys.action', 'auto_attendant_keys.extension',
        'auto_attendant_keys.target_auto_attendant_id', 'target.name as target_name', 'auto_attendant_keys.user_id', 'users.name as user_name'])
      .where('auto_attendant_keys.auto_attendant_id', '=', id).orderBy('auto_attendant_keys.key').execute(),
    db.selectFrom('auto_attendant_audio').select('slot').where('auto_attendant_id', '=', id).execute(),
  ]);
  const slots = new Set(audio.map((a) => a.slot));
  const has = (slot: string): 'custom' | 'system' => (slots.has(slot) ? 'custom' : 'system');
  const hol: AutoAttendantHoliday[] = holidays.map((h) => ({
    id: Number(h.id), name: h.name, startDate: h.start_date, endDate: h.end_date, greeting: has(`holiday:${Number(h.id)}`),
  }));
  const mapping = (k: (typeof keys)[number]): KeyMapping => {
    const action = k.action as KeyAction;
    if (action === 'transfer') return { key: k.key, action, extension: k.extension ?? '' };
    if (action === 'autoattendant') return { key: k.key, action, autoAttendantId: Number(k.target_auto_attendant_id), autoAttendant: k.target_name ?? '' };
    if (action === 'voicemail') return { key: k.key, action, userId: Number(k.user_id), user: k.user_name ?? '' };
    return { key: k.key, action };
  };
  const menu = (hours: Hours) => keys.filter((k) => k.hours === hours).map(mapping);
  return {
    numbers: numbers.map((n) => n.number),
    holidays: hol,
    greetings: { businessHours: has('business-hours'), afterHours: has('after-hours') },
    keys: { business: menu('business'), after: menu('after') },
  };
}

async function view(db: Db, r: Row): Promise<AutoAttendant> {
  const id = Number(r.id);
  const p = await parts(db, id);
  return {
    id, name: r.name, dialPlanId: Number(r.dial_plan_id), dialPlanName: r.dial_plan_name, enabled: Number(r.enabled) === 1,
    numbers: p.numbers, timeZone: r.time_zone, businessHours: formatBusinessHours(JSON.parse(r.business_hours) as HoursRange[]),
    holidays: p.holidays, greetings: p.greetings, operatorExtension: r.operator_extension,
    dialByExtension: Number(r.dial_by_extension) === 1, dialByName: r.dial_by_name as NameLookup,
    language: r.language as Language | null, keys: p.keys, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export async function findAutoAttendantRow(db: Db, name: string): Promise<Row | undefined> {
  return baseQuery(db).where((eb) => eb(eb.fn('lower', ['auto_attendants.name']), '=', nameKey(name))).executeTakeFirst();
}

export async function getAutoAttendantRow(db: Db, name: string): Promise<Row> {
  const row = await findAutoAttendantRow(db, name);
  if (!row) throw new OpenUmError('AUTO_ATTENDANT_NOT_FOUND', `no auto attendant is named "${name}"`, { cli: "'openum autoattendant list' shows them", api: 'GET /api/autoattendants lists them' });
  return row;
}

export async function getAutoAttendant(db: Db, name: string): Promise<AutoAttendant> {
  return view(db, await getAutoAttendantRow(db, name));
}

export async function listAutoAttendants(db: Db, options: { dialPlan?: string } = {}): Promise<AutoAttendant[]> {
  let q = baseQuery(db);
  if (options.dialPlan !== undefined) {
    const key = nameKey(options.dialPlan);
    q = q.where((eb) => eb(eb.fn('lower', ['dial_plans.name']), '=', key));
  }
  const rows = await q.orderBy('auto_attendants.name').execute();
  return Promise.all(rows.map((r) => view(db, r)));
}

/** For the routing module: every auto attendant with its dial plan and pilot numbers. */
export async function loadAutoAttendantRoutes(db: Db): Promise<AutoAttendantRoute[]> {
  const [rows, numbers] = await Promise.all([
    db.selectFrom('auto_attendants').select(['id', 'name', 'dial_plan_id', 'enabled']).orderBy('name').execute(),
    db.selectFrom('auto_attendant_numbers').select(['auto_attendant_id', 'number']).orderBy('number').execute(),
  ]);
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, dialPlanId: Number(r.dial_plan_id), enabled: Number(r.enabled) === 1,
    numbers: numbers.filter((n) => Number(n.auto_attendant_id) === Number(r.id)).map((n) => n.number),
  }));
}

/** What the application needs for a call to auto attendant `id`; undefined when it was removed. */
export async function loadAutoAttendantRuntime(db: Db, id: number): Promise<AutoAttendantRuntime | undefined> {
  const r = await baseQuery(db).where('auto_attendants.id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const p = await parts(db, id);
  return {
    id, name: r.name, dialPlanId: Number(r.dial_plan_id), enabled: Number(r.enabled) === 1, timeZone: r.time_zone,
    hours: JSON.parse(r.business_hours) as HoursRange[], holidays: p.holidays, greetings: p.greetings,
    operatorExtension: r.operator_extension, dialByExtension: Number(r.dial_by_extension) === 1,
    dialByName: r.dial_by_name as NameLookup, language: (r.language ?? r.default_language) as Language,
    extensionLength: r.extension_length === null ? null : Number(r.extension_length),
    inputFailuresBeforeDisconnect: Number(r.input_failures), keys: p.keys,
  };
}

/** Stored audio of a slot (8 kHz mono 16-bit WAV bytes), undefined when the system prompt plays. */
export async function getAutoAttendantAudio(db: Db, id: number, slot: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('auto_attendant_audio').select('wav').where('auto_attendant_id', '=', id).where('slot', '=', slot).executeTakeFirst();
  return row ? Buffer.from(row.wav) : undefined;
}

/** The UM-enabled users of a dial plan, as dial by extension and dial by name search them. */
export async function dialPlanDirectory(db: Db, dialPlanId: number): Promise<{ userId: number; extension: string; displayName: string; name: string }[]> {
  const rows = await db.selectFrom('users').select(['id', 'extension', 'display_name', 'name'])
    .where('dial_plan_id', '=', dialPlanId).where('um_enabled', '=', 1).orderBy('extension').execute();
  return rows.map((r) => ({ userId: Number(r.id), extension: r.extension, displayName: r.display_name, name: r.name }));
}
