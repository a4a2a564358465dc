// PostgreSQL for the store tests. CI (CI=true) or OPENUM_TEST_PG_URL make it mandatory: the
// tests fail when it cannot be reached. Elsewhere the tests that need it are skipped, never passed.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface PgTarget {
  /** A URL with a fresh schema of its own (?schema=…). */
  url: string;
  drop(): Promise<void>;
}

let availability: Promise<string | undefined> | undefined;

/** The base URL when PostgreSQL is usable; undefined to skip; throws when it is required but down. */
export function postgresBaseUrl(): Promise<string | undefined> {
  availability ??= (async () => {
    const required = !!process.env.OPENUM_TEST_PG_URL || process.env.CI === 'true';
    const url = process.env.OPENUM_TEST_PG_URL ?? DEFAULT_URL;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return url;
    } catch (e) {
      if (required) throw new Error(`PostgreSQL is required here (CI or OPENUM_TEST_PG_URL) but ${url} fails: ${(e as Error).message}`, { cause: e });
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

export async function freshSchema(base: string): Promise<PgTarget> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const u = new URL(base);
  u.searchParams.set('schema', schema);
  return {
    url: u.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface StoreEngine {
  name: 'sqlite' | 'postgres';
  /** Why the engine is skipped here, or false. */
  skip: string | false;
  /** A fresh PostgreSQL schema for one suite (undefined for SQLite: the data dir holds it). */
  target(): Promise<PgTarget | undefined>;
}

/** The two store engines for a test matrix: SQLite always, PostgreSQL when it answers or is required. */
export async function storeEngines(): Promise<StoreEngine[]> {
  const base = await postgresBaseUrl();
  return [
    { name: 'sqlite', skip: false, target: async () => undefined },
    {
      name: 'postgres',
      skip: base ? false : 'no PostgreSQL on 127.0.0.1:5432 (set OPENUM_TEST_PG_URL, or run in CI where it is required)',
      target: async () => (base ? freshSchema(base) : undefined),
    },
  ];
}
