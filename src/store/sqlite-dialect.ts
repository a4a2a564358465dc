// Kysely's SQLite dialect with two guards for a failing write.
//
// 1. The first error wins. On some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, …) SQLite
//    rolls the transaction back by itself (https://sqlite.org/lang_transaction.html, "Response To
//    Errors Within A Transaction"); kysely's transaction().execute() then sends ROLLBACK anyway,
//    which fails with "cannot rollback - no transaction is active" and replaces the error that
//    mattered. Here ROLLBACK is sent only while a transaction is open, so the caller sees the
//    original error.
// 2. A full disk is named: SQLITE_FULL (and ENOSPC, or an I/O error with no room left) from any
//    statement, BEGIN or COMMIT becomes DISK_FULL naming the data directory and the bytes free
//    (disk-full.ts).
import type SqliteDatabase from 'better-sqlite3';
import { SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryCompiler, type QueryResult, type TransactionSettings } from 'kysely';
import { diskFullError, isDiskFullIn } from './disk-full.js';

export class GuardedSqliteDialect extends SqliteDialect {
  readonly #sqlite: SqliteDatabase.Database;
  readonly #dir: string;

  constructor(sqlite: SqliteDatabase.Database, dataDir: string) {
    super({ database: sqlite });
    this.#sqlite = sqlite;
    this.#dir = dataDir;
  }

  override createDriver(): Driver {
    return new GuardedDriver(super.createDriver(), this.#sqlite, this.#dir);
  }
}

class GuardedDriver implements Driver {
  readonly #inner: Driver;
  readonly #sqlite: SqliteDatabase.Database;
  readonly #dir: string;

  constructor(inner: Driver, sqlite: SqliteDatabase.Database, dir: string) {
    this.#inner = inner;
    this.#sqlite = sqlite;
    this.#dir = dir;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await this.#inner.acquireConnection(), this.#dir);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite already rolled back (see 1. above): nothing to undo, and the first error stands.
    if (!this.#sqlite.inTransaction) return;
    await this.#inner.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#inner.savepoint?.(connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    if (!this.#sqlite.inTransaction) return;
    await this.#inner.rollbackToSavepoint?.(connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#inner.releaseSavepoint?.(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection instanceof GuardedConnection ? connection.inner : connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

class GuardedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #dir: string;

  constructor(inner: DatabaseConnection, dir: string) {
    this.inner = inner;
    this.#dir = dir;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(compiledQuery);
    } catch (e) {
      throw isDiskFullIn(e, this.#dir) ? diskFullError(this.#dir, e) : e;
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (e) {
      throw isDiskFullIn(e, this.#dir) ? diskFullError(this.#dir, e) : e;
    }
  }
}
