// Users' PINs for reaching their mailbox by phone (Set-UMMailboxPIN, Exchange's PIN rules): a
// slow salted hash (pin-hash.ts) with the last hashes for the policy's history, whether it must
// change at the next logon, and the failed logons that reset it (mailed to the user: the caller
// does that with the new PIN it is handed) and then lock the mailbox until an administrator
// unlocks it. Every set, reset, unlock, logon failure and lockout is in the audit log.
import { randomInt } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { OpenUmError } from '../errors.js';
import { writeAudit } from '../store/audit.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database, UserPinsTable } from '../store/schema.js';
import { policyForUser, type MailboxPolicy } from './mailbox-policies.js';
import type { UmUser } from './organisation-types.js';
import { hashPin, verifyPin } from './pin-hash.js';
import { checkPinRules, HISTORY_REFUSAL, type PinRefusal, type PinViolation } from './pin-rules.js';
import { findUserById, getUser } from './users.js';

type Db = Kysely<Database>;

export interface PinStatus {
  user: string;
  isSet: boolean;
  mustChange: boolean;
  setAt: string | null;
  /** When the PIN must change by the policy's lifetime; null: never (or no PIN). */
  expiresAt: string | null;
  /** Wrong PINs since the last good logon or reset. */
  failures: number;
  /** Wrong PINs since the last good logon. */
  attempts: number;
  locked: boolean;
  policy: string;
}

export type CheckPinOutcome =
  | { ok: true; mustChange: boolean }
  | { ok: false; reason: 'wrong'; resetTriggered?: boolean; newPin?: string }
  | { ok: false; reason: 'locked' };

export type ChangePinOutcome = { ok: true } | { ok: false; reason: PinViolation; message: string };

const DAY_MS = 86_400_000;
/** A well-formed hash of nothing anyone can type, for checks without a stored PIN. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function expiry(row: Selectable<UserPinsTable> | undefined, policy: MailboxPolicy): string | null {
  if (!row || policy.pinLifetimeDays === 0) return null;
  return new Date(Date.parse(row.set_at) + policy.pinLifetimeDays * DAY_MS).toISOString();
}

const pinRow = (db: Db, userId: number) => db.selectFrom('user_pins').selectAll().where('user_id', '=', userId).executeTakeFirst();

function status(user: UmUser, row: Selectable<UserPinsTable> | undefined, policy: MailboxPolicy): PinStatus {
  const expiresAt = expiry(row, policy);
  return {
    user: user.name, isSet: row !== undefined,
    mustChange: row !== undefined && (Number(row.must_change) === 1 || (expiresAt !== null && Date.parse(expiresAt) <= Date.now())),
    setAt: row?.set_at ?? null, expiresAt, failures: Number(row?.failures ?? 0), attempts: Number(row?.attempts ?? 0),
    locked: Number(row?.locked ?? 0) === 1, policy: policy.name,
  };
}

export async function getPinStatus(db: Db, userName: string): Promise<PinStatus> {
  const user = await getUser(db, userName);
  return status(user, await pinRow(db, user.id), await policyForUser(db, user.id));
}

/** The first rule `pin` breaks for `user`, history included; undefined when it is acceptable. */
async function refusal(db: Db, user: UmUser, policy: MailboxPolicy, pin: string): Promise<PinRefusal | undefined> {
  const rule = checkPinRules(pin, { minPinLength: policy.minPinLength, allowCommonPatterns: policy.allowCommonPatterns, extension: user.extension });
  if (rule) return rule;
  const row = await pinRow(db, user.id);
  for (const old of remembered(row, policy)) if (await verifyPin(pin, old)) return HISTORY_REFUSAL(policy.pinHistoryCount);
  return undefined;
}

/** The current hash and the previous ones, as many as the policy's history keeps. */
function remembered(row: Selectable<UserPinsTable> | undefined, policy: MailboxPolicy): string[] {
  if (!row) return [];
  return [row.pin_hash, ...(JSON.parse(row.history) as string[])].slice(0, policy.pinHistoryCount);
}

/** Writes a new PIN hash, keeping the old one in the history; failures start again. */
async function storePin(trx: Transaction<Database>, userId: number, policy: MailboxPolicy, hash: string, mustChange: boolean): Promise<void> {
  const row = await trx.selectFrom('user_pins').selectAll().where('user_id', '=', userId).executeTakeFirst();
  const history = JSON.stringify(remembered(row, policy));
  const now = new Date().toISOString();
  const values = { pin_hash: hash, history, must_change: mustChange ? 1 : 0, set_at: now, failures: 0, updated_at: now };
  if (row) await trx.updateTable('user_pins').set(values).where('user_id', '=', userId).execute();
  else await trx.insertInto('user_pins').values({ user_id: userId, ...values, attempts: 0, locked: 0 }).execute();
}

/** A random PIN of the policy's minimum length that obeys its rules and history. */
async function randomPin(db: Db, user: UmUser, policy: MailboxPolicy): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const pin = Array.from({ length: policy.minPinLength }, () => String(randomInt(10))).join('');
    if (!(await refusal(db, user, policy, pin))) return pin;
  }
  throw new OpenUmError('INTERNAL', `could not make a random PIN that the policy "${policy.name}" accepts`);
}

/** An administrator sets a user's PIN; by default it must change at the next logon. */
export async function setPin(db: Db, actor: Actor, userName: string, pin: string, options: { mustChange?: boolean } = {}): Promise<PinStatus> {
  const user = await getUser(db, userName);
  const policy = await policyForUser(db, user.id);
  const bad = await refusal(db, user, policy, pin);
  if (bad) throw new OpenUmError('BAD_PIN', bad.message);
  const hash = await hashPin(pin);
  const mustChange = options.mustChange ?? true;
  await mutate(db, actor, { action: 'pin.set', target: user.name }, async (trx) => {
    await storePin(trx, user.id, policy, hash, mustChange);
    return { result: undefined, details: { mustChange, policy: policy.name } };
  });
  return getPinStatus(db, user.name);
}

/** A new random PIN that obeys the policy, to be told to the user once; it must change at the next logon. */
export async function resetPin(db: Db, actor: Actor, userName: string): Promise<{ pin: string; status: PinStatus }> {
  const user = await getUser(db, userName);
  const policy = await policyForUser(db, user.id);
  const pin = await randomPin(db, user, policy);
  const hash = await hashPin(pin);
  await mutate(db, actor, { action: 'pin.reset', target: user.name }, async (trx) => {
    await storePin(trx, user.id, policy, hash, true);
    return { result: undefined, details: { by: 'administrator', policy: policy.name } };
  });
  return { pin, status: await getPinStatus(db, user.name) };
}

/** Unlocks a mailbox locked after too many wrong PINs; the failure counts start again. */
export async function unlockPin(db: Db, actor: Actor, userName: string): Promise<PinStatus> {
  const user = await getUser(db, userName);
  const before = await pinRow(db, user.id);
  await mutate(db, actor, { action: 'pin.unlock', target: user.name }, async (trx) => {
    await trx.updateTable('user_pins').set({ locked: 0, failures: 0, attempts: 0, updated_at: new Date().toISOString() })
      .where('user_id', '=', user.id).execute();
    return { result: undefined, details: { wasLocked: Number(before?.locked ?? 0) === 1, attempts: Number(before?.attempts ?? 0) } };
  });
  return getPinStatus(db, user.name);
}

/**
 * A logon by phone. A wrong PIN counts towards the policy's "logon failures before PIN reset"
 * (the PIN is then replaced by a random one, returned as `newPin` for the caller to mail, and
 * must change at the next logon) and "max logon attempts" (the mailbox locks until an
 * administrator unlocks it); a good one clears both counts.
 */
export async function checkPin(db: Db, userId: number, pin: string): Promise<CheckPinOutcome> {
  const user = await findUserById(db, userId);
  if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `no UM-enabled user has id ${userId}`);
  const policy = await policyForUser(db, userId);
  const row = await pinRow(db, userId);
  const actor = `phone:${user.name}`;
  if (row && Number(row.locked) === 1) {
    await db.transaction().execute((trx) => writeAudit(trx, { actor, action: 'pin.logon-failure', target: user.name, details: { reason: 'locked' } }));
    return { ok: false, reason: 'locked' };
  }
  if (row && /^\d+$/.test(pin) && (await verifyPin(pin, row.pin_hash))) {
    await db.updateTable('user_pins').set({ failures: 0, attempts: 0, updated_at: new Date().toISOString() }).where('user_id', '=', userId).execute();
    return { ok: true, mustChange: status(user, row, policy).mustChange };
  }
  if (!row) {
    await verifyPin(pin, DUMMY_HASH); // as slow as a real check: the timing does not tell who has a PIN
    await db.transaction().execute((trx) => writeAudit(trx, { actor, action: 'pin.logon-failure', target: user.name, details: { reason: 'no PIN set' } }));
    return { ok: false, reason: 'wrong' };
  }
  // The replacement PIN is made before the transaction (hashing is slow), when this failure may reset.
  const mayReset = policy.logonFailuresBeforePinReset > 0 && Number(row.failures) + 1 >= policy.logonFailuresBeforePinReset;
  const newPin = mayReset ? await randomPin(db, user, policy) : undefined;
  const newHash = newPin === undefined ? undefined : await hashPin(newPin);
  return db.transaction().execute(async (trx) => {
    const counted = await trx.updateTable('user_pins')
      .set({ failures: sql`failures + 1`, attempts: sql`attempts + 1`, updated_at: new Date().toISOString() })
      .where('user_id', '=', userId).returning(['failures', 'attempts']).executeTakeFirstOrThrow();
    const failures = Number(counted.failures);
    const attempts = Number(counted.attempts);
    await writeAudit(trx, { actor, action: 'pin.logon-failure', target: user.name, details: { failures, attempts } });
    if (attempts >= policy.maxLogonAttempts) {
      await trx.updateTable('user_pins').set({ locked: 1 }).where('user_id', '=', userId).execute();
      await writeAudit(trx, { actor, action: 'pin.lockout', target: user.name, details: { attempts, policy: policy.name } });
      return { ok: false, reason: 'locked' } as const;
    }
    if (newPin !== undefined && newHash !== undefined && failures >= policy.logonFailuresBeforePinReset) {
      await storePin(trx, userId, policy, newHash, true);
      await writeAudit(trx, { actor, action: 'pin.reset', target: user.name, details: { by: 'logon failures', failures, policy: policy.name } });
      return { ok: false, reason: 'wrong', resetTriggered: true, newPin } as const;
    }
    return { ok: false, reason: 'wrong' } as const;
  });
}

/** The user changes its own PIN (after a good logon); a policy violation is an answer, not an error. */
export async function changePin(db: Db, userId: number, newPin: string): Promise<ChangePinOutcome> {
  const user = await findUserById(db, userId);
  if (!user) throw new OpenUmError('UM_USER_NOT_FOUND', `no UM-enabled user has id ${userId}`);
  const policy = await policyForUser(db, userId);
  const bad = await refusal(db, user, policy, newPin);
  if (bad) return { ok: false, reason: bad.reason, message: bad.message };
  const hash = await hashPin(newPin);
  await mutate(db, { name: `phone:${user.name}` }, { action: 'pin.change', target: user.name }, async (trx) => {
    await storePin(trx, userId, policy, hash, false);
    return { result: undefined, details: { policy: policy.name } };
  });
  return { ok: true };
}
