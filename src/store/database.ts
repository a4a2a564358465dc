// Opens the store: SQLite in the data directory by default, PostgreSQL when a postgres:// URL is
// given (OPENUM_DATABASE_URL). Both run the same kysely queries and the same migrations.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { OpenUmError } from '../errors.js';
import type { Engine } from './engine.js';
import { migrateToLatest } from './migrate.js';
import { diskFullError, isDiskFullIn } from './disk-full.js';
import { GuardedSqliteDialect } from './sqlite-dialect.js';
import type { Database } from './schema.js';
import { StoreHealth } from './store-health.js';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** Where the store lives, for messages: a file path or a URL without its password. */
  location: string;
  /** Whether the store answers, fed by every query (store-health.ts); always up on SQLite. */
  health: StoreHealth;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  /** postgres://user@host:port/db[?schema=name]; absent: SQLite file in dataDir. */
  databaseUrl?: string;
  /** Stop at this migration (tests of a later migration's data steps); absent: the latest. */
  migrateTo?: string;
}

export const SQLITE_FILE = 'openum.db';

export async function openStore(options: StoreOptions): Promise<Store> {
  // The data directory holds node.json, the master key and recordings with either engine.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = options.databaseUrl ? await openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  try {
    await migrateWithRetry(store, options.migrateTo);
  } catch (e) {
    await store.close();
    if (e instanceof OpenUmError) throw e;
    throw new OpenUmError('STORE_UNAVAILABLE', `cannot prepare the store at ${store.location}: ${(e as Error).message}`, { cause: e });
  }
  return store;
}

/**
 * Kysely's migrator asks whether its tables exist with an introspection query that reads every
 * schema of the database and calls has_schema_privilege() on each name: when another schema is
 * dropped while that query runs (another node's test schema, say), PostgreSQL answers `schema "…"
 * does not exist` about that other schema (seen in its log: the statement is the introspection
 * query). Nothing is wrong with ours, and the migrations are idempotent: try again, a few times.
 */
async function migrateWithRetry(store: Store & { schema?: string }, migrateTo: string | undefined): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(store.db, store.engine, store.schema, migrateTo);
    } catch (e) {
      const raced = store.engine === 'postgres' && /schema "[^"]+" does not exist/.test(String((e as Error).message));
      if (!raced || attempt >= 3) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function openSqlite(dataDir: string): Store & { schema?: string } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SQLITE_FILE);
  const isNew = !existsSync(file);
  let sqlite: SqliteDatabase.Database;
  try {
    sqlite = new SqliteDatabase(file);
  } catch (e) {
    if (isDiskFullIn(e, dataDir)) throw diskFullError(resolve(dataDir), e);
    throw new OpenUmError('STORE_UNAVAILABLE', `cannot open the SQLite store ${file}: ${(e as Error).message}`, { cause: e });
  }
  // The file holds (sealed) private keys: owner-only, like every file with key material.
  if (isNew) chmodSync(file, 0o600);
  // WAL lets the running server read while the CLI writes; busy_timeout makes a writer wait for
  // the other process's transaction instead of failing with SQLITE_BUSY.
  try {
    sqlite.pragma('journal_mode = WAL');
  } catch (e) {
    // On a full disk the WAL's shared-memory file cannot grow: name the disk, not "disk I/O error".
    sqlite.close();
    if (isDiskFullIn(e, dataDir)) throw diskFullError(resolve(dataDir), e);
    throw new OpenUmError('STORE_UNAVAILABLE', `cannot open the SQLite store ${file}: ${(e as Error).message}`, { cause: e });
  }
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a process crash loses nothing
  // committed, a power cut may lose the last commits but never corrupts the file. Every commit
  // waiting for fsync would stall a worker's event loop (better-sqlite3 is synchronous), and with
  // it the 20 ms media clock of every call on it.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new GuardedSqliteDialect(sqlite, resolve(dataDir)) });
  return { db, engine: 'sqlite', location: file, health: new StoreHealth(), close: () => db.destroy() };
}

async function openPostgres(url: string): Promise<Store & { schema?: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OpenUmError('STORE_UNAVAILABLE', `OPENUM_DATABASE_URL is not a URL: write it like postgres://user@127.0.0.1:5432/openum`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new OpenUmError('STORE_UNAVAILABLE', `OPENUM_DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new OpenUmError('STORE_UNAVAILABLE', `the schema "${schema}" in OPENUM_DATABASE_URL must be a lower-case SQL identifier`);
  }
  parsed.searchParams.delete('schema');
  const safe = new URL(parsed.toString());
  safe.password = '';
  const location = safe.toString() + (schema ? ` (schema ${schema})` : '');

  const health: StoreHealth = new StoreHealth((): Promise<unknown> => sql`select 1`.execute(db));
  // pg is loaded here, not by every process that opens a SQLite store (every CLI command).
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 5,
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', () => { /* an idle client dropped by the server; the pool replaces it */ });
  // A client checked out (by Kysely, between its queries) has no pool listener: if PostgreSQL goes
  // away just then, pg emits 'error' on it, and an 'error' event nobody listens to ends the
  // process. Every client gets a listener for its whole life; the query in flight fails on its own.
  pool.on('connect', (client) => {
    client.on('error', (e: Error) => health.failed(e));
  });
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(ignoreSchemaRace);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new OpenUmError('STORE_UNAVAILABLE', `cannot reach PostgreSQL at ${location}: ${(e as Error).message}`, { cause: e });
  }
  // Every query's outcome, and every failed connect, tells the health state whether PostgreSQL
  // answers (a connect that succeeds may hand out an idle client that is already dead: only a query
  // that answers says the store is up).
  const watched = {
    connect: async () => {
      try {
        return await pool.connect();
      } catch (e) {
        health.failed(e);
        throw e;
      }
    },
    end: () => pool.end(),
  };
  const db: Kysely<Database> = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: watched }),
    log: (event) => (event.level === 'error' ? health.failed(event.error) : health.answered()),
  });
  return { db, engine: 'postgres', location, schema, health, close: () => { health.stop(); return db.destroy(); } };
}

/**
 * `CREATE SCHEMA IF NOT EXISTS` is not safe against itself: when several nodes open a new store at
 * once, all may find the schema missing and all but one fail on the catalogue's unique index
 * (23505) or with 42P06. Either way the schema exists now, which is all that was asked.
 */
function ignoreSchemaRace(e: unknown): void {
  const code = (e as { code?: string }).code;
  if (code !== '23505' && code !== '42P06') throw e;
}
