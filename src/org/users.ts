// UM-enabled mailboxes (Enable-/Set-/Get-/Disable-UMMailbox): the extension callers dial and the
// SIP URI and e-mail address the Call Router and UM service find a user by. The extension has the
// dial plan's number of digits and is unique in it; the SIP URI (required on SipName dial plans)
// and the e-mail address are unique. PINs are not here.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { parseEmail, parseExtension, parseSipUri } from './addresses.js';
import { resolveUserPolicy } from './mailbox-policies.js';
import { refusePilotExtension } from './number-clashes.js';
import { dialPlanByName, userByName, userQuery } from './organisation-queries.js';
import { LANGUAGES, toDialPlan, toUser, type DialPlan, type Language, type UmUser } from './organisation-types.js';
import { parseBool, parseBoolOrInherit, parseChoice, parseName } from './values.js';
import { greetingKey, recordedNameKey } from '../store/audio/audio-store.js';
import { FileAudioStore } from '../store/audio/file-audio-store.js';
import { TableAudioStore } from '../store/audio/table-audio-store.js';

export interface UserInput {
  displayName?: string;
  extension?: string | number;
  /** null or '' removes it. */
  sipUri?: string | null;
  email?: string;
  dialPlan?: string;
  umEnabled?: boolean | string;
  /** A mailbox policy of the user's dial plan; absent: the dial plan's default (on a change of dial plan too). */
  policy?: string;
  /** on/off: whether UM answers calls diverted to the user. */
  callAnswering?: boolean | string;
  /** on/off, or null/'policy': the mailbox policy's setting. */
  missedCallNotifications?: boolean | string | null;
  /** en, it, es, fr (or en-US …), or null/'default': the dial plan's default language. */
  language?: string | null;
}

export interface NewUserInput extends UserInput {
  extension: string | number;
  email: string;
  dialPlan: string;
}

export interface UserPatch extends UserInput {
  name?: string;
}

export async function findUser(db: Kysely<Database>, name: string): Promise<UmUser | undefined> {
  const row = await userByName(db, name).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function getUser(db: Kysely<Database>, name: string): Promise<UmUser> {
  const user = await findUser(db, name);
  if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `no UM-enabled user is named "${name}"`, { cli: "'openum user list' shows them", api: 'GET /api/users lists them' });
  return user;
}

/** A user by id (voice mail rows name users by id), undefined when removed. */
export async function findUserById(db: Kysely<Database>, id: number): Promise<UmUser | undefined> {
  const row = await userQuery(db).where('users.id', '=', id).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function listUsers(db: Kysely<Database>, options: { dialPlan?: string } = {}): Promise<UmUser[]> {
  let q = userQuery(db);
  if (options.dialPlan !== undefined) {
    const key = options.dialPlan.trim().toLowerCase();
    q = q.where((eb) => eb(eb.fn('lower', ['dial_plans.name']), '=', key));
  }
  return (await q.orderBy('users.name').execute()).map(toUser);
}

async function planNamed(db: Kysely<Database>, name: string): Promise<DialPlan> {
  const row = await dialPlanByName(db, name).executeTakeFirst();
  if (!row) throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `no dial plan is named "${name}"`, { cli: "'openum dialplan list' shows them", api: 'GET /api/dialplans lists them' });
  return toDialPlan(row);
}

/** The rules the user's values must meet in its dial plan. */
function refuseUnfit(plan: DialPlan, extension: string, sipUri: string | null): void {
  if (plan.extensionLength !== null && extension.length !== plan.extensionLength) {
    throw new OpenUmError('BAD_SETTING',
      `the extension ${extension} has ${extension.length} digits but the dial plan "${plan.name}" uses ${plan.extensionLength}-digit extensions; give a ${plan.extensionLength}-digit extension`);
  }
  if (plan.uriType === 'SipName' && sipUri === null) {
    throw new OpenUmError('BAD_SETTING',
      `the dial plan "${plan.name}" is SipName, so the user needs a SIP URI`,
      { cli: '; give one (--sip-uri sip:alice@contoso.com, sipUri)', api: '; give one (sipUri, e.g. sip:alice@contoso.com)' });
  }
}

async function refuseTaken(trx: Kysely<Database>, u: { name?: string; extension: string; dialPlan: DialPlan; sipUri: string | null; email: string }, selfId?: number): Promise<void> {
  const clash = (row: { id: number; name: string } | undefined) => row !== undefined && Number(row.id) !== selfId;
  if (u.name !== undefined) {
    const other = await userByName(trx, u.name).executeTakeFirst();
    if (other && clash(other)) throw new OpenUmError('OBJECT_EXISTS', `a UM-enabled user named "${other.name}" already exists; choose another name`);
  }
  const ext = await trx.selectFrom('users').select(['id', 'name']).where('dial_plan_id', '=', u.dialPlan.id).where('extension', '=', u.extension).executeTakeFirst();
  if (clash(ext)) {
    throw new OpenUmError('OBJECT_EXISTS', `the extension ${u.extension} in the dial plan "${u.dialPlan.name}" belongs to the user "${ext?.name}"; choose a free extension`);
  }
  if (u.sipUri !== null) {
    const sip = await trx.selectFrom('users').select(['id', 'name']).where('sip_uri', '=', u.sipUri).executeTakeFirst();
    if (clash(sip)) throw new OpenUmError('OBJECT_EXISTS', `the SIP URI ${u.sipUri} belongs to the user "${sip?.name}"; give another`);
  }
  const mail = await trx.selectFrom('users').select(['id', 'name']).where('email', '=', u.email).executeTakeFirst();
  if (clash(mail)) throw new OpenUmError('OBJECT_EXISTS', `the e-mail address ${u.email} belongs to the user "${mail?.name}"; give another`);
}

/** A user's language: en/it/es/fr or a dial plan language tag; null, '' or 'default': the dial plan's. */
export function parseUserLanguage(value: string | null): Language | null {
  if (value === null || /^(default|)$/i.test(value.trim())) return null;
  const short = LANGUAGES.find((l) => l.slice(0, 2) === value.trim().toLowerCase());
  return short ?? parseChoice(value, LANGUAGES, 'the language (en, it, es, fr or default)');
}

/** The user's own settings that `input` gives, as columns (absent: unchanged, or the defaults). */
function settingValues(input: UserInput): { call_answering?: number; missed_call_notifications?: number | null; language?: Language | null } {
  const missed = input.missedCallNotifications === undefined ? undefined : parseBoolOrInherit(input.missedCallNotifications, 'missed-call notifications');
  return {
    ...(input.callAnswering === undefined ? {} : { call_answering: parseBool(input.callAnswering, 'call answering') ? 1 : 0 }),
    ...(missed === undefined ? {} : { missed_call_notifications: missed === null ? null : missed ? 1 : 0 }),
    ...(input.language === undefined ? {} : { language: parseUserLanguage(input.language) }),
  };
}

const sipOrNull = (v: string | null | undefined): string | null => (v === null || v === undefined || v.trim() === '' ? null : parseSipUri(v, 'the SIP URI'));

function parseDisplayName(text: string): string {
  const t = text.trim();
  if (t.length < 1 || t.length > 256) throw new OpenUmError('BAD_SETTING', `the display name must have 1 to 256 characters (got ${t.length}); give a shorter or non-empty one`);
  return t;
}

export async function createUser(db: Kysely<Database>, actor: Actor, name: string, input: NewUserInput): Promise<UmUser> {
  const userName = parseName(name, 'user');
  const extension = parseExtension(input.extension);
  const email = parseEmail(input.email);
  const sipUri = sipOrNull(input.sipUri);
  const displayName = input.displayName === undefined ? userName : parseDisplayName(input.displayName);
  const umEnabled = input.umEnabled === undefined ? true : parseBool(input.umEnabled, 'UM enabled');
  const settings = settingValues(input);
  const plan = await planNamed(db, input.dialPlan);
  refuseUnfit(plan, extension, sipUri);
  const policyId = await resolveUserPolicy(db, plan.id, plan.name, input.policy);
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'user.create', target: userName }, async (trx) => {
    await refuseTaken(trx, { name: userName, extension, dialPlan: plan, sipUri, email });
    await refusePilotExtension(trx, plan, extension);
    await trx.insertInto('users').values({
      name: userName, display_name: displayName, extension, sip_uri: sipUri, email, dial_plan_id: plan.id,
      um_enabled: umEnabled ? 1 : 0, policy_id: policyId, ...settings, created_at: now, updated_at: now,
    }).execute();
    return { result: undefined, details: { extension, sipUri, email, dialPlan: plan.name, umEnabled, policyId } };
  });
  return getUser(db, userName);
}

export async function setUser(db: Kysely<Database>, actor: Actor, name: string, patch: UserPatch): Promise<UmUser> {
  if (Object.values(patch).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change', { cli: ': give at least one setting (see openum user --help)', api: ': give at least one field' });
  }
  const current = await getUser(db, name);
  const newName = patch.name === undefined ? undefined : parseName(patch.name, 'user');
  const extension = patch.extension === undefined ? current.extension : parseExtension(patch.extension);
  const email = patch.email === undefined ? current.email : parseEmail(patch.email);
  const sipUri = patch.sipUri === undefined ? current.sipUri : sipOrNull(patch.sipUri);
  const displayName = patch.displayName === undefined ? current.displayName : parseDisplayName(patch.displayName);
  const umEnabled = patch.umEnabled === undefined ? current.umEnabled : parseBool(patch.umEnabled, 'UM enabled');
  const plan = await planNamed(db, patch.dialPlan ?? current.dialPlanName);
  refuseUnfit(plan, extension, sipUri);
  // A new dial plan brings its default policy unless another of its policies is named.
  const policyId = patch.policy === undefined && plan.id === current.dialPlanId ? current.policyId
    : await resolveUserPolicy(db, plan.id, plan.name, patch.policy);
  const settings = settingValues(patch);
  const values = {
    ...(newName === undefined ? {} : { name: newName }),
    ...settings,
    display_name: displayName, extension, sip_uri: sipUri, email, dial_plan_id: plan.id, um_enabled: umEnabled ? 1 : 0, policy_id: policyId,
  };
  await mutate(db, actor, { action: 'user.set', target: current.name }, async (trx) => {
    await refuseTaken(trx, { name: newName, extension, dialPlan: plan, sipUri, email }, current.id);
    if (extension !== current.extension || plan.id !== current.dialPlanId) await refusePilotExtension(trx, plan, extension);
    await trx.updateTable('users').set({ ...values, updated_at: new Date().toISOString() }).where('id', '=', current.id).execute();
    return { result: undefined, details: { before: current, after: { ...values, dialPlan: plan.name } } };
  });
  return getUser(db, newName ?? current.name);
}

/**
 * Removes a user with its voice messages, greeting, recorded name, PIN and MWI state. The rows go explicitly rather
 * than by ON DELETE CASCADE alone: SQLite enforces foreign keys only on a connection that turned
 * them on (store/database.ts does; another tool may not), and the audio files are not rows. With
 * `dataDir` the messages' audio files are deleted once the rows are; the paths are returned.
 */
export async function removeUser(db: Kysely<Database>, actor: Actor, name: string, options: { dataDir?: string } = {}): Promise<{ audioPaths: string[] }> {
  const user = await getUser(db, name);
  const audioPaths = await mutate(db, actor, { action: 'user.remove', target: user.name }, async (trx) => {
    const messages = await trx.selectFrom('voice_messages').select(['audio_path', 'state']).where('user_id', '=', user.id).execute();
    await trx.deleteFrom('voice_messages').where('user_id', '=', user.id).execute();
    // Message audio kept in the store (several nodes on PostgreSQL) goes with the rows; files below.
    const messageKeys = messages.map((m) => m.audio_path).filter((p) => p !== '');
    if (messageKeys.length > 0) await trx.deleteFrom('audio_objects').where('key', 'in', messageKeys).execute();
    await new TableAudioStore(trx).delete(greetingKey(user.id));
    await new TableAudioStore(trx).delete(recordedNameKey(user.id));
    await trx.deleteFrom('user_pins').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('user_web_accounts').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('web_invites').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('web_sessions').where('kind', '=', 'user').where('account_id', '=', user.id).execute();
    await trx.deleteFrom('mwi_state').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('mwi_jobs').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('users').where('id', '=', user.id).execute();
    return { result: messages.map((m) => m.audio_path), details: { removed: user, voiceMessages: messages.length } };
  });
  if (options.dataDir !== undefined) {
    const audio = new FileAudioStore(options.dataDir);
    await Promise.all(audioPaths.filter((p) => p !== '').map((p) => audio.delete(p).catch(() => undefined)));
  }
  return { audioPaths };
}
