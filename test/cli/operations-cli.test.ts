// The operator's commands around a real `openum start`: --version, the stored SIP addresses
// (openum server set --sip-address, used by start, shown by ports), `openum status` stopped and
// running, and the log: JSON lines without a terminal, one line per listener, no deprecation
// warning, and aligned text lines on a terminal (script(1) gives the server a pty).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, cli, cliJson, initData, startServer, type RunningServer } from '../support/openum.js';
import { run, tempDir } from '../support/run.js';
import { waitFor } from '../support/voicemail.js';

const ADDRESS = '127.0.117.30';

interface Status {
  running: boolean;
  reason?: string;
  roles: { role: string; processes: number | null; listeners: { protocol: string; address: string; port: number }[] }[];
  workers: { worker: number; alive: boolean }[];
  calls: { inProgress: number } | null;
  store: { engine: string; location: string };
  certificates: { service: string; thumbprint: string; daysLeft: number }[];
  smtp: { pending: number };
}

describe('operations commands', { timeout: 120_000 }, () => {
  const tmp = tempDir('openum-ops-cli-');
  const data = join(tmp.path, 'data');
  let thumbprint: string;
  let server: RunningServer | undefined;

  before(async () => { ({ thumbprint } = await initData(data, 'um.contoso.test')); });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('openum --version prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(CLI, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    const r = await run(process.execPath, [CLI, '--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), `openum ${pkg.version}`);
  });

  it('openum server set --sip-address: a bad address changes nothing; a good one is stored and shown by server get and ports', async () => {
    const bad = await cli(['server', 'set', '--sip-address', `${ADDRESS},300.1.1.1`], { data });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--sip-address: "300\.1\.1\.1" is not an IP address/);
    assert.deepEqual((await cliJson<{ sipAddresses: string[] }>(['server', 'get'], { data })).sipAddresses, ['0.0.0.0']);

    const ok = await cli(['server', 'set', '--sip-address', ADDRESS], { data });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual((await cliJson<{ sipAddresses: string[] }>(['server', 'get'], { data })).sipAddresses, [ADDRESS]);
    const rows = await cliJson<{ role: string; addresses: string[] }[]>(['ports'], { data });
    assert.deepEqual(rows.find((r) => r.role === 'Call Router')?.addresses, [ADDRESS]);
    assert.deepEqual(rows.find((r) => r.role === 'Admin API')?.addresses, ['127.0.0.1']);
    const text = await cli(['ports'], { data });
    assert.match(text.stdout, new RegExp(`SIP roles listen on ${ADDRESS.replace(/\./g, '\\.')} \\(stored`));
  });

  it('openum status with the server stopped: NOT RUNNING (exit 8) and the stored configuration', async () => {
    const r = await cli(['status'], { data });
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stdout, /NOT RUNNING/);
    assert.match(r.stdout, new RegExp(`Call Router +TCP, UDP ${ADDRESS.replace(/\./g, '\\.')}:5060, TCP ${ADDRESS.replace(/\./g, '\\.')}:5060`));
    assert.match(r.stdout, new RegExp(`certificate IIS +${thumbprint} CN=um\\.contoso\\.test, expires \\d{4}-\\d\\d-\\d\\d \\(18\\d\\d days left\\)`));
    const j = JSON.parse((await cli(['status', '--json'], { data })).stdout) as Status;
    assert.equal(j.running, false);
    assert.match(j.reason ?? '', /no server is running/);
    assert.equal(j.calls, null);
    assert.equal(j.store.engine, 'sqlite');
    assert.equal(j.smtp.pending, 0);
  });

  it('openum start uses the stored addresses; status shows it running; the log has one JSON line per listener and no deprecation warning', async () => {
    server = await startServer(data, { sip: true, args: ['--routers', '1'] });
    const s = await waitFor('status running', async () => {
      const r = await cli(['status', '--json'], { data });
      const j = JSON.parse(r.stdout || '{}') as Status;
      return r.code === 0 && j.running && j.workers.every((w) => w.alive) ? j : undefined;
    }, 30_000);
    const router = s.roles.find((r) => r.role === 'Call Router');
    assert.equal(router?.processes, 1);
    assert.deepEqual(router?.listeners.map((l) => `${l.protocol} ${l.address}:${l.port}`), [`udp ${ADDRESS}:5060`, `tcp ${ADDRESS}:5060`]);
    assert.deepEqual(s.roles.find((r) => r.role === 'UM service')?.listeners.map((l) => `${l.protocol} ${l.address}:${l.port}`), [`udp ${ADDRESS}:5062`, `tcp ${ADDRESS}:5062`]);
    assert.equal(s.calls?.inProgress, 0);
    assert.equal(s.certificates.find((c) => c.service === 'IIS')?.thumbprint, thumbprint);
    const text = await cli(['status'], { data });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /running \(pid \d+/);
    assert.match(text.stdout, /UM worker 1 running, ports 5065\/5066, 0 calls, 0 restarts/);

    await waitFor('the Call Router listening', () => /call-router-1[\s\S]*5060/.test(server?.stderr() ?? ''), 20_000);
    const lines = (server.stderr()).split('\n').filter(Boolean);
    const records = lines.map((l) => JSON.parse(l) as { msg: string; local?: string; proc: string });
    const listening = records.filter((r) => r.msg === 'listening').map((r) => `${r.proc} ${r.local}`);
    assert.equal(new Set(listening).size, listening.length, `each listener once: ${listening.join('; ')}`);
    assert.ok(listening.includes(`main udp ${ADDRESS}:5062`) && listening.includes(`worker-2 tcp ${ADDRESS}:5067`) && listening.includes(`call-router-1 tcp ${ADDRESS}:5060`), listening.join('; '));
    assert.doesNotMatch(server.stderr(), /DeprecationWarning|FSTDEP/);
  });

  it('on a terminal the log is aligned text (time, level, role, message); --log-format json keeps JSON there', async () => {
    await server?.stop();
    server = undefined;
    const start = (extra: string) => run('script', ['-qfec',
      `timeout -s INT 10 ${process.execPath} ${CLI} start --data ${data} --admin-address 127.0.0.1 --admin-port 0 --no-sip ${extra}`, '/dev/null'],
    { env: { ...process.env, OPENUM_LOG_LEVEL: '', NO_COLOR: '1' }, timeoutMs: 30_000 });
    const tty = await start('--log-level info');
    assert.match(tty.stdout, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}main {11}admin API listening {2}component=admin-api address=127\.0\.0\.1 port=\d+/m, tty.stdout);
    assert.match(tty.stdout, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}main {11}stopping {2}signal=SIGINT/m);
    assert.doesNotMatch(tty.stdout, /\{"level"/);
    const json = await start('--log-format json');
    assert.match(json.stdout, /^\{"level":30,"time":\d+,"pid":\d+,"proc":"main","component":"admin-api".*"msg":"admin API listening"\}\r?$/m, json.stdout);
    const quiet = await start('--log-level warn');
    assert.doesNotMatch(quiet.stdout, /INFO/);
    const bad = await cli(['start', '--log-level', 'loud'], { data });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-level must be one of fatal, error, warn, info, debug, trace, silent/);
  });
});
