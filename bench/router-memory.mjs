#!/usr/bin/env node
// `npm run router-memory`: where the Call Router's memory goes under a long run of redirects.
// SIPp sends INVITE -> 302 -> ACK (test/fixtures/sipp/uac-302-bench.xml) at ROUTER_MEM_RATE/s
// for ROUTER_MEM_CALLS calls to `openum start` on one loopback address, and every
// ROUTER_MEM_SAMPLE_SECONDS (2) the script scrapes /metrics for each Call Router process's
// openum_process_memory_bytes (rss, heap_total, heap_used, external, array_buffers).
// Per process it compares the floor (lowest reading) of each kind in three windows of the run
// (10-20 %, 50-60 %, last 10 % of the calls) and exits 1 when the RSS floor or the heap_total floor
// still grows ROUTER_MEM_MAX_GROWTH (5) % or more from 50-60 % to the end (no plateau), or a call
// failed, or a Call Router process was restarted.
// Environment for the Call Router processes (MALLOC_ARENA_MAX, NODE_OPTIONS, ...) is passed on
// from this script's own. Not a test; every process it starts is stopped by its PID.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { prepareSite, roles, SIP_PORTS, startSite } from './lib/openum-site.mjs';
import { kill, Processes } from './lib/processes.mjs';
import { int } from './lib/settings.mjs';
import { statRow } from './lib/sipp-stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const CALLS = int(env.ROUTER_MEM_CALLS, 300_000, 1000, 2_000_000);
const RATE = int(env.ROUTER_MEM_RATE, 3000, 10, 20_000);
const SAMPLE_SECONDS = int(env.ROUTER_MEM_SAMPLE_SECONDS, 2, 1, 60);
const MAX_MINUTES = int(env.ROUTER_MEM_MAX_MINUTES, 20, 1, 120);
const MAX_GROWTH = int(env.ROUTER_MEM_MAX_GROWTH, 5, 1, 100);
const TRANSPORT = env.ROUTER_MEM_TRANSPORT ?? 'udp';
if (!['udp', 'tcp'].includes(TRANSPORT)) throw new Error(`ROUTER_MEM_TRANSPORT must be udp or tcp, got ${TRANSPORT}`);
const ADDRESS = env.ROUTER_MEM_ADDRESS ?? '127.0.135.40';
if (!/^127\.\d+\.\d+\.\d+$/.test(ADDRESS)) throw new Error(`ROUTER_MEM_ADDRESS must be a loopback address (127.x.y.z), got ${ADDRESS}`);
const SCENARIO = join(ROOT, 'test', 'fixtures', 'sipp', 'uac-302-bench.xml');
const EXTENSION = '5000'; // prepareSite's first user
const KINDS = ['rss', 'heap_total', 'heap_used', 'external', 'array_buffers'];
const WORK = mkdtempSync(join(tmpdir(), 'openum-router-memory-'));
const log = (...a) => console.log(`${new Date().toISOString().slice(11, 19)} ${a.join(' ')}`);
const procs = new Processes(WORK, log);

function scrape(port) {
  return new Promise((res, rej) => {
    const req = httpsRequest({ host: ADDRESS, port, path: '/metrics', rejectUnauthorized: false, timeout: 5000 }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { body += d; });
      r.on('end', () => res(body));
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error('GET /metrics timed out')));
    req.end();
  });
}

/** { 'call-router-1': { rss, heap_total, ... } } from openum_process_memory_bytes, in MB. */
function routerMemory(text) {
  const out = {};
  for (const m of text.matchAll(/^openum_process_memory_bytes\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (!/^call-router-\d+$/.test(labels.process ?? '')) continue;
    (out[labels.process] ??= {})[labels.kind] = Number(m[2]) / 2 ** 20;
  }
  return out;
}

const live = (k) => k.heap_used + k.external;
/** Per process and kind (and 'live'), the lowest reading with calls done in [from, to]. */
function floor(samples, from, to) {
  const s = samples.filter((x) => x.calls >= from && x.calls <= to);
  const out = {};
  for (const x of s) {
    for (const [name, k] of Object.entries(x.mem)) {
      const f = (out[name] ??= { n: 0 });
      f.n++;
      for (const [kind, v] of [...KINDS.map((kk) => [kk, k[kk]]), ['live', live(k)]]) f[kind] = Math.min(f[kind] ?? Infinity, v);
    }
  }
  return out;
}
const pct = (a, b) => ((b - a) / a) * 100;
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : '?');

async function main() {
  if (spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 10_000 }).error) throw new Error('sipp is not installed (Debian: apt-get install sip-tester)');
  const deadline = Date.now() + MAX_MINUTES * 60_000;
  log(`OpenUM Call Router memory: ${CALLS} INVITE -> 302 -> ACK over ${TRANSPORT.toUpperCase()} at ${RATE}/s on ${ADDRESS}; ` +
    `MALLOC_ARENA_MAX=${env.MALLOC_ARENA_MAX ?? '-'} NODE_OPTIONS=${env.NODE_OPTIONS ?? '-'}; budget ${MAX_MINUTES} min`);
  log(`work dir (server log, SIPp stats): ${WORK}`);
  const data = join(WORK, 'data');
  await prepareSite({
    root: ROOT, data, address: ADDRESS, fqdn: 'um.router-memory.test', users: 1, settings: [
      ['callrouter', 'set', '--udp', 'on'],
      // The picker counts calls sent per 2 s against MaxCallsAllowed: room for the whole rate.
      ['service', 'set', '--max-calls', '100000'],
    ],
  });
  const site = await startSite(procs, { root: ROOT, data, address: ADDRESS });
  const mainPid = site.proc.child.pid;
  const pidsBefore = JSON.stringify(roles(mainPid).callRouter);
  const first = routerMemory(await scrape(site.adminPort));
  log(`Call Router processes ${roles(mainPid).callRouter.join(', ')}; at start: ${Object.entries(first).map(([n, k]) => `${n} rss ${f1(k.rss)} MB, heap ${f1(k.heap_used)}/${f1(k.heap_total)} MB`).join('; ')}`);

  const seconds = Math.min(Math.ceil(CALLS / RATE) * 2 + 60, Math.floor((deadline - Date.now()) / 1000) - 30);
  const stat = join(WORK, 'stat.csv');
  const sipp = procs.start('sipp', 'sipp', [`${ADDRESS}:${SIP_PORTS.router}`, '-sf', SCENARIO, '-t', TRANSPORT === 'udp' ? 'u1' : 't1', '-s', EXTENSION,
    '-i', ADDRESS, '-p', '15060', '-mi', ADDRESS, '-mp', '16000', '-m', String(CALLS), '-r', String(RATE), '-rp', '1000',
    '-timeout', `${seconds}s`, '-timeout_error', '-nostdin', '-buff_size', '4194304', '-trace_stat', '-stf', stat, '-fd', '1',
    '-trace_err', '-error_file', join(WORK, 'sipp-errors.log')], WORK, { cwd: WORK });
  const hard = timer(() => kill(sipp.child.pid, 'SIGKILL'), (seconds + 20) * 1000);
  let done = false;
  void sipp.exited.then(() => { done = true; });
  const samples = [];
  for (let i = 0; !done && i < seconds / SAMPLE_SECONDS + 10; i++) {
    await sleep(SAMPLE_SECONDS * 1000);
    const st = statRow(stat);
    const calls = Number(st['SuccessfulCall(C)'] ?? 0) + Number(st['FailedCall(C)'] ?? 0);
    const mem = routerMemory(await scrape(site.adminPort).catch(() => ''));
    if (Object.keys(mem).length) samples.push({ calls, mem });
    log(`${String(calls).padStart(8)} calls: ${Object.entries(mem).map(([n, k]) => `${n} rss ${f1(k.rss)} heapUsed ${f1(k.heap_used)} heapTotal ${f1(k.heap_total)} external ${f1(k.external)} arrayBuffers ${f1(k.array_buffers)}`).join(' | ')}`);
  }
  clearTimeout(hard);
  const code = await sipp.exited;
  const st = statRow(stat);
  const ok = Number(st['SuccessfulCall(C)'] ?? 0);
  const failed = Number(st['FailedCall(C)'] ?? CALLS);
  const elapsed = st['ElapsedTime(C)'] ?? '?';
  const pidsAfter = JSON.stringify(roles(mainPid).callRouter);
  await procs.stopAll();

  const w = { early: floor(samples, CALLS * 0.1, CALLS * 0.2), mid: floor(samples, CALLS * 0.5, CALLS * 0.6), end: floor(samples, CALLS * 0.9, CALLS) };
  log(`SIPp exit ${code}: ${ok} ok, ${failed} failed in ${elapsed}; ${samples.length} readings`);
  log('floor (lowest reading, MB) per Call Router process at 10-20 % / 50-60 % / last 10 % of the calls:');
  const checks = [[`all ${CALLS} calls redirected`, ok === CALLS && failed === 0, `${ok} ok, ${failed} failed`],
    ['no Call Router process restarted', pidsBefore === pidsAfter, `${pidsBefore} -> ${pidsAfter}`]];
  for (const name of Object.keys(w.end).sort()) {
    const [a, b, c] = [w.early[name], w.mid[name], w.end[name]];
    if (!a || !b || !c) { checks.push([`${name}: readings in every window`, false, 'a window has no reading (run too short for the sample interval?)']); continue; }
    for (const kind of [...KINDS, 'live']) log(`  ${name} ${kind.padEnd(13)} ${f1(a[kind])} / ${f1(b[kind])} / ${f1(c[kind])}  (${f1(pct(a[kind], c[kind]))} % from 10-20 %, ${f1(pct(b[kind], c[kind]))} % from 50-60 %)`);
    checks.push([`${name}: RSS plateaus (floor growth 50-60 % -> end < ${MAX_GROWTH} %)`, pct(b.rss, c.rss) < MAX_GROWTH, `${f1(b.rss)} -> ${f1(c.rss)} MB (${f1(pct(b.rss, c.rss))} %)`]);
    // heap_used (and so 'live') is read between collections: its floor still holds part of the young
    // generation (up to its semi-spaces), so it is reported, not judged. heap_total is what V8 has
    // committed for the heap: objects kept call after call would make it grow.
    checks.push([`${name}: V8 heap plateaus (heap_total floor growth 50-60 % -> end < ${MAX_GROWTH} %)`, pct(b.heap_total, c.heap_total) < MAX_GROWTH, `${f1(b.heap_total)} -> ${f1(c.heap_total)} MB (${f1(pct(b.heap_total, c.heap_total))} %)`]);
    const perCall = ((c.rss - b.rss) * 2 ** 20) / (CALLS * 0.4);
    log(`  ${name}: RSS floor change 50-60 % -> end: ${perCall.toFixed(1)} bytes per call`);
  }
  for (const [what, pass, detail] of checks) log(`${pass ? 'PASS' : 'FAIL'}  ${what}: ${detail}`);
  process.exitCode = checks.every((c) => c[1]) ? 0 : 1;
}

main().catch(async (e) => {
  console.error(e instanceof Error ? e.message : e);
  await procs.stopAll();
  process.exit(2);
});
