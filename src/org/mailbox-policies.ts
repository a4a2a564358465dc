// UM mailbox policies (New-/Set-/Get-/Remove-UMMailboxPolicy): the PIN rules and logon limits of
// the users that have them, and whether missed calls are mailed. Each policy belongs to one dial
// plan; every dial plan gets a default policy when it is made ("<dial plan> Default Policy"), and
// a user gets the default of its dial plan unless given another of that plan. A policy in use
// (a user's, or a dial plan's default) cannot be removed.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { OpenUmError } from '../errors.js';
import { defaultPolicyName, POLICY_DEFAULTS } from '../store/migrations/0004-mailbox-policies.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database, MailboxPoliciesTable } from '../store/schema.js';
import { nameKey } from './organisation-queries.js';
import { nameList, parseBool, parseIntIn, parseName } from './values.js';

type Db = Kysely<Database>;

export interface MailboxPolicy {
  id: number;
  name: string;
  dialPlanId: number;
  dialPlanName: string;
  /** The dial plan's default: new users of the plan get it. */
  isDefault: boolean;
  minPinLength: number;
  /** Days until a PIN must be changed; 0: never. */
  pinLifetimeDays: number;
  pinHistoryCount: number;
  allowCommonPatterns: boolean;
  /** Wrong PINs in a row after which the PIN is reset and mailed to the user. */
  logonFailuresBeforePinReset: number;
  /** Wrong PINs since the last good logon after which the mailbox locks until an administrator unlocks it. */
  maxLogonAttempts: number;
  missedCallNotifications: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyInput {
  minPinLength?: string | number;
  pinLifetimeDays?: string | number;
  pinHistoryCount?: string | number;
  allowCommonPatterns?: string | boolean;
  logonFailuresBeforePinReset?: string | number;
  maxLogonAttempts?: string | number;
  missedCallNotifications?: string | boolean;
}

export interface PolicyPatch extends PolicyInput {
  name?: string;
}

type Settings = Pick<MailboxPolicy, 'minPinLength' | 'pinLifetimeDays' | 'pinHistoryCount' | 'allowCommonPatterns' | 'logonFailuresBeforePinReset' | 'maxLogonAttempts' | 'missedCallNotifications'>;

export const DEFAULT_POLICY: Settings = {
  minPinLength: POLICY_DEFAULTS.min_pin_length, pinLifetimeDays: POLICY_DEFAULTS.pin_lifetime_days,
  pinHistoryCount: POLICY_DEFAULTS.pin_history_count, allowCommonPatterns: Number(POLICY_DEFAULTS.allow_common_patterns) === 1,
  logonFailuresBeforePinReset: POLICY_DEFAULTS.logon_failures_before_pin_reset, maxLogonAttempts: POLICY_DEFAULTS.max_logon_attempts,
  missedCallNotifications: Number(POLICY_DEFAULTS.missed_call_notifications) === 1,
};

function apply(base: Settings, i: PolicyInput): Settings {
  const s = { ...base };
  if (i.minPinLength !== undefined) s.minPinLength = parseIntIn(i.minPinLength, 'the minimum PIN length', 4, 24);
  if (i.pinLifetimeDays !== undefined) s.pinLifetimeDays = parseIntIn(i.pinLifetimeDays, 'the PIN lifetime (days, 0 for never)', 0, 999);
  if (i.pinHistoryCount !== undefined) s.pinHistoryCount = parseIntIn(i.pinHistoryCount, 'the PIN history count', 1, 20);
  if (i.allowCommonPatterns !== undefined) s.allowCommonPatterns = parseBool(i.allowCommonPatterns, 'allow common patterns');
  if (i.logonFailuresBeforePinReset !== undefined) {
    s.logonFailuresBeforePinReset = parseIntIn(i.logonFailuresBeforePinReset, 'the logon failures before PIN reset (0 for never)', 0, 999);
  }
  if (i.maxLogonAttempts !== undefined) s.maxLogonAttempts = parseIntIn(i.maxLogonAttempts, 'the maximum logon attempts', 1, 999);
  if (i.missedCallNotifications !== undefined) s.missedCallNotifications = parseBool(i.missedCallNotifications, 'missed-call notifications');
  // Exchange's rule: the PIN is reset (and mailed) before the mailbox locks, never after.
  if (s.logonFailuresBeforePinReset !== 0 && s.logonFailuresBeforePinReset >= s.maxLogonAttempts) {
    throw new OpenUmError('BAD_SETTING',
      `the logon failures before PIN reset (${s.logonFailuresBeforePinReset}) must be fewer than the maximum logon attempts (${s.maxLogonAttempts}); lower the one or raise the other`);
  }
  return s;
}

function toRow(s: Settings) {
  return {
    min_pin_length: s.minPinLength, pin_lifetime_days: s.pinLifetimeDays, pin_history_count: s.pinHistoryCount,
    allow_common_patterns: s.allowCommonPatterns ? 1 : 0, logon_failures_before_pin_reset: s.logonFailuresBeforePinReset,
    max_logon_attempts: s.maxLogonAttempts, missed_call_notifications: s.missedCallNotifications ? 1 : 0,
  };
}

export function toPolicy(r: Selectable<MailboxPoliciesTable> & { dial_plan_name: string }): MailboxPolicy {
  return {
    id: Number(r.id), name: r.name, dialPlanId: Number(r.dial_plan_id), dialPlanName: r.dial_plan_name, isDefault: Number(r.is_default) === 1,
    minPinLength: Number(r.min_pin_length), pinLifetimeDays: Number(r.pin_lifetime_days), pinHistoryCount: Number(r.pin_history_count),
    allowCommonPatterns: Number(r.allow_common_patterns) === 1, logonFailuresBeforePinReset: Number(r.logon_failures_before_pin_reset),
    maxLogonAttempts: Number(r.max_logon_attempts), missedCallNotifications: Number(r.missed_call_notifications) === 1,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

const policyQuery = (db: Db) => db.selectFrom('mailbox_policies')
  .innerJoin('dial_plans', 'dial_plans.id', 'mailbox_policies.dial_plan_id')
  .selectAll('mailbox_policies').select('dial_plans.name as dial_plan_name');

const byName = (db: Db, name: string) => policyQuery(db).where((eb) => eb(eb.fn('lower', ['mailbox_policies.name']), '=', nameKey(name)));

export async function findPolicy(db: Db, name: string): Promise<MailboxPolicy | undefined> {
  const row = await byName(db, name).executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

export async function getPolicy(db: Db, name: string): Promise<MailboxPolicy> {
  const p = await findPolicy(db, name);
  if (!p) throw new OpenUmError('MAILBOX_POLICY_NOT_FOUND', `no mailbox policy is named "${name}"; 'openum policy list' shows them`);
  return p;
}

export async function getPolicyById(db: Db, id: number): Promise<MailboxPolicy> {
  const row = await policyQuery(db).where('mailbox_policies.id', '=', id).executeTakeFirst();
  if (!row) throw new OpenUmError('MAILBOX_POLICY_NOT_FOUND', `no mailbox policy has id ${id}; 'openum policy list' shows them`);
  return toPolicy(row);
}

export async function listPolicies(db: Db, options: { dialPlan?: string } = {}): Promise<MailboxPolicy[]> {
  let q = policyQuery(db);
  if (options.dialPlan !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['dial_plans.name']), '=', nameKey(options.dialPlan ?? '')));
  return (await q.orderBy('mailbox_policies.name').execute()).map(toPolicy);
}

/** The policy that applies to a user: its own, or its dial plan's default. */
export async function policyForUser(db: Db, userId: number): Promise<MailboxPolicy> {
  const user = await db.selectFrom('users').select(['policy_id', 'dial_plan_id']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `no UM-enabled user has id ${userId}`);
  let q = policyQuery(db);
  q = user.policy_id !== null ? q.where('mailbox_policies.id', '=', Number(user.policy_id))
    : q.where('mailbox_policies.dial_plan_id', '=', Number(user.dial_plan_id)).where('mailbox_policies.is_default', '=', 1);
  const row = await q.executeTakeFirst();
  return row ? toPolicy(row) : { ...DEFAULT_POLICY, id: 0, name: '(defaults)', dialPlanId: Number(user.dial_plan_id), dialPlanName: '', isDefault: true, createdAt: '', updatedAt: '' };
}

/** Whether missed-call notices are mailed to the user: its own setting, else its mailbox policy's. */
export async function missedCallNotificationsFor(db: Db, userId: number): Promise<boolean> {
  const own = await db.selectFrom('users').select('missed_call_notifications').where('id', '=', userId).executeTakeFirst();
  if (own && own.missed_call_notifications !== null) return Number(own.missed_call_notifications) === 1;
  return (await policyForUser(db, userId)).missedCallNotifications;
}

async function refuseTakenName(trx: Db, name: string, selfId?: number): Promise<void> {
  const other = await byName(trx, name).executeTakeFirst();
  if (other && Number(other.id) !== selfId) {
    throw new OpenUmError('OBJECT_EXISTS', `a mailbox policy named "${other.name}" already exists; choose another name`);
  }
}

/** The default policy of a new dial plan, in the dial plan's transaction. */
export async function createDefaultPolicy(trx: Transaction<Database>, dialPlanId: number, dialPlanName: string): Promise<number> {
  let name = defaultPolicyName(dialPlanName);
  for (let n = 2; await byName(trx, name).executeTakeFirst(); n++) name = `${defaultPolicyName(dialPlanName)} ${n}`;
  const now = new Date().toISOString();
  const row = await trx.insertInto('mailbox_policies').values({
    name, dial_plan_id: dialPlanId, is_default: 1, ...toRow(DEFAULT_POLICY), created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The policy id a user of `dialPlanId` gets: the named one (which must be of that plan) or the default. */
export async function resolveUserPolicy(db: Db, dialPlanId: number, dialPlanName: string, policy: string | undefined): Promise<number | null> {
  if (policy === undefined) {
    const d = await db.selectFrom('mailbox_policies').select('id').where('dial_plan_id', '=', dialPlanId).where('is_default', '=', 1).executeTakeFirst();
    return d ? Number(d.id) : null;
  }
  const p = await getPolicy(db, policy);
  if (p.dialPlanId !== dialPlanId) {
    throw new OpenUmError('BAD_SETTING',
      `the mailbox policy "${p.name}" belongs to the dial plan "${p.dialPlanName}", not "${dialPlanName}"; give a policy of "${dialPlanName}" ('openum policy list --dial-plan ${dialPlanName}')`);
  }
  return p.id;
}

export async function createPolicy(db: Db, actor: Actor, name: string, input: PolicyInput & { dialPlan: string }): Promise<MailboxPolicy> {
  const policyName = parseName(name, 'mailbox policy');
  const s = apply(DEFAULT_POLICY, input);
  const plan = await db.selectFrom('dial_plans').select(['id', 'name'])
    .where((eb) => eb(eb.fn('lower', ['name']), '=', nameKey(input.dialPlan))).executeTakeFirst();
  if (!plan) throw new OpenUmError('DIAL_PLAN_NOT_FOUND', `no dial plan is named "${input.dialPlan}"; 'openum dialplan list' shows them`);
  const now = new Date().toISOString();
  await mutate(db, actor, { action: 'policy.create', target: policyName }, async (trx) => {
    await refuseTakenName(trx, policyName);
    await trx.insertInto('mailbox_policies').values({
      name: policyName, dial_plan_id: Number(plan.id), is_default: 0, ...toRow(s), created_at: now, updated_at: now,
    }).execute();
    return { result: undefined, details: { dialPlan: plan.name, ...s } };
  });
  return getPolicy(db, policyName);
}

export async function setPolicy(db: Db, actor: Actor, name: string, patch: PolicyPatch): Promise<MailboxPolicy> {
  const { name: rename, ...input } = patch;
  if (rename === undefined && Object.values(input).every((v) => v === undefined)) {
    throw new OpenUmError('BAD_ARGUMENT', 'nothing to change: give at least one setting (see openum policy --help)');
  }
  const current = await getPolicy(db, name);
  const newName = rename === undefined ? current.name : parseName(rename, 'mailbox policy');
  const s = apply(current, input);
  await mutate(db, actor, { action: 'policy.set', target: current.name }, async (trx) => {
    if (newName !== current.name) await refuseTakenName(trx, newName, current.id);
    await trx.updateTable('mailbox_policies').set({ name: newName, ...toRow(s), updated_at: new Date().toISOString() })
      .where('id', '=', current.id).execute();
    return { result: undefined, details: { before: current, after: { name: newName, ...s } } };
  });
  return getPolicy(db, newName);
}

export async function removePolicy(db: Db, actor: Actor, name: string): Promise<void> {
  const policy = await getPolicy(db, name);
  await mutate(db, actor, { action: 'policy.remove', target: policy.name }, async (trx) => {
    const users = await trx.selectFrom('users').select('name').where('policy_id', '=', policy.id).orderBy('name').execute();
    if (users.length > 0) {
      throw new OpenUmError('OBJECT_IN_USE',
        `the mailbox policy "${policy.name}" is in use by the users ${nameList(users.map((u) => u.name))}; give them another policy first (openum user set NAME --policy OTHER)`);
    }
    if (policy.isDefault) {
      throw new OpenUmError('OBJECT_IN_USE',
        `the mailbox policy "${policy.name}" is the default of the dial plan "${policy.dialPlanName}" (new users get it); it goes with the dial plan (openum dialplan remove ${policy.dialPlanName})`);
    }
    await trx.deleteFrom('mailbox_policies').where('id', '=', policy.id).execute();
    return { result: undefined, details: { removed: policy } };
  });
}
