// A full disk under the data directory (a small tmpfs mounted there, filled with a file), against
// a real `openum start`: authenticated reads still answer 200 (their bookkeeping writes, a
// token's last use and a session's last-seen, are skipped), changes answer 507 DISK_FULL naming
// the full disk, and once space is freed changes work again. Needs mount (root): skipped, saying
// why, where it is not permitted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { cli, initData, startServer, type RunningServer } from '../support/openum.js';
import { api } from '../support/api.js';
import { tempDir } from '../support/run.js';

const HOST = '127.0.131.20';
const tmp = tempDir('openum-disk-full-');
const data = join(tmp.path, 'data');
mkdirSync(data);
const mount = process.platform === 'linux'
  ? spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'openum-test', data], { encoding: 'utf8' })
  : undefined;
const skip = mount?.status === 0 ? false : `a tmpfs cannot be mounted as the data directory here (needs root or CAP_SYS_ADMIN): ${mount?.stderr.trim() || 'not Linux'}`;

/** Writes a file until the file system has no space left (bounded by its 48 MB). */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (const size of [1 << 20, 4096, 512]) {
      const b = Buffer.alloc(size, 1);
      for (let i = 0; i < 100_000; i++) {
        try {
          writeSync(fd, b);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('a full disk under the data directory', { skip }, () => {
  let token: string;
  let server: RunningServer;
  let cookie: string;

  before(async () => {
    ({ token } = await initData(data, 'um.contoso.com'));
    for (const args of [['dialplan', 'new', 'DP', '--extension-length', '4'], ['user', 'new', 'alice', '--extension', '1001', '--dial-plan', 'DP', '--email', 'alice@contoso.test']]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    server = await startServer(data, { args: ['--admin-address', HOST] });
    const signIn = await api(server.port, 'POST', '/api/session', { host: HOST, body: { token } });
    assert.equal(signIn.status, 200, signIn.body);
    cookie = String(signIn.headers['set-cookie']?.[0]?.split(';')[0]);
    // An empty WAL, so that any write needs new space (a used WAL is rewritten in place).
    const db = new SqliteDatabase(join(data, 'openum.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    fill(data);
  });
  after(async () => {
    await server?.stop();
    if (!skip) spawnSync('umount', [data]);
    tmp.cleanup();
  });

  it('answers authenticated reads (token and session cookie) with 200', async () => {
    for (const path of ['/api/server', '/api/users', '/api/users/alice', '/api/certificates']) {
      const r = await api(server.port, 'GET', path, { host: HOST, token });
      assert.equal(r.status, 200, `${path}: ${r.body}`);
    }
    const session = await api(server.port, 'GET', '/api/session', { host: HOST, headers: { cookie } });
    assert.equal(session.status, 200, session.body);
    const users = await api(server.port, 'GET', '/api/users', { host: HOST, headers: { cookie } });
    assert.equal(users.status, 200, users.body);
  });

  it('refuses changes with 507 DISK_FULL naming the full disk, and takes them once there is space', async () => {
    const r = await api(server.port, 'PATCH', '/api/users/alice', { host: HOST, token, body: { displayName: 'Alice Full' } });
    assert.equal(r.status, 507, `${r.body}\n${server.stdout().slice(-1500)}${server.stderr().slice(-1500)}`);
    assert.equal((r.json() as { error: string }).error, 'DISK_FULL');
    assert.match((r.json() as { message: string }).message, /^the disk holding \S+ is full .*: free space, then try again \(nothing was changed\)/);
    const m = (await api(server.port, 'GET', '/metrics', { host: HOST })).body;
    assert.ok(Number(/^openum_store_writes_skipped_total (\d+)/m.exec(m)?.[1]) >= 1, m.slice(0, 300));
    assert.ok(Number(/^openum_admin_disk_full_total (\d+)/m.exec(m)?.[1]) >= 1);
    rmSync(join(data, 'filler'));
    const ok = await api(server.port, 'PATCH', '/api/users/alice', { host: HOST, token, body: { displayName: 'Alice Full' } });
    assert.equal(ok.status, 200, ok.body);
    assert.equal((ok.json() as { displayName: string }).displayName, 'Alice Full');
  });
});
