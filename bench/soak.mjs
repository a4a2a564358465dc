#!/usr/bin/env node
// `npm run soak`: SOAK_CALLS voice-mail calls through the whole path (SIPp over UDP: Call Router
// 302 -> UM service 302 -> UM worker answers, greeting, a few seconds of audio, BYE), each message
// delivered by SMTP to a receiving server in this process. At the end it checks: every call
// succeeded, every call left exactly one stored message, every message was delivered and arrived
// exactly once (by its X-OpenUM-Message-Key header), and each role's private memory (RssAnon: main,
// Call Router, UM workers) grew less than SOAK_MAX_GROWTH % from the middle of the run (the window
// from SOAK_JUDGE_FROM_PERCENT, 50, of the calls) to the end, as `npm run swaps` and `npm run
// router-memory` judge: a process's memory rises while it warms up (JIT code, V8 sizing its heap,
// malloc arenas) and then holds; a leak keeps rising in the second half. The growth from the
// warm-up window (SOAK_WARMUP_PERCENT, 10) is printed beside it. Exit 1 when a check
// fails. Not a test: bounded by SOAK_CALLS and SOAK_MAX_MINUTES; everything on one loopback address
// (SOAK_ADDRESS); every process it starts is stopped by its PID. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { renderFullPath, sippArgs } from './lib/full-path.mjs';
import { growthPct, heapByRole, mbLine, prepareSite, privateByRole, rssByRole, rssLine, RssSeries, SIP_PORTS, startSite } from './lib/openum-site.mjs';
import { kill, Processes } from './lib/processes.mjs';
import { envInt } from './lib/settings.mjs';
import { statRow } from './lib/sipp-stats.mjs';
import { smtpSink } from './lib/smtp-sink.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const CALLS = envInt('SOAK_CALLS', 20000, 1, 200000);
const CONCURRENCY = envInt('SOAK_CONCURRENCY', 120, 1, 1000);
const RATE = envInt('SOAK_RATE', 12, 1, 200);
const AUDIO_SECONDS = envInt('SOAK_AUDIO_SECONDS', 3, 2, 60);
const USERS = envInt('SOAK_USERS', 200, 1, 5000);
const MAX_MINUTES = envInt('SOAK_MAX_MINUTES', 75, 1, 600);
const MAX_GROWTH = envInt('SOAK_MAX_GROWTH', 5, 1, 100);
const WARMUP_SHARE = envInt('SOAK_WARMUP_PERCENT', 10, 1, 90) / 100;
const JUDGE_SHARE = envInt('SOAK_JUDGE_FROM_PERCENT', 50, 1, 80) / 100;
const ADDRESS = env.SOAK_ADDRESS ?? '127.0.135.10';
if (!/^127\.\d+\.\d+\.\d+$/.test(ADDRESS)) throw new Error(`SOAK_ADDRESS must be a loopback address (127.x.y.z), got ${ADDRESS}`);
const FQDN = 'um.soak.test';
const PROGRESS_MS = 30_000;
const RSS_EVERY_MS = 5000;
const DELIVERY_WAIT_MS = 20 * 60_000; // at most, after the last call: the SMTP queue drains more slowly than calls arrive
const WORK = mkdtempSync(join(tmpdir(), 'openum-soak-'));
const log = (...a) => console.log(`${new Date().toISOString().slice(11, 19)} ${a.join(' ')}`);
const procs = new Processes(WORK, log, { stopGraceMs: 15_000 });

/** What the store holds: messages by state and delivery, calls with more than one message. */
function storeFacts(data) {
  const db = new SqliteDatabase(join(data, 'openum.db'), { readonly: true, fileMustExist: true });
  try {
    const byState = Object.fromEntries(db.prepare('select state, count(*) n from voice_messages group by state').all().map((r) => [r.state, r.n]));
    const byDelivery = Object.fromEntries(db.prepare('select delivery, count(*) n from voice_messages group by delivery').all().map((r) => [r.delivery, r.n]));
    const calls = db.prepare('select count(distinct call_id) n from voice_messages').get().n;
    const repeated = db.prepare('select count(*) n from (select call_id from voice_messages group by call_id having count(*) > 1)').get().n;
    const keys = db.prepare("select message_key k from voice_messages where state = 'stored'").all().map((r) => r.k);
    const attempts = db.prepare('select coalesce(sum(delivery_attempts), 0) n from voice_messages').get().n;
    return { byState, byDelivery, calls, repeated, keys, attempts, total: Object.values(byState).reduce((s, n) => s + n, 0) };
  } finally { db.close(); }
}

async function main() {
  for (const [bin, arg] of [['sipp', '-v']]) if (spawnSync(bin, [arg], { encoding: 'utf8', timeout: 10_000 }).error) throw new Error(`${bin} is not installed (Debian: apt-get install sip-tester)`);
  const t0 = Date.now();
  const deadline = t0 + MAX_MINUTES * 60_000;
  log(`OpenUM soak: ${CALLS} calls (Call Router -> UM service -> worker, greeting + ${AUDIO_SECONDS} s of audio, SMTP delivery), ` +
    `at most ${CONCURRENCY} at once, ${RATE} new/s, ${USERS} mailboxes, on ${ADDRESS}; budget ${MAX_MINUTES} min`);
  log(`work dir (server log, SIPp stats): ${WORK}`);
  const { scenario, injection } = renderFullPath({ root: ROOT, work: WORK, audioSeconds: AUDIO_SECONDS, users: USERS });
  const sink = await smtpSink(ADDRESS);
  const data = join(WORK, 'data');
  await prepareSite({
    root: ROOT, data, address: ADDRESS, fqdn: FQDN, users: USERS, settings: [
      ['callrouter', 'set', '--udp', 'on'],
      ['service', 'set', '--max-calls', String(Math.max(100, CONCURRENCY * 2)), '--rtp-ports', '40000-49999'],
      ['smtp', 'set', '--host', ADDRESS, '--port', String(sink.port), '--security', 'none', '--from', `voicemail@${FQDN}`],
    ],
  });
  const site = await startSite(procs, { root: ROOT, data, address: ADDRESS });
  const mainPid = site.proc.child.pid;
  const rss = { start: rssByRole(mainPid) };
  const series = new RssSeries();
  const heapSeries = new RssSeries(); // V8 heap_total per role, MB
  const privateSeries = new RssSeries(); // RssAnon per role, MB: what is judged
  log(`openum PID ${mainPid}; RSS at start: ${rssLine(rss.start)}`);

  const left = Math.floor((deadline - Date.now()) / 1000) - Math.ceil(DELIVERY_WAIT_MS / 1000) - 30;
  if (left < 60) throw new Error('SOAK_MAX_MINUTES leaves no time for calls');
  const args = sippArgs({ address: ADDRESS, routerPort: SIP_PORTS.router, scenario, injection, calls: CALLS, concurrency: CONCURRENCY, rate: RATE,
    timeoutSec: left, statFile: join(WORK, 'stat.csv'), errorFile: join(WORK, 'sipp-errors.log'), sipPort: 15060, mediaPort: 16000 });
  const sipp = procs.start('sipp', 'sipp', args, WORK, { cwd: WORK });
  const hard = timer(() => kill(sipp.child.pid, 'SIGKILL'), (left + 20) * 1000);
  let done = false;
  void sipp.exited.then(() => { done = true; });
  let nextProgress = Date.now() + PROGRESS_MS;
  const counts = () => {
    const st = statRow(join(WORK, 'stat.csv'));
    return { ok: Number(st['SuccessfulCall(C)'] ?? 0), failed: Number(st['FailedCall(C)'] ?? 0), current: Number(st.CurrentCall ?? 0) };
  };
  let nextSample = Date.now();
  while (!done) {
    await sleep(1000);
    const c = counts();
    if (Date.now() >= nextSample) {
      nextSample += RSS_EVERY_MS;
      series.add(c.ok + c.failed, rssByRole(mainPid));
      privateSeries.add(c.ok + c.failed, privateByRole(mainPid));
      const heap = await heapByRole(ADDRESS, site.adminPort).catch(() => undefined);
      if (heap) heapSeries.add(c.ok + c.failed, heap);
    }
    if (Date.now() >= nextProgress) {
      nextProgress += PROGRESS_MS;
      const min = (Date.now() - t0) / 60_000;
      log(`${String(c.ok + c.failed).padStart(6)}/${CALLS} calls (ok ${c.ok}, failed ${c.failed}, up ${c.current}), mails ${sink.stats.mails}, ${min.toFixed(1)} min; ${rssLine(rssByRole(mainPid))}`);
    }
  }
  clearTimeout(hard);
  procs.started.splice(procs.started.indexOf(sipp), 1);
  const calls = counts();
  const sippCode = await sipp.exited;
  log(`SIPp done (exit ${sippCode}): ok ${calls.ok}, failed ${calls.failed}`);

  // Delivery: wait until the queue is empty (nothing pending in the store) or the wait runs out.
  const until = Math.min(Date.now() + DELIVERY_WAIT_MS, deadline);
  let facts = storeFacts(data);
  while ((facts.byState.recording ?? 0) + (facts.byDelivery.pending ?? 0) > 0 && Date.now() < until) {
    await sleep(2000);
    facts = storeFacts(data);
  }
  await sleep(10_000); // idle: nothing in flight when the last sample is read
  rss.idle = rssByRole(mainPid);
  facts = storeFacts(data);
  // Windows: warm-up from WARMUP_SHARE of the calls, the judged one from JUDGE_SHARE, each 10 % of
  // the calls long; end: the last 10 % (calls running).
  const windows = (s) => ({
    warm: s.window(CALLS * WARMUP_SHARE, CALLS * (WARMUP_SHARE + 0.1)),
    mid: s.window(CALLS * JUDGE_SHARE, CALLS * (JUDGE_SHARE + 0.1)),
    end: s.window(CALLS * 0.9, CALLS),
  });
  Object.assign(rss, windows(series));
  const heap = windows(heapSeries);
  const priv = windows(privateSeries);
  await procs.stopAll();
  await sink.close();

  const received = sink.byKey;
  const twice = [...received.values()].filter((n) => n > 1).length;
  const missing = facts.keys.filter((k) => !received.has(k)).length;
  const stranger = [...received.keys()].filter((k) => !facts.keys.includes(k)).length;
  const ROLES = ['main', 'callRouter', 'workers'];
  const growthFrom = (w, from) => Object.fromEntries(ROLES.map((r) => [r, growthPct(w[from].floor[r], w.end.floor[r])]));
  const growth = growthFrom(rss, 'mid');
  const heapGrowth = growthFrom(heap, 'mid');
  const privateGrowth = growthFrom(priv, 'mid');
  const warmGrowth = { private: growthFrom(priv, 'warm'), rss: growthFrom(rss, 'warm'), heap: growthFrom(heap, 'warm') };
  // A role passes when its private memory (RssAnon floor) grew under MAX_GROWTH %. RSS also counts
  // the pages of the node binary a process has touched so far (RssFile), shared and reclaimable,
  // which rise as more of its code gets used; RSS and V8's heap_total are reported beside it
  // (docs/RELIABILITY.md, "Call Router memory").
  const flat = (r) => privateGrowth[r] < MAX_GROWTH;
  const sameProcs = JSON.stringify(rss.start.pids) === JSON.stringify(rss.idle.pids);
  const checks = [
    ['every call succeeded', calls.ok === CALLS && calls.failed === 0, `ok ${calls.ok}/${CALLS}, failed ${calls.failed}`],
    ['one stored message per call', facts.total === calls.ok && facts.calls === calls.ok && facts.repeated === 0 && (facts.byState.stored ?? 0) === calls.ok,
      `messages ${facts.total} (${JSON.stringify(facts.byState)}), distinct Call-IDs ${facts.calls}, Call-IDs with more than one ${facts.repeated}`],
    ['every message delivered', (facts.byDelivery.delivered ?? 0) === facts.total, `${JSON.stringify(facts.byDelivery)}, SMTP attempts ${facts.attempts}`],
    ['each mail received exactly once', missing === 0 && twice === 0 && stranger === 0 && sink.stats.withoutKey === 0,
      `mails ${sink.stats.mails} (${(sink.stats.bytes / 1048576).toFixed(0)} MB), distinct messages ${received.size}, missing ${missing}, more than once ${twice}, unknown ${stranger + sink.stats.withoutKey}`],
    [`memory flat per role, ${JUDGE_SHARE * 100}-${(JUDGE_SHARE + 0.1) * 100} % window to end window: private memory (RssAnon) floor growth < ${MAX_GROWTH} %`,
      ROLES.every(flat) && sameProcs,
      ROLES.map((r) => `${r} private ${privateGrowth[r].toFixed(1)} % (${priv.mid.floor[r].toFixed(1)} -> ${priv.end.floor[r].toFixed(1)} MB), RSS ${growth[r].toFixed(1)} %, heap_total ${heapGrowth[r].toFixed(1)} %${flat(r) ? '' : ' NOT FLAT'}`).join('; ') +
      (sameProcs ? '' : ' (processes restarted!)')],
  ];
  const minutes = (Date.now() - t0) / 60_000;
  log(`RSS at start:             ${rssLine(rss.start)}`);
  log(`RSS warm-up window floor: ${mbLine(rss.warm.floor)} (${rss.warm.n} readings; peak ${mbLine(rss.warm.peak)})`);
  log(`RSS middle window floor:  ${mbLine(rss.mid.floor)} (${rss.mid.n} readings; peak ${mbLine(rss.mid.peak)})`);
  log(`RSS end window floor:     ${mbLine(rss.end.floor)} (${rss.end.n} readings; peak ${mbLine(rss.end.peak)})`);
  log(`V8 heap_total floor:      warm-up ${mbLine(heap.warm.floor)}; middle ${mbLine(heap.mid.floor)}; end ${mbLine(heap.end.floor)}`);
  log(`private (RssAnon) floor:  warm-up ${mbLine(priv.warm.floor)}; middle ${mbLine(priv.mid.floor)}; end ${mbLine(priv.end.floor)}`);
  log(`growth from the warm-up window to the end (not judged): ${ROLES.map((r) => `${r} private ${warmGrowth.private[r].toFixed(1)} %, RSS ${warmGrowth.rss[r].toFixed(1)} %, heap_total ${warmGrowth.heap[r].toFixed(1)} %`).join('; ')}`);
  log(`RSS idle after the run:   ${rssLine(rss.idle)}`);
  for (const [what, ok, detail] of checks) log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${detail}`);
  log(`duration ${minutes.toFixed(1)} min`);
  const summary = { calls: CALLS, concurrency: CONCURRENCY, rate: RATE, audioSeconds: AUDIO_SECONDS, users: USERS, sipp: calls, store: { ...facts, keys: undefined },
    mails: sink.stats, rss, heap, heapGrowthPct: heapGrowth, private: priv, privateGrowthPct: privateGrowth, warmGrowthPct: warmGrowth, privateSeries: privateSeries.samples.map((x) => ({ progress: x.progress, main: x.main, callRouter: x.callRouter, workers: x.workers })), series: series.samples.map((x) => ({ progress: x.progress, main: x.main, callRouter: x.callRouter, workers: x.workers })), growthPct: growth, checks: checks.map(([what, ok, detail]) => ({ what, ok, detail })), minutes };
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'results.json'), JSON.stringify(summary, null, 2));
  log(`details: ${join(WORK, 'results.json')}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

main().then(() => procs.stopAll()).catch(async (e) => {
  console.error(`soak failed: ${e?.stack ?? e}`);
  await procs.stopAll();
  process.exitCode = 1;
});
