// `openum calls` and `openum refusals` read the running server's memory through its control
// socket: with no server they say so (NOT_RUNNING, exit 8) and name the command that starts it;
// a server started with --no-sip answers that it carries no calls (and so does GET /api/calls);
// a bad --limit is refused before anything is asked. (test/web/calls-api.test.ts has them live.)
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api } from '../support/api.js';
import { cli, initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';

describe('openum calls and openum refusals', { timeout: 60_000 }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let token: string;
  before(async () => {
    tmp = tempDir();
    data = join(tmp.path, 'data');
    ({ token } = await initData(data));
  });
  after(() => tmp.cleanup());

  it('says no server runs on the data directory, and how to start one', async () => {
    for (const args of [['calls'], ['refusals'], ['calls', '--json']]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 8, r.stderr);
      assert.match(r.stderr, new RegExp(`^error: no server is running on ${data.replaceAll('/', '\\/')} .*'openum start --data `));
      assert.equal(r.stdout, '');
    }
  });

  it('refuses a bad --limit and an argument', async () => {
    for (const limit of ['0', '1001', 'ten']) {
      const r = await cli(['refusals', '--limit', limit], { data });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^error: --limit must be a whole number from 1 to 1000/);
    }
    assert.equal((await cli(['calls', 'extra'], { data })).code, 2);
  });

  describe('with a server started --no-sip', () => {
    let server: RunningServer;
    before(async () => { server = await startServer(data); });
    after(async () => {
      await server.stop();
      assert.ok(!existsSync(join(data, 'control.sock')), 'the socket goes with the server');
    });

    it('answers that it carries no calls, on the CLI and in the API, and serves /api/ports', async () => {
      const sock = join(data, 'control.sock');
      assert.ok(existsSync(sock));
      assert.equal(statSync(sock).mode & 0o777, 0o600, 'only the owner of the data directory may ask');
      const r = await cli(['calls'], { data });
      assert.equal(r.code, 8);
      assert.match(r.stderr, /^error: the server runs without its SIP roles \(openum start --no-sip\)/);
      const calls = await api(server.port, 'GET', '/api/calls', { token });
      assert.equal(calls.status, 503);
      assert.deepEqual(calls.json(), { error: 'NOT_RUNNING', message: 'this server runs without its SIP roles: it carries no calls and refuses none' });
      const ports = await api(server.port, 'GET', '/api/ports', { token });
      assert.equal(ports.status, 200);
      const unauth = await api(server.port, 'GET', '/api/refusals');
      assert.equal(unauth.status, 401);
    });
  });
});
