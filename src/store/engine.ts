/** The two store engines: SQLite embedded by default, PostgreSQL when several nodes share a store. */
export type Engine = 'sqlite' | 'postgres';
