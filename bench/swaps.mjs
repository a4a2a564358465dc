#!/usr/bin/env node
// `npm run swaps`: SWAPS certificate swaps while voice-mail calls run. Two self-signed
// certificates for the server's FQDN; the admin API enables one, then the other, for UM and
// UMCallRouter (POST /api/certificates/{thumbprint}/enable). After each swap, fresh TLS handshakes
// to every SIP TLS listener (Call Router 5061, UM service 5063, workers 5066/5068) must present the
// certificate just enabled (retried until they do, bounded), a SIP request goes over each fresh
// connection (INVITE to the Call Router: its final response and ACK; OPTIONS elsewhere: 200), and
// one TLS connection per listener opened before the first swap must still answer OPTIONS (open
// connections keep their context). Meanwhile SIPp places full-path voice-mail calls over UDP
// (Call Router -> UM service -> worker, greeting, audio, BYE) in two staggered lanes of batches.
// Reports swaps, calls attempted/failed, handshakes and the certificate each saw, RSS of the main
// process, Call Router and workers at start, after 10 % of the swaps and at the end, and the time.
// Exit 1 when a call failed, a listener kept presenting the old certificate, a request failed, or
// private memory (RssAnon, the floor of the readings in a window) grew SWAPS_MAX_GROWTH % or more both from the 10-20 %
// window of the swaps and from the 50-60 % window to the last 10 % (no plateau).
// Not a test: bounded by SWAPS and SWAPS_MAX_MINUTES; everything on SWAPS_ADDRESS (loopback);
// every process it starts is stopped by its PID. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { renderFullPath, sippArgs } from './lib/full-path.mjs';
import { gatewayPki } from './lib/gateway-pki.mjs';
import { growthPct, mbLine, prepareSite, privateByRole, roles, rssByRole, rssLine, RssSeries, SIP_PORTS, startSite } from './lib/openum-site.mjs';
import { kill, listening, Processes } from './lib/processes.mjs';
import { int } from './lib/settings.mjs';
import { options, SipTlsConnection, tlsCall } from './lib/sip-tls.mjs';
import { statRow } from './lib/sipp-stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SWAPS = int(env.SWAPS, 1000, 1, 100000);
const MAX_MINUTES = int(env.SWAPS_MAX_MINUTES, 40, 1, 600);
const MAX_GROWTH = int(env.SWAPS_MAX_GROWTH, 5, 1, 100);
const LANE_CALLS = int(env.SWAPS_LANE_CALLS, 100, 1, 10000);     // calls per SIPp batch
const LANE_RATE = int(env.SWAPS_LANE_RATE, 3, 1, 100);           // new calls/s per lane
const CALLS = env.SWAPS_CALLS !== 'off';                          // 'off': swaps alone (memory of the swaps only)
const SNAPSHOTS = env.SWAPS_HEAP_SNAPSHOTS === '1';              // heap snapshots of every process at 10 % and at the end
const SEE_NEW_MS = 20_000;                                       // a listener must present the new certificate within this
const ADDRESS = env.SWAPS_ADDRESS ?? '127.0.135.20';
if (!/^127\.\d+\.\d+\.\d+$/.test(ADDRESS)) throw new Error(`SWAPS_ADDRESS must be a loopback address (127.x.y.z), got ${ADDRESS}`);
const FQDN = 'um.swaps.test';
const GW_FQDN = 'gw.swaps.test';     // the TLS gateway (this script's node client, mutual TLS)
const TLS_EXTENSION = '6000';        // a user of the SIPSecured dial plan SEC
const WORK = mkdtempSync(join(tmpdir(), 'openum-swaps-'));
const log = (...a) => console.log(`${new Date().toISOString().slice(11, 19)} ${a.join(' ')}`);
const procs = new Processes(WORK, log, { stopGraceMs: 15_000 });

function api(port, token, method, path, body) {
  return new Promise((ok, fail) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ host: ADDRESS, port, method, path, rejectUnauthorized: false, agent: false, headers: {
      authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
    } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', fail);
    req.end(payload);
  });
}

/** SIPp batches one after another until `stop()`; counts calls attempted, ok and failed. */
function lane(i, files, deadline) {
  const totals = { batches: 0, attempted: 0, ok: 0, failed: 0, codes: [] };
  let stopping = false;
  const done = (async () => {
    while (!stopping && Date.now() < deadline - 60_000) {
      const n = totals.batches++;
      const stat = join(WORK, `lane${i}-${n}.csv`);
      const timeoutSec = Math.ceil(LANE_CALLS / LANE_RATE) + 90;
      const args = sippArgs({ address: ADDRESS, routerPort: SIP_PORTS.router, ...files, calls: LANE_CALLS, concurrency: 200, rate: LANE_RATE,
        timeoutSec, statFile: stat, errorFile: join(WORK, `lane${i}-${n}-errors.log`), sipPort: 15060 + 2 * i, mediaPort: 16000 + 200 * i });
      const p = procs.start(`sipp-lane${i}-${n}`, 'sipp', args, WORK, { cwd: WORK });
      const hard = timer(() => kill(p.child.pid, 'SIGKILL'), (timeoutSec + 20) * 1000);
      const code = await p.exited;
      clearTimeout(hard);
      procs.started.splice(procs.started.indexOf(p), 1);
      const st = statRow(stat);
      const ok = Number(st['SuccessfulCall(C)'] ?? 0);
      totals.attempted += LANE_CALLS;
      totals.ok += ok;
      totals.failed += LANE_CALLS - ok;
      if (code !== 0) totals.codes.push(code);
    }
  })();
  return { totals, stop: () => { stopping = true; return done; } };
}


/** SIGUSR2 to every process (started with --heapsnapshot-signal), one at a time; waits for each file. */
async function heapSnapshots(mainPid, dir, label) {
  const r = roles(mainPid);
  for (const [role, pids] of Object.entries({ main: r.main, callRouter: r.callRouter, workers: r.workers })) {
    for (const pid of pids) {
      const before = new Set(readdirSync(dir));
      kill(pid, 'SIGUSR2');
      let file;
      for (let i = 0; i < 600 && !file; i++) {
        await sleep(100);
        file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
      }
      if (!file) { log(`no heap snapshot from ${role} ${pid}`); continue; }
      let size = -1;
      for (let i = 0; i < 600; i++) { // written when its size stops changing
        await sleep(500);
        const now = statSync(join(dir, file)).size;
        if (now === size && now > 0) break;
        size = now;
      }
      renameSync(join(dir, file), join(dir, `${label}-${role}-${pid}.heapsnapshot`));
    }
  }
  log(`heap snapshots (${label}) in ${dir}`);
}

async function main() {
  if (spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 10_000 }).error) throw new Error('sipp is not installed (Debian: apt-get install sip-tester)');
  const t0 = Date.now();
  const deadline = t0 + MAX_MINUTES * 60_000;
  log(`OpenUM certificate swaps: ${SWAPS} swaps of the UM and UMCallRouter certificate while calls run (2 SIPp lanes, ${LANE_RATE} calls/s each), ` +
    `on ${ADDRESS}; budget ${MAX_MINUTES} min`);
  log(`work dir (server log, SIPp stats): ${WORK}`);
  const files = renderFullPath({ root: ROOT, work: WORK, audioSeconds: 3, users: 50 });
  const data = join(WORK, 'data');
  const { token, cli } = await prepareSite({
    root: ROOT, data, address: ADDRESS, fqdn: FQDN, users: 50, settings: [
      ['callrouter', 'set', '--udp', 'on', '--startup-mode', 'Dual'],
      ['service', 'set', '--startup-mode', 'Dual', '--max-calls', '200', '--rtp-ports', '50000-59999'],
    ],
  });
  const pki = gatewayPki(join(WORK, 'pki'), GW_FQDN);
  const gw = { ca: pki.ca, cert: readFileSync(pki.cert), key: readFileSync(pki.key) };
  cli(['trust', 'add', gw.ca]);
  cli(['dialplan', 'new', 'SEC', '--extension-length', '4', '--security', 'SIPSecured']);
  cli(['gateway', 'new', 'GWTLS', '--address', GW_FQDN, '--dial-plan', 'SEC']);
  cli(['user', 'new', 'tls0', '--extension', TLS_EXTENSION, '--dial-plan', 'SEC', '--email', 'tls0@bench.test']);
  const certs = ['A', 'B'].map((name) => JSON.parse(cli(['certificate', 'new', '--subject', `CN=${FQDN}`, '--domain', FQDN, '--friendly-name', `swap ${name}`, '--json'])).thumbprint);
  cli(['certificate', 'enable', certs[0], '--services', 'UM,UMCallRouter']);
  log(`certificates: A ${certs[0]}, B ${certs[1]} (A enabled for UM and UMCallRouter before start)`);
  const snapshotDir = join(WORK, 'heap');
  mkdirSync(snapshotDir);
  const site = await startSite(procs, { root: ROOT, data, address: ADDRESS, cwd: snapshotDir,
    env: SNAPSHOTS ? { NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2`.trim() } : {} });
  const mainPid = site.proc.child.pid;
  const tlsPorts = [SIP_PORTS.routerTls, SIP_PORTS.serviceTls, ...SIP_PORTS.workersTls].filter((p) => listening('tcp', p, ADDRESS));
  log(`openum PID ${mainPid}, admin API ${ADDRESS}:${site.adminPort}; SIP TLS listeners: ${tlsPorts.join(', ')}`);
  if (!tlsPorts.includes(SIP_PORTS.routerTls) || !tlsPorts.includes(SIP_PORTS.serviceTls)) throw new Error('the Call Router or UM service TLS listener is missing');

  const lanes = [];
  if (CALLS) {
    lanes.push(lane(0, files, deadline));
    await sleep(Math.ceil(LANE_CALLS / LANE_RATE / 2) * 1000); // stagger: one lane's tail overlaps the other's head
    lanes.push(lane(1, files, deadline));
    await sleep(10_000);
  }
  const rss = { start: rssByRole(mainPid) };
  const series = new RssSeries();
  const privateSeries = new RssSeries(); // RssAnon per role: what is judged
  log(`RSS at start (calls running): ${rssLine(rss.start)}`);

  const persistent = new Map();
  const tlsOpts = { local: ADDRESS, cert: gw.cert, key: gw.key };
  for (const port of tlsPorts) persistent.set(port, await SipTlsConnection.open(ADDRESS, port, tlsOpts));
  const seen = Object.fromEntries(tlsPorts.map((p) => [p, { new: 0, old: 0, other: 0 }]));
  const problems = [];
  const statuses = {};
  const persistentOk = { ok: 0, failed: 0 };
  const lagMs = [];
  let swaps = 0;
  for (let i = 1; i <= SWAPS && Date.now() < deadline - 90_000; i++) {
    const target = certs[i % 2];
    const old = certs[(i + 1) % 2];
    const t = Date.now();
    const r = await api(site.adminPort, token, 'POST', `/api/certificates/${target}/enable`, { services: ['UM', 'UMCallRouter'] });
    if (r.status !== 200) { problems.push(`swap ${i}: enable answered ${r.status} ${r.body.slice(0, 200)}`); break; }
    let slowest = 0;
    const fresh = new Map();
    for (const port of tlsPorts) {
      let c;
      for (;;) {
        try { c = await SipTlsConnection.open(ADDRESS, port, tlsOpts); } catch (e) { problems.push(`swap ${i} port ${port}: ${e.message}`); c = undefined; break; }
        const tp = c.thumbprint;
        if (tp === target) { seen[port].new++; break; }
        seen[port][tp === old ? 'old' : 'other']++;
        c.close();
        c = undefined;
        if (Date.now() - t > SEE_NEW_MS) { problems.push(`swap ${i}: port ${port} still presents ${tp} ${SEE_NEW_MS / 1000} s after enabling ${target}`); break; }
        await sleep(50);
      }
      slowest = Math.max(slowest, Date.now() - t);
      if (c) fresh.set(port, c);
    }
    // A TLS call over the fresh connections (each presented the new certificate), then OPTIONS on the rest.
    const used = new Set();
    if (fresh.has(SIP_PORTS.routerTls)) {
      try {
        const call = await tlsCall(fresh, ADDRESS, SIP_PORTS.routerTls, TLS_EXTENSION);
        for (const port of call.ports) used.add(port);
        const key = `TLS call ${call.statuses.join(' ')}${call.error ? ` (${call.error})` : ''}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (!call.answered) problems.push(`swap ${i}: ${key}`);
      } catch (e) { problems.push(`swap ${i}: TLS call: ${e.message}`); }
    }
    for (const [port, c] of fresh) {
      if (!used.has(port)) {
        try {
          const key = `OPTIONS ${port} -> ${(await c.request(options(c, ADDRESS, port))).status}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
        } catch (e) { problems.push(`swap ${i} port ${port}: OPTIONS over the new connection: ${e.message}`); }
      }
      c.close();
    }
    lagMs.push(slowest);
    for (const [port, c] of persistent) {
      try {
        const res = await c.request(options(c, ADDRESS, port));
        if (res.status === 200) persistentOk.ok++; else persistentOk.failed++;
      } catch (e) {
        persistentOk.failed++;
        problems.push(`swap ${i}: the connection to ${port} opened before the swaps: ${e.message}`);
        persistent.set(port, await SipTlsConnection.open(ADDRESS, port, tlsOpts).catch(() => c));
      }
    }
    swaps = i;
    if (i % 5 === 0 || i === SWAPS) {
      series.add(i, rssByRole(mainPid));
      privateSeries.add(i, privateByRole(mainPid));
    }
    if (i === Math.ceil(SWAPS / 10)) {
      log(`after ${i} swaps (10 %): ${rssLine(rssByRole(mainPid))}`);
      if (SNAPSHOTS) await heapSnapshots(mainPid, snapshotDir, 'tenth');
    }
    if (i % 50 === 0) {
      const c = lanes.reduce((s, l) => ({ ok: s.ok + l.totals.ok, failed: s.failed + l.totals.failed }), { ok: 0, failed: 0 });
      log(`${i}/${SWAPS} swaps, last seen everywhere after ${slowest} ms; calls finished ok ${c.ok}, failed ${c.failed}; ${rssLine(rssByRole(mainPid))}`);
    }
    if (problems.length > 20) break;
  }
  log(`after ${swaps} swaps (calls running): ${rssLine(rssByRole(mainPid))}`);
  if (SNAPSHOTS) await heapSnapshots(mainPid, snapshotDir, 'end');
  // 10 % window: swaps 10-20 % of SWAPS; end window: the last 10 % (both while calls run).
  rss.tenth = series.window(SWAPS * 0.1, SWAPS * 0.2);
  rss.half = series.window(SWAPS * 0.5, SWAPS * 0.6);
  rss.end = series.window(SWAPS * 0.9, SWAPS);
  const priv = { tenth: privateSeries.window(SWAPS * 0.1, SWAPS * 0.2), half: privateSeries.window(SWAPS * 0.5, SWAPS * 0.6), end: privateSeries.window(SWAPS * 0.9, SWAPS) };
  for (const c of persistent.values()) c.close();
  await Promise.all(lanes.map((l) => l.stop()));
  await sleep(5000);
  rss.idle = rssByRole(mainPid);
  await procs.stopAll();

  const calls = lanes.reduce((s, l) => ({ attempted: s.attempted + l.totals.attempted, ok: s.ok + l.totals.ok, failed: s.failed + l.totals.failed, batches: s.batches + l.totals.batches }),
    { attempted: 0, ok: 0, failed: 0, batches: 0 });
  // Judged on private memory (RssAnon): RSS also counts the node binary's pages a process has
  // touched, shared and reclaimable (bench/lib/openum-site.mjs privateByRole). Plateau: native memory
  // per SecureContext rises for the first few thousand contexts and then stays (measured in plain
  // Node 20, docs/RELIABILITY.md); what still grows over the second half of a run is kept memory.
  const growth = Object.fromEntries(['main', 'callRouter', 'workers'].map((k) => [k, growthPct(priv.tenth.floor[k], priv.end.floor[k])]));
  const lateGrowth = Object.fromEntries(['main', 'callRouter', 'workers'].map((k) => [k, growthPct(priv.half.floor[k], priv.end.floor[k])]));
  const rssGrowth = Object.fromEntries(['main', 'callRouter', 'workers'].map((k) => [k, growthPct(rss.tenth.floor[k], rss.end.floor[k])]));
  const sameProcs = JSON.stringify(rss.start.pids) === JSON.stringify(rss.idle.pids);
  lagMs.sort((a, b) => a - b);
  const pct = (q) => lagMs[Math.min(lagMs.length - 1, Math.floor(lagMs.length * q))] ?? NaN;
  const badStatus = Object.entries(statuses).filter(([k]) => (k.startsWith('OPTIONS') ? !k.endsWith('200') : k !== 'TLS call 302 302 200 200'));
  const checks = [
    [`${SWAPS} swaps done`, swaps === SWAPS, `${swaps}`],
    ['no failed call', calls.failed === 0 && (calls.ok > 0 || !CALLS), `attempted ${calls.attempted} in ${calls.batches} SIPp batches, ok ${calls.ok}, failed ${calls.failed}`],
    ['fresh handshakes see the new certificate', problems.length === 0,
      `per port new/old: ${tlsPorts.map((p) => `${p} ${seen[p].new}/${seen[p].old}${seen[p].other ? ` (+${seen[p].other} other)` : ''}`).join(', ')}; time to see it on every port p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${lagMs.at(-1)} ms`],
    ['requests over the new connections answered', badStatus.length === 0, JSON.stringify(statuses)],
    ['connections opened before the swaps still answer', persistentOk.failed === 0, `${persistentOk.ok} OPTIONS answered 200, ${persistentOk.failed} not`],
    [`private memory (RssAnon) floor per role grew < ${MAX_GROWTH} % from the 10-20 % window of the swaps to the last 10 %, or < ${MAX_GROWTH} % from the 50-60 % window (a plateau)`,
      ['main', 'callRouter', 'workers'].every((k) => growth[k] < MAX_GROWTH || lateGrowth[k] < MAX_GROWTH) && sameProcs,
      `from 10-20 %: main ${growth.main.toFixed(1)} %, call router ${growth.callRouter.toFixed(1)} %, workers ${growth.workers.toFixed(1)} %; `
      + `from 50-60 %: main ${lateGrowth.main.toFixed(1)} %, call router ${lateGrowth.callRouter.toFixed(1)} %, workers ${lateGrowth.workers.toFixed(1)} %${sameProcs ? '' : ' (processes restarted!)'}; `
      + `RSS from 10-20 % (not judged): main ${rssGrowth.main.toFixed(1)} %, call router ${rssGrowth.callRouter.toFixed(1)} %, workers ${rssGrowth.workers.toFixed(1)} %`],
  ];
  log(`RSS at start (before the first swap): ${rssLine(rss.start)}`);
  log(`RSS 10-20 % window floor: ${mbLine(rss.tenth.floor)} (${rss.tenth.n} readings; peak ${mbLine(rss.tenth.peak)})`);
  log(`RSS 50-60 % window floor: ${mbLine(rss.half.floor)} (${rss.half.n} readings; peak ${mbLine(rss.half.peak)})`);
  log(`RSS last 10 % floor:      ${mbLine(rss.end.floor)} (${rss.end.n} readings; peak ${mbLine(rss.end.peak)})`);
  log(`RSS idle (calls over):    ${rssLine(rss.idle)}`);
  log(`private (RssAnon) floor:  10-20 % ${mbLine(priv.tenth.floor)}; 50-60 % ${mbLine(priv.half.floor)}; last 10 % ${mbLine(priv.end.floor)}`);
  for (const [what, ok, detail] of checks) log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${detail}`);
  for (const p of problems.slice(0, 10)) log(`  problem: ${p}`);
  const minutes = (Date.now() - t0) / 60_000;
  log(`duration ${minutes.toFixed(1)} min`);
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ swaps, certs, calls, seen, statuses, persistentOk, lagMs: { p50: pct(0.5), p99: pct(0.99), max: lagMs.at(-1) },
    rss, private: priv, series: series.samples.map((x) => ({ swaps: x.progress, main: x.main, callRouter: x.callRouter, workers: x.workers })), growthPct: growth, lateGrowthPct: lateGrowth, problems, checks: checks.map(([what, ok, detail]) => ({ what, ok, detail })), minutes }, null, 2));
  log(`details: ${join(WORK, 'results.json')}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

main().then(() => procs.stopAll()).catch(async (e) => {
  console.error(`swaps failed: ${e?.stack ?? e}`);
  await procs.stopAll();
  process.exitCode = 1;
});
