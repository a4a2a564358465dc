#!/usr/bin/env node
// `npm run bench:cluster`: voice-mail calls per second and simultaneous calls through one Call
// Router (node A) to one UM node (B), then to two (B and C), in the same run, on one PostgreSQL
// store. SIPp (UDP) places each call as a gateway that follows redirects: INVITE to A's Call Router
// -> 302 to a UM service -> 302 to a worker -> 200, greeting, a short message, BYE
// (bench/sipp-full-path.xml.in). Each configuration climbs a ladder of call rates; every step is
// bounded in calls (rate x BENCH_SECONDS) and time, and the ladder stops at the first step that is
// not clean. Not a test. Skips (exit 0) with a message when no PostgreSQL answers. Every process it
// starts is stopped by its PID; the PostgreSQL schema it made is dropped. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearInterval, clearTimeout, setInterval, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import pg from 'pg';
import { renderFullPath, sippArgs } from './lib/full-path.mjs';
import { SIP_PORTS } from './lib/openum-site.mjs';
import { kill, listening, Processes, ticks } from './lib/processes.mjs';
import { int } from './lib/settings.mjs';
import { statRow } from './lib/sipp-stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const RATES = (env.BENCH_RATES ?? '2,5,10,15,20').split(',').map((r) => int(r.trim(), 0, 1, 200));
const SECONDS = int(env.BENCH_SECONDS, 10, 2, 60);
const AUDIO_SECONDS = int(env.BENCH_AUDIO_SECONDS, 2, 2, 30);
const MAX_CALLS = int(env.BENCH_MAX_CALLS, 100, 1, 1000);
const USERS = int(env.BENCH_USERS, 50, 1, 2000);
const DEADLINE = Date.now() + int(env.BENCH_MAX_MINUTES, 20, 2, 120) * 60_000;
const PG_URL = env.BENCH_PG_URL ?? env.OPENUM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const [A, B, C, GW] = (env.BENCH_CLUSTER_ADDRESSES ?? '127.0.142.10,127.0.142.11,127.0.142.12,127.0.142.13').split(',').map((a) => a.trim());
for (const a of [A, B, C, GW]) if (!/^127\.\d+\.\d+\.\d+$/.test(a ?? '')) throw new Error('BENCH_CLUSTER_ADDRESSES: four loopback addresses A,B,C,GATEWAY (127.x.y.z)');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const CORES = availableParallelism();
const CLEAN_SHARE = 0.85;
const WORK = mkdtempSync(join(tmpdir(), 'openum-bench-cluster-'));
const log = (...a) => console.log(...a);
const procs = new Processes(WORK, log, { stopGraceMs: 10_000 });

/** Busy and total jiffies of the whole machine (/proc/stat): other sessions' load shows here too. */
function machine() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((s, n) => s + n, 0);
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------- PostgreSQL, nodes
async function pgSchema() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    return { skip: `no PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//…@')} (${e.message}); set BENCH_PG_URL to one` };
  } finally { await client.end().catch(() => undefined); }
  const schema = `bench_cluster_${randomBytes(5).toString('hex')}`;
  const u = new URL(PG_URL);
  u.searchParams.set('schema', schema);
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try { await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await c.end(); }
    },
  };
}

const data = (n) => join(WORK, `node-${n}`);
function cli(n, args, childEnv) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--data', data(n)], { encoding: 'utf8', timeout: 60_000, env: childEnv });
  if (r.status !== 0) throw new Error(`openum ${args.slice(0, 2).join(' ')} (node ${n}): ${(r.stderr || r.stdout || String(r.error ?? r.signal)).trim().slice(-400)}`);
  return r.stdout;
}

async function prepare(childEnv, url) {
  for (const [n, fqdn] of [['a', 'a.bench.test'], ['b', 'b.bench.test'], ['c', 'c.bench.test']]) cli(n, ['init', '--name', `node-${n}`, '--fqdn', fqdn], childEnv);
  cli('a', ['dialplan', 'new', 'DP', '--extension-length', '4'], childEnv);
  // The gateway is SIPp's address; no MWI (SIPp runs UDP only, a NOTIFY over TCP would only be refused).
  cli('a', ['gateway', 'new', 'GW', '--address', GW, '--dial-plan', 'DP', '--mwi', 'off'], childEnv);
  cli('a', ['callrouter', 'set', '--udp', 'on'], childEnv);
  cli('b', ['service', 'set', '--max-calls', String(MAX_CALLS), '--rtp-ports', '40000-44999'], childEnv);
  cli('c', ['service', 'set', '--max-calls', String(MAX_CALLS), '--rtp-ports', '45000-49999'], childEnv);
  const imp = (p) => import(pathToFileURL(join(ROOT, 'dist', 'src', p)).href);
  const { openNode } = await imp('services/node.js');
  const { createUser } = await imp('org/users.js');
  process.env.OPENUM_MASTER_KEY = childEnv.OPENUM_MASTER_KEY; // this process opens the store too
  const node = await openNode({ dataDir: data('a'), databaseUrl: url, actor: { name: 'bench' } });
  try {
    for (let i = 0; i < USERS; i++) await createUser(node.store.db, node.actor, `u${i}`, { extension: String(5000 + i), dialPlan: 'DP', email: `u${i}@bench.test` });
  } finally { await node.close(); }
}

async function startNode(n, address, roles, childEnv) {
  const socks = roles === 'callrouter' ? [['udp', SIP_PORTS.router]] : [['udp', SIP_PORTS.service], ...SIP_PORTS.workers.map((p) => ['udp', p])];
  const taken = socks.filter(([proto, port]) => listening(proto, port, address));
  if (taken.length) throw new Error(`${address}: already in use: ${taken.map((s) => s.join('/')).join(', ')}`);
  const p = procs.start(`node-${n}`, process.execPath, [CLI, 'start', '--data', data(n), '--admin-address', address, '--admin-port', '0',
    '--sip-address', address, '--roles', roles], data(n), { env: childEnv });
  const until = Date.now() + 90_000;
  while (!socks.every(([proto, port]) => listening(proto, port, address))) {
    if (p.child.exitCode !== null) throw new Error(`node ${n} exited: ${procs.logOf(`node-${n}`)}`);
    if (Date.now() > until) throw new Error(`node ${n} not listening after 90 s: ${procs.logOf(`node-${n}`)}`);
    await sleep(250);
  }
  return p;
}

/** Until A's node list shows these UM nodes live, then two heartbeat periods for the Call Routers to read it. */
async function umLive(names, childEnv) {
  const until = Date.now() + 30_000;
  for (;;) {
    const list = JSON.parse(cli('a', ['node', 'list', '--json'], childEnv));
    if (names.every((name) => list.some((r) => r.name === name && r.health === 'live'))) break;
    if (Date.now() > until) throw new Error(`UM nodes not live after 30 s: ${JSON.stringify(list.map((r) => [r.name, r.health]))}`);
    await sleep(500);
  }
  await sleep(4000);
}

// ---------------------------------------------------------------- one bounded SIPp step
function counts(file) {
  const st = statRow(file);
  return { created: Number(st['OutgoingCall(C)'] ?? 0), ok: Number(st['SuccessfulCall(C)'] ?? 0), failed: Number(st['FailedCall(C)'] ?? 0),
    current: Number(st.CurrentCall ?? 0), retrans: Number(st['Retransmissions(C)'] ?? 0) };
}

/** When each call was answered: SIPp's -trace_rtt file, one line per 200 from a worker (rtd="true"). */
function answerTimes(dir, scenario, pid) {
  const name = `${scenario.replace(/^.*\//, '').replace(/\.xml$/, '')}_${pid}_rtt.csv`;
  const file = [join(dir, name), join(dirname(scenario), name)].find((f) => existsSync(f));
  if (!file) return [];
  // Date_ms: milliseconds since SIPp started.
  return readFileSync(file, 'latin1').split('\n').slice(1).filter((l) => l.trim()).map((l) => Number(l.split(';')[0])).filter((t) => t >= 0).sort((x, y) => x - y);
}

async function step({ config, rate, nodes, files, callSeconds }) {
  const label = `${config.replaceAll(' ', '-')}-r${rate}`;
  const dir = join(WORK, 'runs', label);
  mkdirSync(dir, { recursive: true });
  const calls = rate * SECONDS;
  const timeoutSec = Math.min(SECONDS + callSeconds + 40, 180);
  const args = sippArgs({ address: GW, router: A, routerPort: SIP_PORTS.router, ...files, calls, concurrency: Math.ceil(rate * (callSeconds + 5) * 1.5),
    rate, timeoutSec, statFile: join(dir, 'stat.csv'), errorFile: join(dir, 'errors.log'), sipPort: 15060, mediaPort: 16000, statEverySec: 1 });
  const n0 = Object.fromEntries(Object.entries(nodes).map(([k, p]) => [k, ticks(p.child.pid)]));
  const m0 = machine();
  const w0 = Date.now();
  // Every answer's time (-trace_rtt, one line per call): the rate the calls were set up at.
  const sipp = procs.start(`sipp-${label}`, 'sipp', [...args, '-trace_rtt', '-rtt_freq', '1'], dir, { cwd: dir });
  let sippTicks = 0;
  let peak = 0;
  const sample = setInterval(() => {
    const t = ticks(sipp.child.pid);
    if (t) sippTicks = t;
    peak = Math.max(peak, counts(join(dir, 'stat.csv')).current);
  }, 250);
  let killed = false;
  const hard = timer(() => { killed = true; kill(sipp.child.pid, 'SIGKILL'); }, (timeoutSec + 15) * 1000);
  const code = await sipp.exited;
  clearTimeout(hard);
  clearInterval(sample);
  procs.started.splice(procs.started.indexOf(sipp), 1);
  const wall = (Date.now() - w0) / 1000;
  const m1 = machine();
  const c = counts(join(dir, 'stat.csv'));
  const answers = answerTimes(dir, files.scenario, sipp.child.pid);
  const cpu = (t) => (t / HZ / wall) * 100;
  const nodeCpu = Object.fromEntries(Object.entries(nodes).map(([k, p]) => [k, cpu(ticks(p.child.pid) - n0[k])]));
  const machineCpu = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * CORES * 100;
  const errors = existsSync(join(dir, 'errors.log')) ? readFileSync(join(dir, 'errors.log'), 'latin1') : '';
  // Calls ended by an error response, per status (once per Call-ID: a response retransmitted is logged again), and its reason.
  const statuses = {};
  const seen = new Set();
  for (const m of errors.matchAll(/Call-Id '([^']+)'[^\n]*?received 'SIP\/2\.0 (\d{3}) ([^\r\n']*)/g)) {
    if (seen.has(m[1])) continue;
    seen.add(m[1]);
    statuses[m[2]] ??= { calls: 0, reason: m[3].trim() };
    statuses[m[2]].calls++;
  }
  // Calls set up per second: answered calls over the time from the first answer to the last.
  const span = answers.length > 1 ? (answers[answers.length - 1] - answers[0]) / 1000 : NaN;
  const r = { config, rate, calls, attempted: c.created, answered: answers.length, ok: c.ok, failed: c.failed + Math.max(0, calls - c.ok - c.failed),
    retrans: c.retrans, code, killed, wall, callsPerSecond: span > 0 ? (answers.length - 1) / span : 0, peak, nodeCpu, sippCpu: cpu(sippTicks), machineCpu, statuses };
  r.clean = r.failed === 0 && r.ok === calls && code === 0 && r.callsPerSecond >= CLEAN_SHARE * rate;
  r.limit = limitOf(r);
  return r;
}

/** Which limit the step ran into, from what was measured (on one machine the nodes share its cores). */
function limitOf(r) {
  const nodes = Object.values(r.nodeCpu).reduce((s, v) => s + v, 0);
  const others = Math.max(0, r.machineCpu - nodes - r.sippCpu);
  const full = r.machineCpu >= 0.9 * CORES * 100;
  const share = `nodes ${nodes.toFixed(0)}% + SIPp ${r.sippCpu.toFixed(0)}% + other processes ${others.toFixed(0)}% of ${CORES * 100}%`;
  if (r.clean) return r.sippCpu >= 85 ? `load generator near its limit (SIPp ${r.sippCpu.toFixed(0)}% of its one core)` : full ? `none, but the machine was full (${share})` : 'none: offered load carried';
  if (r.statuses['503']) return `server refused calls (${r.statuses['503'].calls} calls: 503 ${r.statuses['503'].reason})`;
  if (r.sippCpu >= 85) return `load generator (SIPp ${r.sippCpu.toFixed(0)}% of its one core)`;
  if (full) return `CPU of the machine (${share})`;
  if (r.failed > 0) return `server: calls failed (${Object.entries(r.statuses).map(([s, v]) => `${v.calls} x ${s} ${v.reason}`).join(', ') || 'timeouts or retransmissions'}; ${share})`;
  return `server: ${(100 * r.callsPerSecond / r.rate).toFixed(0)}% of the offered rate carried (${share})`;
}

function line(r) {
  const cpu = Object.entries(r.nodeCpu).map(([k, v]) => `${k} ${v.toFixed(0)}%`).join(' ');
  return `  ${r.config.padEnd(12)} ${String(r.rate).padStart(4)}/s  attempted ${String(r.attempted).padStart(5)}  established ${String(r.answered).padStart(5)}  ` +
    `completed ${String(r.ok).padStart(5)}  failed ${String(r.failed).padStart(4)}  ${r.callsPerSecond.toFixed(1).padStart(5)} calls/s  max simultaneous ${String(r.peak).padStart(4)}  ` +
    `CPU ${cpu}  SIPp ${r.sippCpu.toFixed(0)}%  machine ${r.machineCpu.toFixed(0)}%/${CORES * 100}%  ${r.wall.toFixed(0)} s${r.killed ? '  KILLED (hard limit)' : ''}\n` +
    `${' '.repeat(20)}limit: ${r.limit}`;
}

async function ladder(config, nodes, files, callSeconds) {
  const rows = [];
  for (const rate of RATES) {
    if (Date.now() + (SECONDS + callSeconds + 60) * 1000 > DEADLINE) { log(`  (time budget BENCH_MAX_MINUTES reached: ladder stopped before ${rate}/s)`); break; }
    const r = await step({ config, rate, nodes, files, callSeconds });
    rows.push(r);
    log(line(r));
    if (!r.clean) { log('  -> not clean: ladder stops'); break; }
    await sleep(3000); // the calls' recordings are stored; the next step starts from quiet
  }
  const clean = rows.filter((r) => r.clean);
  return { rows, best: clean[clean.length - 1], stop: rows.find((r) => !r.clean) };
}

// ---------------------------------------------------------------- main
async function main() {
  if (spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 10_000 }).error) throw new Error('sipp is not installed (Debian: apt-get install sip-tester)');
  if (!existsSync(CLI)) throw new Error('dist/ missing: run npx tsc -p tsconfig.json (or npm run build) first');
  const target = await pgSchema();
  if (target.skip) { log(`bench:cluster skipped: ${target.skip}`); return; }
  const childEnv = { ...process.env, OPENUM_DATABASE_URL: target.url, OPENUM_MASTER_KEY: randomBytes(32).toString('base64'), OPENUM_LOG_LEVEL: 'warn', OPENUM_LOG_FORMAT: 'json' };
  const results = {};
  let callSeconds;
  try {
    const files = renderFullPath({ root: ROOT, work: WORK, audioSeconds: AUDIO_SECONDS, users: USERS });
    const greeting = Number(/<pause milliseconds="(\d+)"/.exec(readFileSync(files.scenario, 'utf8'))?.[1] ?? 5000) / 1000;
    callSeconds = Math.ceil(greeting + AUDIO_SECONDS + 1);
    log(`OpenUM cluster benchmark: voice-mail calls via one Call Router (A ${A}) to UM nodes (B ${B}, C ${C}) on PostgreSQL; SIPp UDP from ${GW}`);
    log(`calls of ~${callSeconds} s (greeting ${greeting.toFixed(1)} s + ${AUDIO_SECONDS} s message), ${SECONDS} s of new calls per step at ${RATES.join(', ')} calls/s; ` +
      `MaxCalls ${MAX_CALLS} per UM node; ${USERS} mailboxes; ${CORES} CPUs shared by every node and SIPp`);
    log(`work dir (node logs, SIPp stats): ${WORK}\n`);
    await prepare(childEnv, target.url);
    const nodes = { A: await startNode('a', A, 'callrouter', childEnv), B: await startNode('b', B, 'um', childEnv) };
    await umLive(['node-b'], childEnv);
    log('one UM node (A Call Router -> B)');
    results.one = await ladder('one UM node', nodes, files, callSeconds);
    nodes.C = await startNode('c', C, 'um', childEnv);
    await umLive(['node-b', 'node-c'], childEnv);
    log('\ntwo UM nodes (A Call Router -> B, C)');
    results.two = await ladder('two UM nodes', nodes, files, callSeconds);
  } finally {
    await procs.stopAll();
    await target.drop().catch((e) => log(`could not drop the PostgreSQL schema: ${e.message}`));
  }

  log(`\nSummary: highest rate with every call completed and >= ${CLEAN_SHARE * 100}% of it carried (each step: rate x ${SECONDS} s calls of ~${callSeconds} s)`);
  log('configuration   clean rate  calls/s  max simultaneous  CPU per node (A, B, C)   stopped by');
  for (const [key, name] of [['one', 'one UM node'], ['two', 'two UM nodes']]) {
    const r = results[key];
    if (!r) continue;
    const b = r.best;
    const cpu = b ? Object.entries(b.nodeCpu).map(([k, v]) => `${k} ${v.toFixed(0)}%`).join(', ') : '';
    const stop = r.stop ? `${r.stop.rate}/s: ${r.stop.limit}` : `nothing up to ${RATES[RATES.length - 1]}/s (${b?.limit ?? ''})`;
    log(b ? `${name.padEnd(14)}  ${String(b.rate).padStart(10)}  ${b.callsPerSecond.toFixed(1).padStart(7)}  ${String(b.peak).padStart(16)}  ${cpu.padEnd(23)}  ${stop}`
      : `${name.padEnd(14)}  no clean step (${stop})`);
  }
  const [one, two] = [results.one?.best, results.two?.best];
  if (one && two) log(`ratio two/one at the highest clean step: calls/s ${(two.callsPerSecond / one.callsPerSecond).toFixed(2)}, max simultaneous ${(two.peak / one.peak).toFixed(2)}`);
  // The ladder's steps are coarse: the most any step carried, clean or not, says more about capacity.
  const most = (k) => (results[k]?.rows ?? []).reduce((m, r) => ({ answered: Math.max(m.answered, r.answered), peak: Math.max(m.peak, r.peak) }), { answered: 0, peak: 0 });
  const [m1, m2] = [most('one'), most('two')];
  if (m1.peak && m2.peak) log(`most in any step: one UM node ${m1.answered} calls established, ${m1.peak} simultaneous; two UM nodes ${m2.answered}, ${m2.peak} (ratio ${(m2.peak / m1.peak).toFixed(2)})`);
  log(`note: all three nodes and SIPp run on this one machine (${CORES} CPUs): a second UM node adds workers and MaxCalls, not CPU, ` +
    'so a ratio near 1 means the machine, not the design, is the limit; "other processes" is load from outside this benchmark.');
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ rates: RATES, seconds: SECONDS, audioSeconds: AUDIO_SECONDS, maxCalls: MAX_CALLS, cores: CORES, results }, null, 2));
  log(`details: ${join(WORK, 'results.json')}`);
}

main().then(() => procs.stopAll()).catch(async (e) => {
  console.error(`bench:cluster failed: ${e?.stack ?? e}`);
  await procs.stopAll();
  process.exitCode = 1;
});
