// Users' web passwords for the UM web services (issue 9): a slow salted hash as PINs have
// (pin-hash.ts), and wrong passwords counted as wrong PINs are: at the mailbox policy's maximum
// logon attempts the web account locks until an administrator unlocks it (openum user unlock-web,
// POST /api/users/:name/web/unlock). Its own counter: a locked phone mailbox does not lock the
// web, nor the reverse, but the one limit an administrator sets governs both.
import { sql, type Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { writeAudit } from '../store/audit.js';
import { audited, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { policyForUser } from './mailbox-policies.js';
import type { UmUser } from './organisation-types.js';
import { hashPin, verifyPin } from './pin-hash.js';
import { findUserById, getUser } from './users.js';

type Db = Kysely<Database>;

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 200;
/** A well-formed hash nobody's password matches: unknown accounts cost as much time as known ones. */
export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
export const SIGN_IN_REFUSED = 'the e-mail address or password is wrong';

export interface WebAccountStatus {
  user: string;
  passwordSet: boolean;
  /** Wrong passwords since the last good sign-in. */
  attempts: number;
  locked: boolean;
  maxAttempts: number;
}

/** The password rules: a length only (NIST SP 800-63B §5.1.1: length over composition rules). */
export function checkPasswordRules(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new OpenUmError('WEAK_PASSWORD', `password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) throw new OpenUmError('WEAK_PASSWORD', `password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

export const hashPassword = (password: string): Promise<string> => hashPin(checkPasswordRules(password));
export const verifyPassword = (password: string, stored: string): Promise<boolean> => verifyPin(password, stored);

const accountRow = (db: Db, userId: number) => db.selectFrom('user_web_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();

export async function webAccountStatus(db: Db, user: UmUser): Promise<WebAccountStatus> {
  const row = await accountRow(db, user.id);
  const policy = await policyForUser(db, user.id);
  return {
    user: user.name, passwordSet: Boolean(row?.password_hash), attempts: Number(row?.attempts ?? 0),
    locked: Number(row?.locked ?? 0) === 1, maxAttempts: policy.maxLogonAttempts,
  };
}

/** Stores a new password (already hashed by hashPassword); `unlock` also clears a lock (an administrator's invitation). */
export async function storeUserPassword(db: Kysely<Database>, userId: number, hash: string, options: { unlock?: boolean } = {}): Promise<void> {
  const now = new Date().toISOString();
  const row = await accountRow(db, userId);
  const reset = options.unlock ? { attempts: 0, locked: 0 } : {};
  if (row) await db.updateTable('user_web_accounts').set({ password_hash: hash, set_at: now, updated_at: now, ...reset }).where('user_id', '=', userId).execute();
  else await db.insertInto('user_web_accounts').values({ user_id: userId, password_hash: hash, attempts: 0, locked: 0, set_at: now, updated_at: now }).execute();
}

export function lockedError(): OpenUmError {
  return new OpenUmError('ACCOUNT_LOCKED', 'this web account is locked after too many wrong passwords; an administrator must unlock it');
}

/** Refuses a locked account. */
export async function refuseLocked(db: Db, userId: number): Promise<void> {
  const row = await accountRow(db, userId);
  if (Number(row?.locked ?? 0) === 1) throw lockedError();
}

/** Signs a user in by e-mail address and password; the same refusal whether the address exists or not. */
export async function checkUserPassword(db: Db, email: string, password: string): Promise<UmUser> {
  const found = await db.selectFrom('users').select('id').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  const user = found ? await findUserById(db, Number(found.id)) : undefined;
  const row = user ? await accountRow(db, user.id) : undefined;
  const good = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!user || !row?.password_hash) throw new OpenUmError('UNAUTHORIZED', SIGN_IN_REFUSED);
  if (Number(row.locked) === 1) throw lockedError();
  if (good) {
    if (Number(row.attempts) !== 0) await db.updateTable('user_web_accounts').set({ attempts: 0, updated_at: new Date().toISOString() }).where('user_id', '=', user.id).execute();
    return user;
  }
  const policy = await policyForUser(db, user.id);
  const locked = await db.transaction().execute(async (trx) => {
    const counted = await trx.updateTable('user_web_accounts').set({ attempts: sql`attempts + 1`, updated_at: new Date().toISOString() })
      .where('user_id', '=', user.id).returning('attempts').executeTakeFirstOrThrow();
    const attempts = Number(counted.attempts);
    await writeAudit(trx, { actor: `web:${user.name}`, action: 'web.sign-in-failure', target: user.name, details: { attempts } });
    if (attempts < policy.maxLogonAttempts) return false;
    await trx.updateTable('user_web_accounts').set({ locked: 1 }).where('user_id', '=', user.id).execute();
    await writeAudit(trx, { actor: `web:${user.name}`, action: 'web.lockout', target: user.name, details: { attempts, policy: policy.name } });
    return true;
  });
  if (locked) throw lockedError();
  throw new OpenUmError('UNAUTHORIZED', SIGN_IN_REFUSED);
}

/** The signed-in user changes its password, proving the current one (a wrong one counts). */
export async function changeUserPassword(db: Db, user: UmUser, current: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await checkUserPassword(db, user.email, current).catch((e: unknown) => {
    if (e instanceof OpenUmError && e.code === 'UNAUTHORIZED') throw new OpenUmError('UNAUTHORIZED', 'currentPassword is wrong');
    throw e;
  });
  await audited(db, { name: `web:${user.name}` }, { action: 'web.password-change', target: user.name }, async (trx) => {
    await storeUserPassword(trx, user.id, hash);
    return { result: undefined };
  });
}

/** An administrator unlocks a web account locked after wrong passwords. */
export async function unlockWebAccount(db: Db, actor: Actor, userName: string): Promise<WebAccountStatus> {
  const user = await getUser(db, userName);
  const before = await accountRow(db, user.id);
  await audited(db, actor, { action: 'web.unlock', target: user.name }, async (trx) => {
    await trx.updateTable('user_web_accounts').set({ locked: 0, attempts: 0, updated_at: new Date().toISOString() }).where('user_id', '=', user.id).execute();
    return { result: undefined, details: { wasLocked: Number(before?.locked ?? 0) === 1 } };
  });
  return webAccountStatus(db, user);
}
