// Administrator accounts for the admin center (issue 9): a name and a web password (the same
// rules and hash as users' web passwords), besides the admin tokens of services/admin-tokens.ts.
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { audited, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './web-passwords.js';

type Db = Kysely<Database>;

export interface AdminAccount {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
}

const toAccount = (r: { id: number; name: string; created_at: string; updated_at: string }): AdminAccount =>
  ({ id: Number(r.id), name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

function parseAdminName(name: unknown): string {
  if (typeof name !== 'string' || !/^[\w.@-]{1,64}$/.test(name)) {
    throw new OpenUmError('BAD_ARGUMENT', `the administrator name "${String(name)}" must be 1-64 letters, digits, '.', '@', '_' or '-'`);
  }
  return name.toLowerCase();
}

const byName = (db: Db, name: string) => db.selectFrom('admin_accounts').selectAll().where('name', '=', name.toLowerCase());

export async function listAdminAccounts(db: Db): Promise<AdminAccount[]> {
  return (await db.selectFrom('admin_accounts').selectAll().orderBy('name').execute()).map(toAccount);
}

export async function getAdminAccount(db: Db, name: string): Promise<AdminAccount> {
  const row = await byName(db, name).executeTakeFirst();
  if (!row) throw new OpenUmError('ADMIN_ACCOUNT_NOT_FOUND', `no administrator account is named "${name}"`);
  return toAccount(row);
}

export async function findAdminAccountById(db: Db, id: number): Promise<AdminAccount | undefined> {
  const row = await db.selectFrom('admin_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function createAdminAccount(db: Db, actor: Actor, name: string, password: string): Promise<AdminAccount> {
  const n = parseAdminName(name);
  const hash = await hashPassword(password);
  const now = new Date().toISOString();
  await audited(db, actor, { action: 'admin-account.create', target: n }, async (trx) => {
    if (await byName(trx, n).executeTakeFirst()) throw new OpenUmError('OBJECT_EXISTS', `an administrator account named "${n}" already exists; choose another name`);
    await trx.insertInto('admin_accounts').values({ name: n, password_hash: hash, created_at: now, updated_at: now }).execute();
    return { result: undefined };
  });
  return getAdminAccount(db, n);
}

/** A new password; the account's sessions are signed out (the caller does that: web-sessions.ts). */
export async function setAdminPassword(db: Db, actor: Actor, name: string, password: string): Promise<AdminAccount> {
  const account = await getAdminAccount(db, name);
  const hash = await hashPassword(password);
  await audited(db, actor, { action: 'admin-account.password', target: account.name }, async (trx) => {
    await trx.updateTable('admin_accounts').set({ password_hash: hash, updated_at: new Date().toISOString() }).where('id', '=', account.id).execute();
    await trx.deleteFrom('web_sessions').where('kind', '=', 'admin').where('account_id', '=', account.id).execute();
    return { result: undefined };
  });
  return getAdminAccount(db, account.name);
}

export async function removeAdminAccount(db: Db, actor: Actor, name: string): Promise<void> {
  const account = await getAdminAccount(db, name);
  await audited(db, actor, { action: 'admin-account.remove', target: account.name }, async (trx) => {
    await trx.deleteFrom('web_sessions').where('kind', '=', 'admin').where('account_id', '=', account.id).execute();
    await trx.deleteFrom('admin_accounts').where('id', '=', account.id).execute();
    return { result: undefined };
  });
}

/** The account when the password is its own, undefined otherwise (as slow for an unknown name). */
export async function checkAdminPassword(db: Db, name: unknown, password: string): Promise<AdminAccount | undefined> {
  const row = typeof name === 'string' && name.length <= 64 ? await byName(db, name).executeTakeFirst() : undefined;
  const good = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  return row && good ? toAccount(row) : undefined;
}
