#!/usr/bin/env node
// `npm run fuzz`: the bounded fuzz run (docs/RELIABILITY.md "Fuzzing"). Feeds every target of
// test/fuzz/targets (SIP parse and stream framing, SDP, RTP, RTCP, SRTP, DTMF, the admin API's
// bodies) its share of FUZZ_INPUTS, each target in a worker thread that a watchdog stops when one
// input never returns (a hang; the input is drawn again from seed, batch and index and saved).
// Prints inputs/s, crashes and memory per target; saves each distinct crash under FUZZ_CRASH_DIR
// (fix it, then move it to test/fixtures/fuzz/<target>/, where npm test replays it).
// Settings (environment):
//   FUZZ_INPUTS        total inputs over all targets (default 1000000), split by target weight
//   FUZZ_MAX_MINUTES   time budget for the whole run (default 30); a target past its share of
//                      the time stops early and says so
//   FUZZ_SEED          seed (default: from the clock, printed so a run can be replayed)
//   FUZZ_TARGETS       comma-separated target names (default: all)
//   FUZZ_CRASH_DIR     where crash inputs go (default fuzz-crashes/, ignored by git)
// Exit status 1 when anything crashed. Nothing listens on the network: the admin API target
// answers through fastify's inject (its server binds 127.0.134.1, an ephemeral port, unused).
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { int } from '../bench/lib/settings.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist', 'test', 'fuzz');
const env = process.env;
const INPUTS = int(env.FUZZ_INPUTS, 1_000_000, 1, 100_000_000);
const MAX_MS = int(env.FUZZ_MAX_MINUTES, 30, 1, 240) * 60_000;
const SEED = int(env.FUZZ_SEED, Date.now() % 1_000_000_000, 0, 2 ** 31 - 1);
const CRASH_DIR = resolve(ROOT, env.FUZZ_CRASH_DIR ?? 'fuzz-crashes');
const SETUP_MS = 180_000; // a target's setup (the admin API initialises a data directory)
const POLL_MS = 250;

const { TARGETS } = await import(pathToFileURL(join(DIST, 'targets', 'index.js')).href);
const { inputAt, BATCH } = await import(pathToFileURL(join(DIST, 'run-target.js')).href);
const wanted = env.FUZZ_TARGETS ? env.FUZZ_TARGETS.split(',').map((s) => s.trim()) : TARGETS.map((t) => t.name);
for (const w of wanted) if (!TARGETS.some((t) => t.name === w)) throw new Error(`FUZZ_TARGETS: no target ${w}; there are ${TARGETS.map((t) => t.name).join(', ')}`);
const targets = TARGETS.filter((t) => wanted.includes(t.name));
if (typeof globalThis.gc !== 'function') console.log('(run with node --expose-gc for memory figures after a GC: npm run fuzz does)');

const log = (...a) => console.log(...a);
/** Inputs per second of the inputs alone (the worker's own clock, set-up excluded). */
const rate = (r) => Math.round(r.inputs / Math.max(0.001, r.runMs / 1000));
const mb = (n) => `${n.toFixed(1)} MB`;

function shares() {
  const total = targets.reduce((s, t) => s + t.weight, 0);
  let left = INPUTS;
  return targets.map((t, i) => {
    const n = i === targets.length - 1 ? left : Math.round((INPUTS * t.weight) / total);
    left -= n;
    return n;
  });
}

function saveCrash(target, crash) {
  const dir = join(CRASH_DIR, target.name);
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha1').update(crash.signature).digest('hex').slice(0, 10);
  const file = join(dir, `${id}.${target.ext}`);
  writeFileSync(file, Buffer.from(crash.input, 'base64'));
  writeFileSync(join(dir, `${id}.txt`), `${crash.signature}\n${crash.message}\nseed ${crash.where.seed} batch ${crash.where.batch} index ${crash.where.index}\n`);
  return file;
}

/** One worker from startBatch on; resolves with its report, or with the hang it was stopped in. */
function runWorker(target, inputs, startBatch, deadlineMs, onCrash) {
  const shared = new SharedArrayBuffer(12);
  const cells = new Int32Array(shared);
  const worker = new Worker(join(DIST, 'worker.js'), {
    workerData: { target: target.name, seed: SEED, inputs, startBatch, deadlineMs, shared },
  });
  const killAfter = Math.max(10_000, 3 * target.hangMs);
  return new Promise((resolvePromise, reject) => {
    let last = -1;
    let still = Date.now();
    const started = Date.now();
    let settled = false;
    let stopped; // set when the watchdog terminates the worker
    const finish = (v) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolvePromise(v);
    };
    const timer = setInterval(() => {
      const n = Atomics.load(cells, 2);
      if (n !== last) {
        last = n;
        still = Date.now();
        return;
      }
      const limit = n === 0 ? SETUP_MS : killAfter;
      if (Date.now() - (n === 0 ? started : still) > limit) {
        const where = { batch: Atomics.load(cells, 0), index: Atomics.load(cells, 1) };
        stopped = { hang: where, startedInputs: n };
        clearInterval(timer);
        void worker.terminate();
      }
    }, POLL_MS);
    worker.on('message', (m) => {
      if (m.type === 'crash') onCrash(m.crash);
      else if (m.type === 'done') finish({ report: m.report });
    });
    worker.on('error', (e) => {
      clearInterval(timer);
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (stopped) finish(stopped);
      else if (!settled && code !== 0) {
        clearInterval(timer);
        settled = true;
        reject(new Error(`${target.name} worker exited with ${code}`));
      }
    });
  });
}

async function fuzzTarget(target, inputs, deadlineMs) {
  const t0 = Date.now();
  const sum = { target: target.name, inputs: 0, crashes: 0, hangs: 0, distinct: [], slowestMs: 0, runMs: 0, skipped: 0, memory: [], stoppedEarly: false, files: [] };
  const onCrash = (crash) => {
    const file = saveCrash(target, crash);
    sum.files.push(file);
    log(`  CRASH ${target.name}: ${crash.signature}\n        ${crash.message.split('\n')[0].slice(0, 200)}\n        saved ${file}`);
  };
  let startBatch = 0;
  for (;;) {
    const left = deadlineMs - (Date.now() - t0);
    const out = await runWorker(target, inputs, startBatch, Math.max(1, left), (c) => {
      sum.distinct.push(c);
      onCrash(c);
    });
    if (out.report) {
      const r = out.report;
      sum.inputs += r.inputs;
      sum.crashes += r.crashes;
      sum.hangs += r.hangs;
      sum.slowestMs = Math.max(sum.slowestMs, r.slowestMs);
      sum.runMs += r.ms;
      sum.memory = r.memory;
      if (r.stats) sum.stats = r.stats;
      break;
    }
    // Stopped in an input that never returned: name it, and go on after its batch.
    const { batch, index } = out.hang;
    sum.hangs++;
    sum.crashes++;
    sum.inputs += out.startedInputs;
    let input;
    try {
      input = target.encode(inputAt(target, target.arbitrary(), SEED, batch, index)).toString('base64');
    } catch {
      input = Buffer.from(JSON.stringify({ seed: SEED, batch, index })).toString('base64'); // needs setup to draw again
    }
    const crash = { target: target.name, signature: `hang: no return in ${Math.max(10_000, 3 * target.hangMs)} ms`, message: `stopped at batch ${batch} index ${index}`, input, where: { seed: SEED, batch, index }, count: 1 };
    const known = sum.distinct.find((c) => c.signature === crash.signature);
    if (known) known.count++;
    else {
      sum.distinct.push(crash);
      onCrash(crash);
    }
    sum.skipped += BATCH - index - 1; // the rest of that batch
    startBatch = batch + 1;
    if (startBatch * BATCH >= inputs) break;
  }
  sum.ms = Date.now() - t0;
  sum.stoppedEarly = sum.inputs + sum.skipped < inputs;
  return sum;
}

/** Flat: after a GC, the heap at the end within 8 MB (or 10 %) of the middle; RSS within 32 MB (or 15 %). */
function memoryVerdict(memory) {
  const middle = memory.find((m) => m.at === 'middle');
  const end = memory.find((m) => m.at === 'end');
  if (!middle || !end) return { flat: true, text: 'too short for a middle sample' };
  const heapGrowth = end.heapMb - middle.heapMb;
  const rssGrowth = end.rssMb - middle.rssMb;
  const flat = heapGrowth <= Math.max(8, middle.heapMb * 0.1) && rssGrowth <= Math.max(32, middle.rssMb * 0.15);
  return { flat, text: `heap middle→end ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} MB, RSS ${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MB` };
}

log(`npm run fuzz: ${INPUTS} inputs, seed ${SEED}, at most ${MAX_MS / 60_000} min, targets ${targets.map((t) => t.name).join(', ')}`);
log(`crash inputs go to ${CRASH_DIR}`);
const runStart = Date.now();
const counts = shares();
const results = [];
let weightLeft = targets.reduce((s, t) => s + t.weight, 0);
for (const [i, target] of targets.entries()) {
  const timeLeft = MAX_MS - (Date.now() - runStart);
  const deadline = Math.max(1000, (timeLeft * target.weight) / weightLeft);
  weightLeft -= target.weight;
  log(`\n${target.name}: ${counts[i]} inputs (${target.describe}); time share ${(deadline / 1000).toFixed(0)} s`);
  const r = await fuzzTarget(target, counts[i], deadline);
  const verdict = memoryVerdict(r.memory);
  r.verdict = verdict;
  results.push(r);
  const m = Object.fromEntries(r.memory.map((x) => [x.at, x]));
  log(`  ${r.inputs} inputs in ${(r.runMs / 1000).toFixed(1)} s = ${rate(r)}/s (${(r.ms / 1000).toFixed(1)} s with the worker's start and set-up); crashes ${r.crashes} (${r.distinct.length} distinct), hangs ${r.hangs}, slowest input ${r.slowestMs.toFixed(1)} ms${r.stoppedEarly ? '; STOPPED EARLY (time share)' : ''}`);
  if (r.stats) log(`  ${Object.entries(r.stats).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  log(`  RSS start/middle/end ${['start', 'middle', 'end'].map((k) => (m[k] ? mb(m[k].rssMb) : '-')).join(' / ')}; heap ${['start', 'middle', 'end'].map((k) => (m[k] ? mb(m[k].heapMb) : '-')).join(' / ')}; memory ${verdict.flat ? 'flat' : 'GROWING'} (${verdict.text})`);
}

const total = results.reduce((s, r) => s + r.inputs, 0);
const crashes = results.reduce((s, r) => s + r.crashes, 0);
const secs = (Date.now() - runStart) / 1000;
log('\n| target | inputs | inputs/s | crashes | hangs | slowest ms | RSS start/middle/end MB | heap start/middle/end MB | memory |');
log('|---|---:|---:|---:|---:|---:|---|---|---|');
for (const r of results) {
  const m = Object.fromEntries(r.memory.map((x) => [x.at, x]));
  const trio = (k) => ['start', 'middle', 'end'].map((a) => (m[a] ? m[a][k].toFixed(0) : '-')).join(' / ');
  log(`| ${r.target} | ${r.inputs} | ${rate(r)} | ${r.crashes} | ${r.hangs} | ${r.slowestMs.toFixed(0)} | ${trio('rssMb')} | ${trio('heapMb')} | ${r.verdict.flat ? 'flat' : 'growing'} |`);
}
log(`\ntotal ${total} inputs in ${secs.toFixed(0)} s (${Math.round(total / secs)}/s), ${crashes} crashes, seed ${SEED}`);
if (total < INPUTS) log(`fewer inputs than FUZZ_INPUTS=${INPUTS}: the time budget (FUZZ_MAX_MINUTES) ran out first`);
process.exitCode = crashes > 0 ? 1 : 0;
