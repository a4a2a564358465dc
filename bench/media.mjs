#!/usr/bin/env node
// `npm run bench:media`: how many simultaneous voice-mail calls OpenUM's two UM workers carry with
// clean media. A ladder of N simultaneous SIPp calls (UDP, straight to the workers 5065/5067,
// half each), every call diverted to one of N users: INVITE -> 200 -> ACK -> g711a.pcap (20 ms
// packets, looped to the call's length) -> BYE after BENCH_SECONDS. Per step it prints calls
// established/failed, RTP loss (the workers' 'call ended' lines: sum(lost)/sum(expected)), the
// greeting's jitter p99 as received (tshark on lo, a bounded sample of streams: deviation of each
// inter-arrival from 20 ms), the workers' CPU and RSS per call; then the largest N with loss < 0.1 %
// and jitter p99 < 5 ms. Not a test. Everything runs on 127.0.55.50; every SIPp and tshark run is
// bounded in calls, packets and time; every process this script starts is stopped by its PID.
// Settings (environment): BENCH_SECONDS (default 30), BENCH_MAX_CALLS (default 1000),
// BENCH_STEPS (default 50,100,200,400,700,1000), BENCH_STOP_ON (any|failed). See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearInterval, clearTimeout, setInterval, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loop, repack, SIPP_G711A } from '../test/fixtures/sipp/rtp-pcap.mjs';
import { cmdline, kill, listening, Processes, procTable, ticks } from './lib/processes.mjs';
import { int } from './lib/settings.mjs';
import { statRow } from './lib/sipp-stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SECONDS = int(env.BENCH_SECONDS, 30, 3, 120);
const MAX_CALLS = int(env.BENCH_MAX_CALLS, 1000, 2, 2000);
const STEPS = (env.BENCH_STEPS ?? '50,100,200,400,700,1000').split(',').map((s) => int(s.trim(), 0, 2, 2000)).filter((n) => n <= MAX_CALLS);
if (!STEPS.length || STEPS[STEPS.length - 1] < MAX_CALLS && !env.BENCH_STEPS) STEPS.push(MAX_CALLS);
// 'any' (default): the ladder stops at the first step that is not clean; 'failed': only when calls fail
const STOP_ON = env.BENCH_STOP_ON === 'failed' ? 'failed' : 'any';
const ADDRESS = '127.0.55.50';
const RTP = { min: 40000, max: 49999 };
const WORKER_PORTS = [5065, 5067];
const SIPP_PORTS = [{ sip: 15060, media: 20000 }, { sip: 15062, media: 22000 }];
const SAMPLE_STREAMS = 40;           // greeting streams captured per step (at most)
const MAX_CAPTURE_PACKETS = 200_000;
const LOSS_LIMIT = 0.001;            // 0.1 %
const JITTER_LIMIT_MS = 5;
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const TEMPLATE = join(ROOT, 'test', 'fixtures', 'sipp', 'uac-voicemail.xml');
const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const CPUS = readdirSync('/sys/devices/system/cpu').filter((c) => /^cpu\d+$/.test(c)).length || 1;
const WORK = mkdtempSync(join(tmpdir(), 'openum-bench-media-'));
const log = (...a) => console.log(...a);

// ---------------------------------------------------------------- processes, by PID only
const procs = new Processes(WORK, log, { stopGraceMs: 8000 });
const start = (...a) => procs.start(...a);
const stopProc = (p) => procs.stop(p);
const stopAll = () => procs.stopAll();

// ---------------------------------------------------------------- OpenUM with N users
async function startOpenUm(users) {
  if (!existsSync(CLI)) throw new Error('dist/ missing: run npm run build first');
  const data = join(WORK, 'data');
  const env2 = { ...process.env, OPENUM_LOG_LEVEL: 'info' };
  const cli = (args) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], { encoding: 'utf8', timeout: 60_000, env: { ...env2, OPENUM_LOG_LEVEL: 'warn' } });
    if (r.status !== 0) throw new Error(`openum ${args.slice(0, 2).join(' ')}: ${(r.stderr || r.stdout || String(r.error ?? r.signal)).trim().slice(-400)}`);
    return r.stdout;
  };
  for (const port of [5060, 5062, ...WORKER_PORTS]) if (listening('udp', port, ADDRESS)) throw new Error(`udp ${ADDRESS}:${port} already in use`);
  cli(['init', '--fqdn', 'um.bench.test']);
  cli(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000']);
  cli(['gateway', 'new', 'GW', '--address', ADDRESS, '--dial-plan', 'DP']);
  cli(['service', 'set', '--max-calls', String(Math.max(100, users)), '--rtp-ports', `${RTP.min}-${RTP.max}`]);
  // N users through the store itself (one CLI process per user would take minutes)
  const imp = (p) => import(pathToFileURL(join(ROOT, 'dist', 'src', p)).href);
  const { openNode } = await imp('services/node.js');
  const { createUser } = await imp('org/users.js');
  const node = await openNode({ dataDir: data, actor: { name: 'bench' } });
  try {
    for (let i = 0; i < users; i++) await createUser(node.store.db, node.actor, `u${i}`, { extension: String(5000 + i), dialPlan: 'DP', email: `u${i}@bench.test` });
  } finally { await node.close(); }
  const p = start('openum', process.execPath, [CLI, 'start', '--data', data, '--admin-address', '127.0.0.1', '--admin-port', '0', '--sip-address', ADDRESS], data, { env: env2 });
  const until = Date.now() + 30_000;
  while (!WORKER_PORTS.every((port) => listening('udp', port, ADDRESS))) {
    if (p.child.exitCode !== null) throw new Error(`openum exited: ${readFileSync(join(WORK, 'openum.log'), 'utf8').slice(-1500)}`);
    if (Date.now() > until) throw new Error('openum workers not listening after 30 s');
    await sleep(200);
  }
  return { proc: p, data };
}
const workerPids = (pid) => procTable().filter((r) => r.ppid === pid && /worker\/main\.js/.test(cmdline(r.pid))).map((r) => r.pid);
const workerTicks = (pids) => procTable().filter((r) => pids.includes(r.pid)).reduce((s, r) => s + r.ticks, 0);
const rssKb = (pids) => pids.reduce((s, pid) => { try { return s + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return s; } }, 0);

// ---------------------------------------------------------------- SIPp scenario and pcap
function prepare() {
  const pcap20 = repack(SIPP_G711A, join(WORK, 'g711a-20ms.pcap'), 20);
  const looped = loop(pcap20, join(WORK, `g711a-${SECONDS}s.pcap`), SECONDS);
  let xml = readFileSync(TEMPLATE, 'utf8').replace(/[ \t]*<!-- ending dtmf -->[\s\S]*?<!-- \/ending dtmf -->\n?/, '');
  // each call diverted to the user in the injection file (one line per call, sequential)
  xml = xml.replace('Max-Forwards: 70[extra_headers]', 'Max-Forwards: 70\n      Diversion: <sip:[field0]@[remote_ip]>;reason=no-answer');
  xml = xml.split('[ruri_params]').join(''); // straight to the worker: no redirect token
  for (const [k, v] of Object.entries({ AUDIO_PCAP: looped, GREETING_MS: 0, AUDIO_MS: SECONDS * 1000, BYE_WAIT_MS: 0 })) xml = xml.split(`@${k}@`).join(String(v));
  const scenario = join(WORK, 'uac-voicemail-bench.xml');
  writeFileSync(scenario, xml);
  return scenario;
}


// ---------------------------------------------------------------- receiver-side jitter (tshark)
function startCapture(file, n) {
  // ports are allocated at random in the range: the first share of it samples ~SAMPLE_STREAMS streams
  const share = Math.min(1, SAMPLE_STREAMS / n);
  const top = RTP.min + Math.max(2, Math.floor((RTP.max - RTP.min) * share));
  const filter = `udp and src host ${ADDRESS} and src portrange ${RTP.min}-${top}`;
  const p = start(`tshark-${n}`, 'timeout', ['-k', '3', String(SECONDS + 30), 'tshark', '-i', 'lo', '-f', filter, '-F', 'pcap', '-w', file,
    '-c', String(MAX_CAPTURE_PACKETS), '-a', `duration:${SECONDS + 25}`, '-q'], file);
  return p;
}
async function captureReady(p) {
  for (let i = 0; i < 100; i++) {
    if (/Capturing on/.test(readFileSync(join(WORK, `${p.name}.log`), 'utf8'))) return true;
    if (p.child.exitCode !== null) return false;
    await sleep(100);
  }
  return false;
}
function jitterP99(file) {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'udp.srcport', '-e', 'udp.dstport'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) return { p99: NaN, streams: 0, samples: 0 };
  const by = new Map();
  for (const line of r.stdout.split('\n')) {
    const [t, sp, dp] = line.split(',');
    if (!t || Number(sp) % 2) continue; // RTCP on odd ports
    const k = `${sp}>${dp}`;
    (by.get(k) ?? by.set(k, []).get(k)).push(Number(t) * 1000);
  }
  const dev = [];
  for (const times of by.values()) {
    for (let i = 1; i < times.length; i++) {
      const d = times[i] - times[i - 1];
      if (d > 200) continue; // a pause in what the server plays, not jitter
      dev.push(Math.abs(d - 20));
    }
  }
  dev.sort((a, b) => a - b);
  return { p99: dev.length ? dev[Math.min(dev.length - 1, Math.floor(dev.length * 0.99))] : NaN, streams: by.size, samples: dev.length };
}

// ---------------------------------------------------------------- the workers' 'call ended' lines
function callEnded(since) {
  const out = [];
  for (const line of readFileSync(join(WORK, 'openum.log'), 'utf8').split('\n')) {
    if (!line.includes('"call ended"')) continue;
    try { const j = JSON.parse(line); if (j.msg === 'call ended' && j.rtp && j.time >= since) out.push(j); } catch { /* partial line */ }
  }
  return out;
}

// ---------------------------------------------------------------- one step: N simultaneous calls
async function step(n, scenario, server, workers) {
  const dir = join(WORK, `step-${n}`);
  mkdirSync(dir);
  const t0 = Date.now();
  const cap = startCapture(join(dir, 'greetings.pcap'), n);
  const capturing = await captureReady(cap);
  const ticks0 = workerTicks(workers);
  const machine0 = machineTicks();
  const rss0 = rssKb(workers);
  let rssPeak = rss0;
  // The load generator's CPU: SIPp and tshark exit at the end of the step, so their last reading counts.
  const generator = new Map();
  const sample = () => {
    rssPeak = Math.max(rssPeak, rssKb(workers));
    for (const r of procTable()) if (generatorPids.has(r.pid) && r.pid !== cap.child.pid) generator.set(r.pid, r.ticks);
    const t = ticks(cap.child.pid); // tshark runs under `timeout`: its ticks are a child's
    if (t > 0) generator.set(cap.child.pid, t);
  };
  const generatorPids = new Set([cap.child.pid]);
  const sampler = setInterval(sample, 500);
  const halves = [Math.ceil(n / 2), Math.floor(n / 2)].filter((c) => c > 0);
  const rate = Math.max(10, Math.ceil(n / 3)); // all calls up within ~3 s
  const runs = halves.map((calls, i) => {
    const users = join(dir, `users-${i}.csv`);
    writeFileSync(users, ['SEQUENTIAL', ...Array.from({ length: calls }, (_, j) => `${5000 + (i === 0 ? j : halves[0] + j)};`)].join('\n') + '\n');
    const timeoutSec = SECONDS + Math.ceil(calls / rate) + 40;
    const args = [`${ADDRESS}:${WORKER_PORTS[i]}`, '-sf', scenario, '-inf', users, '-t', 'u1', '-i', ADDRESS, '-mi', ADDRESS,
      '-p', String(SIPP_PORTS[i].sip), '-mp', String(SIPP_PORTS[i].media), '-s', '4000', '-key', 'from_user', 'bench',
      '-l', String(calls), '-m', String(calls), '-r', String(rate), '-rp', '1000', '-timeout', `${timeoutSec}s`, '-timeout_error',
      '-nostdin', '-buff_size', '4194304', '-trace_stat', '-stf', join(dir, `stat-${i}.csv`), '-fd', '1',
      '-trace_err', '-error_file', join(dir, `errors-${i}.log`)];
    const p = start(`sipp-${n}-${i}`, 'sipp', args, dir, { cwd: dir });
    generatorPids.add(p.child.pid);
    const hard = timer(() => kill(p.child.pid, 'SIGKILL'), (timeoutSec + 15) * 1000);
    return p.exited.then((code) => { clearTimeout(hard); const i2 = procs.started.indexOf(p); if (i2 >= 0) procs.started.splice(i2, 1); return { code, stat: statRow(join(dir, `stat-${i}.csv`)) }; });
  });
  const results = await Promise.all(runs);
  const wall = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  const cpu = ((workerTicks(workers) - ticks0) / HZ / wall) * 100;
  const machine = machineTicks();
  const machinePct = ((machine.busy - machine0.busy) / Math.max(1, machine.all - machine0.all)) * 100 * CPUS;
  const tsharkTicks = generator.get(cap.child.pid) ?? 0;
  const sippTicks = [...generator].filter(([pid]) => pid !== cap.child.pid).map(([, t]) => t);
  const sippPct = (sippTicks.reduce((a, b) => a + b, 0) / HZ / wall) * 100;
  const sippMaxPct = (Math.max(0, ...sippTicks) / HZ / wall) * 100;
  const tsharkPct = (tsharkTicks / HZ / wall) * 100;
  await stopProc(cap);
  const ok = results.reduce((s, r) => s + Number(r.stat['SuccessfulCall(C)'] ?? 0), 0);
  const failed = n - ok;
  // the workers log 'call ended' once the recording is on disk: wait for them
  let ended = callEnded(t0);
  for (let i = 0; i < 50 && ended.length < ok; i++) { await sleep(200); ended = callEnded(t0); }
  const lost = ended.reduce((s, c) => s + Number(c.rtp.lost ?? 0), 0);
  const expected = ended.reduce((s, c) => s + Number(c.rtp.expected ?? 0), 0);
  const sendP99 = ended.map((c) => Number(c.sendJitterP99Ms)).filter(Number.isFinite).sort((a, b) => a - b);
  const loopDelays = ended.map((c) => Number(c.mediaLoopDelayP99Ms)).filter(Number.isFinite);
  const jitter = capturing ? jitterP99(join(dir, 'greetings.pcap')) : { p99: NaN, streams: 0, samples: 0 };
  return {
    n, ok, failed, wall, ended: ended.length, lossPct: expected ? (100 * Math.max(0, lost)) / expected : NaN, lost, expected,
    jitterP99Ms: jitter.p99, jitterStreams: jitter.streams, jitterSamples: jitter.samples,
    serverSendP99Ms: sendP99.length ? sendP99[Math.floor(sendP99.length * 0.99)] ?? sendP99[sendP99.length - 1] : NaN,
    cpuPct: cpu, rssPerCallKb: (rssPeak - rss0) / n, rssPeakMb: rssPeak / 1024, sippCodes: results.map((r) => r.code),
    mediaLoopDelayP99Ms: loopDelays.length ? Math.max(...loopDelays) : NaN,
    cpuPerCallPct: cpu / Math.max(1, n), sippPct, sippMaxPct, tsharkPct, machinePct,
  };
}

// Busy and total clock ticks of the whole machine (/proc/stat), for "which limit was hit".
function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: all - idle, all };
}

/** Which limit a step met: the machine, the load generator (one SIPp is one thread), the server, or none. */
function limitOf(r) {
  const full = r.machinePct >= 0.9 * CPUS * 100;
  if (!clean(r) && full) return `machine full (${r.machinePct.toFixed(0)} %: workers ${r.cpuPct.toFixed(0)}, SIPp ${r.sippPct.toFixed(0)}, tshark ${r.tsharkPct.toFixed(0)})`;
  if (!clean(r) && r.sippMaxPct >= 90) return `load generator (a SIPp at ${r.sippMaxPct.toFixed(0)} % of a core)`;
  if (!clean(r)) {
    return `server: its workers used ${r.cpuPct.toFixed(0)} % of the machine's ${CPUS * 100} %, and the media event loop ran late by up to ` +
      `${Number.isNaN(r.mediaLoopDelayP99Ms) ? 'n/a' : r.mediaLoopDelayP99Ms.toFixed(1)} ms (p99): one media loop per worker is the limit, not the machine`;
  }
  return 'none';
}

const clean = (r) => r.failed === 0 && r.lossPct < LOSS_LIMIT * 100 && r.jitterP99Ms < JITTER_LIMIT_MS;

async function main() {
  for (const [bin, arg] of [['sipp', '-v'], ['tshark', '--version']]) {
    const r = spawnSync(bin, [arg], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw new Error(`${bin} is not installed (Debian: apt-get install sip-tester tshark)`);
  }
  if (!existsSync(SIPP_G711A)) throw new Error(`${SIPP_G711A} missing (package sip-tester)`);
  log(`OpenUM media benchmark: N simultaneous voice-mail calls of ${SECONDS} s (g711a.pcap, 20 ms, looped), steps ${STEPS.join(', ')}; ` +
    `${readdirSync('/sys/devices/system/cpu').filter((c) => /^cpu\d+$/.test(c)).length} CPUs`);
  log(`work dir (logs, SIPp stats, captures): ${WORK}\n`);
  const scenario = prepare();
  const server = await startOpenUm(STEPS[STEPS.length - 1]);
  const workers = workerPids(server.proc.child.pid);
  log(`openum PID ${server.proc.child.pid}, UM workers ${workers.join(', ')} on ${ADDRESS}:${WORKER_PORTS.join('/')}, RTP ${RTP.min}-${RTP.max}\n`);
  log('    N  established  failed  loss %   jitter p99 ms (streams)  server send p99 ms  worker CPU %  RSS/call KB  wall s  media loop p99 ms  SIPp CPU %  machine %');
  const rows = [];
  for (const n of STEPS) {
    const r = await step(n, scenario, server, workers);
    rows.push(r);
    log(`${String(n).padStart(5)}  ${String(r.ok).padStart(11)}  ${String(r.failed).padStart(6)}  ${Number.isNaN(r.lossPct) ? '   n/a' : r.lossPct.toFixed(3).padStart(6)}` +
      `   ${Number.isNaN(r.jitterP99Ms) ? '  n/a' : r.jitterP99Ms.toFixed(2).padStart(6)} (${r.jitterStreams})`.padEnd(26) +
      `  ${Number.isNaN(r.serverSendP99Ms) ? 'n/a' : r.serverSendP99Ms.toFixed(2)}`.padStart(19) + `  ${r.cpuPct.toFixed(0).padStart(11)}  ${r.rssPerCallKb.toFixed(0).padStart(11)}  ${r.wall.toFixed(1).padStart(6)}` +
      `  ${(Number.isNaN(r.mediaLoopDelayP99Ms) ? 'n/a' : r.mediaLoopDelayP99Ms.toFixed(1)).padStart(17)}  ${r.sippPct.toFixed(0).padStart(10)}  ${r.machinePct.toFixed(0).padStart(9)}`);
    log(`       limit: ${limitOf(r)}; CPU per call ${r.cpuPerCallPct.toFixed(3)} % of a core -> ${(100 / Math.max(1e-9, r.cpuPerCallPct)).toFixed(0)} calls per core at this cost`);
    if (r.failed > 0 || (STOP_ON === 'any' && !clean(r))) {
      log(`  -> step ${n} not clean (${[r.failed ? `${r.failed} failed calls` : '', r.lossPct >= LOSS_LIMIT * 100 ? 'loss' : '', !(r.jitterP99Ms < JITTER_LIMIT_MS) ? 'jitter' : ''].filter(Boolean).join(', ')}): ladder stops`);
      break;
    }
    await sleep(3000);
  }
  await stopAll();
  const best = rows.filter(clean).pop();
  log(`\nlargest N with loss < ${LOSS_LIMIT * 100} % and receiver jitter p99 < ${JITTER_LIMIT_MS} ms: ${best ? best.n : 'none'}`);
  // Published Asterisk sizing: about 100 G.711 calls per GHz of total CPU (issue 12).
  const mhz = readFileSync('/proc/cpuinfo', 'utf8').match(/^cpu MHz\s*:\s*([\d.]+)/m)?.[1];
  if (mhz) {
    const asterisk = Math.round((100 * Number(mhz) * CPUS) / 1000);
    log(`Asterisk's published sizing on this machine (100 calls per GHz x ${CPUS} x ${(Number(mhz) / 1000).toFixed(2)} GHz): ~${asterisk} calls; ` +
      `ratio of the largest clean N: ${best ? (best.n / asterisk).toFixed(2) : 'n/a'}`);
  }
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ seconds: SECONDS, steps: STEPS, rows }, null, 2));
  log(`details: ${join(WORK, 'results.json')}`);
}

main().then(() => stopAll()).catch(async (e) => {
  console.error(`bench:media failed: ${e?.stack ?? e}`);
  await stopAll();
  process.exitCode = 1;
});
