// Regression: a write that fills the disk used to end in "cannot rollback - no transaction is
// active" (SQLite had rolled back already, and kysely's ROLLBACK failed and hid the cause). Now
// the first error wins and a full disk is DISK_FULL, naming the directory and the bytes free.
// The first test fills the database with PRAGMA max_page_count (SQLITE_FULL, no disk needed); the
// second fills a real (tmpfs) disk under the store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { OpenUmError } from '../../src/errors.js';
import { openStore } from '../../src/store/database.js';
import { asDiskFull, isDiskFull } from '../../src/store/disk-full.js';
import { mutate } from '../../src/store/mutation.js';
import type { Database } from '../../src/store/schema.js';
import { GuardedSqliteDialect } from '../../src/store/sqlite-dialect.js';
import { mountTmpfs, tmpfsUnavailable } from '../support/tmpfs.js';

const fillTable = (db: Kysely<Database>) => db.transaction().execute(async (trx) => {
  for (let i = 0; i < 200; i++) await sql`insert into t values (randomblob(4000))`.execute(trx);
});

describe('a full database or disk', () => {
  it('reports DISK_FULL from the statement that failed, not a failed ROLLBACK', async () => {
    const sqlite = new SqliteDatabase(':memory:');
    sqlite.exec('create table t (x blob)');
    sqlite.pragma('max_page_count = 20');
    const db = new Kysely<Database>({ dialect: new GuardedSqliteDialect(sqlite, '/srv/openum') });
    await assert.rejects(fillTable(db), (e: unknown) => {
      assert.ok(e instanceof OpenUmError, String(e));
      assert.equal(e.code, 'DISK_FULL');
      assert.match(e.message, /^the disk holding \/srv\/openum is full.*: free space, then try again/);
      assert.doesNotMatch(e.message, /rollback/);
      assert.equal((e.cause as { code?: string }).code, 'SQLITE_FULL');
      return true;
    });
    // Nothing half-written: SQLite rolled the whole transaction back, and the store still works.
    assert.equal(sqlite.inTransaction, false);
    assert.deepEqual((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows, [{ n: 0 }]);
    await db.destroy();
  });

  it('names ENOSPC from a file write with the directory of the file', () => {
    const e = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/srv/openum/audio/x.wav' });
    assert.ok(isDiskFull(new Error('wrapped', { cause: e })));
    const full = asDiskFull(e);
    assert.equal(full?.code, 'DISK_FULL');
    assert.match(full?.message ?? '', /^the disk holding \/srv\/openum\/audio is full/);
    assert.equal(asDiskFull(new Error('other')), undefined);
  });

  const skip = tmpfsUnavailable() ?? false;
  it('a change on a full tmpfs, or opening the store there, is DISK_FULL; freeing space makes both work', { skip }, async () => {
    const disk = mountTmpfs(8 << 20);
    try {
      const data = join(disk.path, 'data');
      const store = await openStore({ dataDir: data });
      const change = (n: number) => mutate(store.db, { name: 'test' }, { action: 'fill', target: String(n) }, async () => ({ result: n, details: { pad: 'x'.repeat(256 * 1024) } }));
      await change(1);
      disk.fill();
      const before = await store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      await assert.rejects(async () => { for (let i = 2; i < 50; i++) await change(i); }, (e: unknown) => {
        assert.ok(e instanceof OpenUmError, String(e));
        assert.equal(e.code, 'DISK_FULL');
        assert.match(e.message, new RegExp(`^the disk holding ${data} is full \\(\\d+ bytes free\\)`));
        return true;
      });
      const during = await store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.ok(Number(during.n) >= Number(before.n));
      disk.free();
      assert.equal(await change(99), 99);
      await store.close();
      // Opening the store on a full disk: SQLite cannot grow the WAL's shared-memory file and says
      // SQLITE_IOERR_SHMSIZE ("disk I/O error"); the disk is named instead.
      disk.fill();
      await assert.rejects(openStore({ dataDir: data }), (e: unknown) => {
        assert.ok(e instanceof OpenUmError, String(e));
        assert.equal(e.code, 'DISK_FULL');
        assert.match(e.message, new RegExp(`^the disk holding ${data} is full \\(0 bytes free\\)`));
        return true;
      });
      disk.free();
      await (await openStore({ dataDir: data })).close();
    } finally {
      disk.unmount();
    }
  });
});
