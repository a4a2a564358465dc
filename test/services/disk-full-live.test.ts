// A full disk under a running `openum start`: the data directory is a 48 MiB tmpfs, filled to the
// last byte with one file. SIPp, as the gateway, calls a worker: 503 Service Unavailable - voice
// mail storage full, with Retry-After, in `openum refusals` and the metrics; no greeting, no row.
// A CLI change and an API change name the full disk (DISK_FULL), not "cannot rollback". Freed,
// the disk takes calls again without a restart and the next message is stored. A call already
// recording when the disk fills keeps what reached the disk and ends with a BYE; after a restart
// the store and the WAV are whole and the message is there.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { bytesForCall } from '../../src/services/worker/disk-admission.js';
import { readWav } from '../support/audio-compare.js';
import { api } from '../support/api.js';
import { cli, cliJson, initData, startServer, type RunningServer } from '../support/openum.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { loopPcap, renderVoicemailScenario, repackPcap, SIPP_G711A, sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from '../support/tmpfs.js';
import { tempDir } from '../support/run.js';
import { must } from '../support/um-setup.js';
import { waitFor } from '../support/voicemail.js';
import { audioFile, greetingSeconds, messageIds, userMessages, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.132.10';
const RTP_PORTS = '44200-44299';
const SIPP_MEDIA_PORT = 34200;
const SIPP_SIP_PORT = 16132;
const MAX_RECORDING_MINUTES = 1;
const NEEDED = bytesForCall(MAX_RECORDING_MINUTES);
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing()].filter(Boolean).join(', ');
const skip = tmpfsUnavailable() ?? (missing ? `not installed: ${missing}` : false);

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/metrics', rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Worker 1's last reading of the free space, from /metrics. */
async function workerFree(port: number): Promise<number | undefined> {
  const m = /^openum_data_disk_free_bytes\{process="worker-1"\} (\S+)$/m.exec(await metrics(port));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

describe('a full data disk', { skip, timeout: 240_000 }, () => {
  let disk: Tmpfs;
  let data: string;
  let token: string;
  let server: RunningServer;
  /** The caller's files (pcaps, scenarios): not on the server's disk. */
  let caller: ReturnType<typeof tempDir>;
  let audioPcap: string;
  const greetingMs = Math.round(greetingSeconds('1000') * 1000) + 150;
  const diversion = `Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`;
  const start = () => startServer(data, { args: ['--sip-address', ADDRESS], sip: true });

  before(async () => {
    caller = tempDir('openum-disk-caller-');
    disk = mountTmpfs(48 << 20);
    data = join(disk.path, 'data');
    ({ token } = await initData(data, 'um.contoso.test'));
    await must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000', '--max-recording-minutes', String(MAX_RECORDING_MINUTES)], data);
    await must(['gateway', 'new', 'GW', '--address', ADDRESS, '--dial-plan', 'DP'], data);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test'], data);
    await must(['service', 'set', '--rtp-ports', RTP_PORTS], data);
    audioPcap = await repackPcap(SIPP_G711A, join(caller.path, 'audio-20ms.pcap'), 20);
    server = await start();
  });
  after(async () => {
    await server?.stop();
    disk?.unmount();
    caller?.cleanup();
  });

  // Figures for docs/RELIABILITY.md ("Full disk"): how long until worker 1's reading follows.
  const fill = async () => {
    const t0 = Date.now();
    disk.fill();
    await waitFor('worker 1 to read the full disk', async () => { const f = await workerFree(server.port); return f !== undefined && f < NEEDED; });
    console.log(`full disk (${disk.freeBytes()} bytes free, ${NEEDED} needed) seen by worker 1 after ${Date.now() - t0} ms`);
  };
  const free = async () => {
    const t0 = Date.now();
    disk.free();
    await waitFor('worker 1 to read the freed disk', async () => { const f = await workerFree(server.port); return f !== undefined && f >= NEEDED; });
    console.log(`freed disk (${disk.freeBytes()} bytes free) seen by worker 1 after ${Date.now() - t0} ms`);
  };

  it('refuses a new call with 503 and Retry-After, logs it as a refusal, and writes nothing', async () => {
    await fill();
    const known = await messageIds(data, 'alice');
    const r = await runSipp({
      scenario: 'uac-503', target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 20, localPort: SIPP_SIP_PORT, mediaPort: SIPP_MEDIA_PORT,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [diversion],
    });
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-2000)}\n${server.stderr().slice(-2000)}`);
    assert.match(r.logs, /^status=SIP\/2\.0 503 Service Unavailable - voice mail storage full\s*$/m);
    assert.match(r.logs, /^retry-after=\s*120\s*$/m);
    console.log(`refused: ${/^status=(.*)$/m.exec(r.logs)?.[1]?.trim()}, Retry-After ${/^retry-after=(.*)$/m.exec(r.logs)?.[1]?.trim()}`);
    const refusals = await cliJson<{ status: number; reason: string; role: string; gateway: string | null }[]>(['refusals'], { data });
    const mine = refusals.find((x) => x.status === 503 && x.reason === 'Service Unavailable - voice mail storage full');
    assert.ok(mine, JSON.stringify(refusals));
    assert.equal(mine.role, 'worker');
    assert.equal(mine.gateway, 'GW');
    assert.match(await metrics(server.port), /^openum_sip_refusals_total\{[^}]*role="worker"[^}]*status="503"[^}]*\} [1-9]/m);
    assert.deepEqual(await messageIds(data, 'alice'), known, 'no message row for a refused call');
    assert.match(server.stdout() + server.stderr(), /voice mail storage full: new calls are refused/);
  });

  it('a CLI or API change names the full disk, not a failed rollback, and changes nothing', async () => {
    const r = await cli(['user', 'new', 'carol', '--extension', '1002', '--dial-plan', 'DP', '--email', 'carol@contoso.test'], { data });
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: the disk holding ${data} is full \\(\\d+ bytes free\\): free space, then try again`));
    assert.doesNotMatch(r.stderr, /rollback|no transaction/);
    console.log(`openum user new (exit ${r.code}): ${r.stderr.trim()}`);
    const a = await api(server.port, 'POST', '/api/users', { token, body: { name: 'dave', extension: '1003', dialPlan: 'DP', email: 'dave@contoso.test' } });
    assert.equal(a.status, 507, a.body);
    const body = a.json() as { error: string; message: string };
    assert.equal(body.error, 'DISK_FULL');
    assert.match(body.message, /^the disk holding \S+ is full/);
    console.log(`POST /api/users: ${a.status} ${a.body}`);
  });

  it('takes calls again once space is freed, without a restart, and stores the message', async () => {
    await free();
    const users = await cliJson<{ name: string }[]>(['user', 'list'], { data });
    assert.deepEqual(users.map((u) => u.name), ['alice'], 'the refused changes left nothing');
    const known = await messageIds(data, 'alice');
    const scenario = renderVoicemailScenario(join(caller.path, 'hangup.xml'), { ending: 'hangup', audioPcap, greetingMs, audioMs: 4000 });
    const r = await runSipp({
      scenario, target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 45, localPort: SIPP_SIP_PORT, mediaPort: SIPP_MEDIA_PORT,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [diversion],
    });
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-2000)}\n${server.stderr().slice(-2000)}`);
    const m = await waitForMessage(data, 'alice', known);
    assert.equal(m.state, 'stored');
    assert.ok(Math.abs(m.durationMs - 4150) <= 300, `duration ${m.durationMs} ms`);
    assert.equal(readWav(audioFile(data, m)).sampleRate, 8000);
    assert.match(server.stdout() + server.stderr(), /voice mail storage has room again: new calls are accepted/);
  });

  it('a call recording when the disk fills keeps what was written, ends with BYE, is stored once space returns, and is whole after a restart', async () => {
    const known = await messageIds(data, 'alice');
    const long = await loopPcap(audioPcap, join(caller.path, 'audio-40s.pcap'), 40);
    const scenario = renderVoicemailScenario(join(caller.path, 'fills.xml'), { ending: 'dtmf', audioPcap: long, greetingMs, byeWaitMs: 60_000 });
    const call = runSipp({
      scenario, target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 90, localPort: SIPP_SIP_PORT, mediaPort: SIPP_MEDIA_PORT,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [diversion],
    });
    // Fill once the recording has 3 s of audio in its WAV (16,000 bytes a second after the header).
    const wavs = () => (existsSync(join(data, 'voicemail')) ? readdirSync(join(data, 'voicemail')) : []).filter((f) => f.endsWith('.wav'));
    const before = new Set(wavs());
    await waitFor('3 s of the recording on the disk', () => wavs().some((f) => !before.has(f) && statSync(join(data, 'voicemail', f)).size >= 44 + 3 * 16_000), 30_000);
    disk.fill();
    const r = await call;
    console.log(`the full disk cut the recording; the call ended after ${r.wallMs} ms (the caller's audio lasts 40 s)`);
    assert.equal(r.successful, 1, `the worker ended the call with BYE: ${r.errors}\n${r.messages.slice(-2000)}\n${server.stderr().slice(-3000)}`);
    assert.match(server.stdout() + server.stderr(), /could not finish the recording file; keeping what was written/);
    // Space back: the worker completes the row the full store refused, without a restart.
    const t0 = Date.now();
    disk.free();
    const m = await waitForMessage(data, 'alice', known, 30_000);
    assert.equal(m.state, 'stored');
    const wav = readWav(audioFile(data, m));
    console.log(`space freed: message ${m.id} ${m.state} after ${Date.now() - t0} ms, ${m.durationMs} ms, end reason ${m.endReason}; WAV ${wav.durationSec.toFixed(2)} s`);
    assert.ok(wav.durationSec >= 2.5 && Math.abs(wav.durationSec - m.durationMs / 1000) <= 0.05, `WAV ${wav.durationSec} s, row ${m.durationMs} ms`);
    // A restart finds the store and the file whole, and the recovery adds nothing twice.
    await server.stop();
    server = await start();
    const sqlite = new SqliteDatabase(join(data, 'openum.db'), { readonly: true });
    try {
      assert.deepEqual(sqlite.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    } finally {
      sqlite.close();
    }
    const after = await userMessages(data, 'alice');
    assert.equal(after.filter((x) => x.state === 'stored').length, known.length + 1);
    assert.equal(after.find((x) => x.id === m.id)?.durationMs, m.durationMs);
    assert.equal(readWav(audioFile(data, m)).durationSec, wav.durationSec);
  });
});
