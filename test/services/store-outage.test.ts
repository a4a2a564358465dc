// PostgreSQL goes away while the server runs (issue 10, store outage). `openum start` reaches the
// real PostgreSQL through a TCP proxy the test cuts (cuttable-proxy.ts); the test reads the store
// directly. SIPp leaves a message at a worker; once recording has begun the proxy is cut: the call
// goes on and ends normally, a new INVITE gets 503 "store unreachable" with Retry-After from the
// Call Router, the UM service and the worker, /ready fails its store check, the admin API answers
// 503 STORE_UNAVAILABLE. After restore(), without a restart, the message is stored once and
// mailed once (smtp-server as the receiving peer), the refusals are in `openum refusals` and
// /metrics, and a new call leaves a message as usual.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/database.js';
import { PENDING_DIR } from '../../src/services/voicemail/pending-messages.js';
import { api } from '../support/api.js';
import { cuttableProxy, type CuttableProxy } from '../support/cuttable-proxy.js';
import { cliJson } from '../support/openum.js';
import { runSipp, sippAvailable, type SippResult } from '../support/peers/sipp.js';
import { cutPcap, repackPcap, renderVoicemailScenario, SIPP_G711A, sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { freshSchema, postgresBaseUrl, type PgTarget } from '../support/postgres.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { tempDir } from '../support/run.js';
import { headerOf, must, request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';
import { smtpSink, waitFor, type SmtpSink } from '../support/voicemail.js';
import { greetingSeconds } from '../support/voicemail-server.js';

const ADDRESS = '127.0.133.10';
const SMTP_ADDRESS = '127.0.133.11';
const PROXY_ADDRESS = '127.0.133.12';
const PROBE_FROM = '127.0.133.10';
const RTP_PORTS = '41000-41999';

const base = await postgresBaseUrl();
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing()].filter(Boolean).join(', ');
const skip = !base ? 'no PostgreSQL on 127.0.0.1:5432 (set OPENUM_TEST_PG_URL, or run in CI where it is required)' : missing ? `not installed: ${missing}` : false;
if (missing && process.env.CI === 'true') throw new Error(`CI: store-outage needs ${missing}`);

interface Row { id: number; message_key: string; state: string; delivery: string; call_id: string; duration_ms: number; end_reason: string | null }

describe('store outage: PostgreSQL goes away and comes back while calls run', { skip, timeout: 240_000 }, () => {
  let pg: PgTarget;
  let proxy: CuttableProxy;
  let direct: Store;
  let sink: SmtpSink;
  let site: UmSite;
  let cleanup: (() => void) | undefined;
  /** SIPp's g711a.pcap in 20 ms packets, cut to 5 s (call A) and 3 s (call B). */
  let pcaps: { a: string; b: string };
  const greetingMs = Math.round(greetingSeconds('1000') * 1000) + 150;

  before(async () => {
    pg = await freshSchema(base ?? '');
    const target = new URL(base ?? '');
    proxy = await cuttableProxy(PROXY_ADDRESS, { host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(pg.url);
    viaProxy.host = `${PROXY_ADDRESS}:${proxy.port}`;
    // Every openum process of this test (CLI and server) reaches the store through the proxy.
    process.env.OPENUM_DATABASE_URL = viaProxy.toString();
    sink = await smtpSink(SMTP_ADDRESS);
    const work = tempDir('openum-outage-');
    cleanup = work.cleanup;
    const audio = repackPcap(SIPP_G711A, join(work.path, 'audio-20ms.pcap'), 20);
    const made = Promise.all([audio.then((p) => cutPcap(p, join(work.path, 'a.pcap'), 5)), audio.then((p) => cutPcap(p, join(work.path, 'b.pcap'), 3))]);
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', RTP_PORTS], data);
        await must(['smtp', 'set', '--host', SMTP_ADDRESS, '--port', String(sink.port), '--security', 'none', '--from', 'um@contoso.test'], data);
      },
    });
    // The test's own view of the store, not through the proxy.
    direct = await openStore({ dataDir: site.data, databaseUrl: pg.url });
    const [a, b] = await made;
    pcaps = { a, b };
  });
  after(async () => {
    proxy?.restore();
    await site?.stop();
    await direct?.close();
    await sink?.close();
    await proxy?.close();
    await pg?.drop();
    cleanup?.();
  });

  const rows = async (): Promise<Row[]> => (await direct.db.selectFrom('voice_messages')
    .select(['id', 'message_key', 'state', 'delivery', 'call_id', 'duration_ms', 'end_reason']).orderBy('id').execute()) as unknown as Row[];

  function leaveMessage(name: string, audioPcap: string, audioMs: number): Promise<SippResult> {
    const scenario = renderVoicemailScenario(join(site.tmp.path, `${name}.xml`), { ending: 'hangup', audioPcap, greetingMs, audioMs });
    return runSipp({
      scenario, target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 60, mediaPort: 33000, localPort: 15133,
      keys: { service: '4000', from_user: '+15551230001' }, headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
    });
  }

  /** A bare INVITE to `port` (no SDP: a call refused before its offer is looked at). */
  const invite = (port: number) => udpExchange({ address: ADDRESS, port }, request('INVITE', `sip:4000@${ADDRESS}:${port}`, PROBE_FROM, 15134,
    [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`]), { from: PROBE_FROM, timeoutMs: 1500 });

  it('a call in progress records while the store is away; new calls get 503; after it returns the message is stored and mailed once', async () => {
    const callA = leaveMessage('during-outage', pcaps.a, 5300);
    const recording = await waitFor('call A recording (its row in the store)', async () => (await rows()).find((r) => r.state === 'recording'), 30_000);

    proxy.cut();
    const cutAt = Date.now();
    const figures: Record<string, number> = {};
    const ready = await waitFor('/ready to fail its store check', async () => {
      const r = await api(site.server.port, 'GET', '/ready');
      return r.status === 503 && (r.json() as { checks: { store: { ok: boolean } } }).checks.store.ok === false ? r : undefined;
    });
    assert.match((ready.json() as { checks: { store: { problem: string } } }).checks.store.problem, /unreachable/);
    const during = await api(site.server.port, 'GET', '/metrics');
    assert.equal(during.status, 200, '/metrics answers during the outage');
    assert.match(during.body, /^openum_store_up 0$/m);

    // Each role refuses a new call once its own view of the store has turned (each probes it).
    for (const [role, port] of [['Call Router', 5060], ['UM service', 5062], ['worker', 5065]] as const) {
      const reply = await waitFor(`503 from the ${role}`, async () => {
        const r = await invite(port);
        return statusOf(r).status === 503 ? r : undefined;
      });
      figures[`${role} 503 after cut (ms)`] = Date.now() - cutAt;
      assert.equal(statusOf(reply).reason, 'Service Unavailable - store unreachable', role);
      assert.equal(headerOf(reply, 'Retry-After'), '30', role);
    }
    const refusedApi = await api(site.server.port, 'GET', '/api/users', { token: site.token });
    assert.equal(refusedApi.status, 503);
    assert.equal(refusedApi.headers['retry-after'], '30');
    const body = refusedApi.json() as { error: string; message: string };
    assert.equal(body.error, 'STORE_UNAVAILABLE');
    assert.match(body.message, /GET \/ready/, 'the API message speaks API words');

    // The call in progress is not cut: it ends with the caller's BYE, answered.
    const a = await callA;
    assert.equal(a.successful, 1, `SIPp: ${a.errors}\n${a.messages.slice(-2000)}\n${site.server.stderr().slice(-3000)}`);
    const pendingDir = join(site.data, PENDING_DIR);
    await waitFor('the message waiting on local disk', () => existsSync(pendingDir) && readdirSync(pendingDir).some((f) => f === `${recording.message_key}.json`));
    assert.equal((await rows()).find((r) => r.id === recording.id)?.state, 'recording', 'nothing reached the store meanwhile');
    assert.equal(sink.received.length, 0);

    proxy.restore();
    const restoredAt = Date.now();
    const stored = await waitFor('the message stored and delivered', async () => {
      const r = (await rows()).find((x) => x.id === recording.id);
      return r?.state === 'stored' && r.delivery === 'delivered' ? r : undefined;
    }, 60_000);
    figures['stored and mailed after restore (ms)'] = Date.now() - restoredAt;
    assert.equal(stored.end_reason, 'hangup');
    assert.ok(stored.duration_ms > 4000, `duration ${stored.duration_ms} ms (5 s of audio sent)`);
    assert.equal((await rows()).filter((r) => r.call_id === recording.call_id).length, 1, 'one row for the call');
    assert.ok(!readdirSync(pendingDir).some((f) => f.endsWith('.json')), 'nothing waits any more');
    await waitFor('/ready again', async () => (await api(site.server.port, 'GET', '/ready')).status === 200);
    assert.equal((await api(site.server.port, 'GET', '/api/users', { token: site.token })).status, 200);

    // The refusals are where every refusal is: openum refusals and /metrics.
    const refusals = await cliJson<{ status: number; reason: string; role: string }[]>(['refusals'], { data: site.data });
    const outage = refusals.filter((r) => r.reason === 'Service Unavailable - store unreachable');
    assert.deepEqual([...new Set(outage.map((r) => r.role))].sort(), ['callRouter', 'umService', 'worker']);
    const metrics = (await api(site.server.port, 'GET', '/metrics')).body;
    assert.match(metrics, /openum_sip_refusals_total\{role="call-router",status="503"[^}]*\} [1-9]/);
    assert.match(metrics, /^openum_store_up 1$/m);
    assert.doesNotMatch(metrics, /openum_process_restarts_total\{[^}]*\} [1-9]/, 'no worker or Call Router process exited');

    // New calls are answered again (through the Call Router too), and the first message is not
    // mailed a second time: call B's message is, after it.
    assert.equal(statusOf(await invite(5060)).status, 302, 'the Call Router routes again');
    const before = new Set((await rows()).map((r) => r.id));
    const b = await leaveMessage('after-outage', pcaps.b, 3300);
    assert.equal(b.successful, 1, `SIPp: ${b.errors}\n${b.messages.slice(-2000)}`);
    await waitFor('call B delivered', async () => (await rows()).find((r) => !before.has(r.id) && r.state === 'stored' && r.delivery === 'delivered'), 30_000);
    await waitFor('two mails', () => sink.received.length >= 2);
    console.log(`store outage figures: ${JSON.stringify(figures)}`);
    const ids = sink.received.map((m) => m.parsed.messageId);
    assert.equal(ids.length, 2, `mails: ${ids.join(', ')}`);
    assert.equal(ids.filter((id) => id === `<${recording.message_key}.voicemail@um.contoso.test>`).length, 1, 'call A mailed exactly once');
  });
});
