// Administrator tokens for the admin API. A token is 32 random bytes shown once (base64url,
// prefixed "oum_"); the store keeps its SHA-256 only.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { OpenUmError } from '../errors.js';
import { mutate, type Actor } from '../store/mutation.js';
import type { Database } from '../store/schema.js';
import { bestEffort } from '../store/disk-full.js';

export interface AdminTokenView {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function createAdminToken(db: Kysely<Database>, actor: Actor, name: string): Promise<{ token: string; view: AdminTokenView }> {
  if (!/^[\w.-]{1,64}$/.test(name)) {
    throw new OpenUmError('BAD_ARGUMENT', `token name "${name}" must be 1-64 letters, digits, '.', '_' or '-'`);
  }
  const token = 'oum_' + randomBytes(32).toString('base64url');
  const createdAt = new Date().toISOString();
  await mutate(db, actor, { action: 'token.create', target: name }, async (trx) => {
    await trx.insertInto('admin_tokens').values({ name, token_hash: hash(token), created_at: createdAt, last_used_at: null }).execute();
    return { result: undefined };
  });
  const row = await db.selectFrom('admin_tokens').select('id').where('token_hash', '=', hash(token)).executeTakeFirstOrThrow();
  return { token, view: { id: Number(row.id), name, createdAt, lastUsedAt: null } };
}

export async function listAdminTokens(db: Kysely<Database>): Promise<AdminTokenView[]> {
  const rows = await db.selectFrom('admin_tokens').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export async function revokeAdminToken(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  const row = await db.selectFrom('admin_tokens').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new OpenUmError('ADMIN_TOKEN_NOT_FOUND', `no admin token with id ${id}`, { cli: "; 'openum token list' shows them" });
  await mutate(db, actor, { action: 'token.revoke', target: row.name }, async (trx) => {
    await trx.deleteFrom('admin_tokens').where('id', '=', id).execute();
    return { result: undefined };
  });
}

/** Returns the token's name when it is valid, undefined otherwise. Comparison by hash lookup. */
export async function verifyAdminToken(db: Kysely<Database>, token: string): Promise<string | undefined> {
  return (await verifyAdminTokenId(db, token))?.name;
}

/** The name of the token with this id (a session signed in with it), undefined once revoked. */
export async function adminTokenName(db: Kysely<Database>, id: number): Promise<string | undefined> {
  return (await db.selectFrom('admin_tokens').select('name').where('id', '=', id).executeTakeFirst())?.name;
}

/** The token's id and name when it is valid, undefined otherwise. */
export async function verifyAdminTokenId(db: Kysely<Database>, token: string): Promise<{ id: number; name: string } | undefined> {
  if (!token.startsWith('oum_') || token.length > 100) return undefined;
  const h = hash(token);
  const row = await db.selectFrom('admin_tokens').select(['id', 'name', 'token_hash']).where('token_hash', '=', h).executeTakeFirst();
  if (!row || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(h))) return undefined;
  // Last use is bookkeeping, not a configuration change: no revision bump, no audit entry, and
  // a read still answers when it cannot be stored (a full disk: store/disk-full.ts).
  await bestEffort(() => db.updateTable('admin_tokens').set({ last_used_at: new Date().toISOString() }).where('id', '=', row.id).execute());
  return { id: Number(row.id), name: row.name };
}
