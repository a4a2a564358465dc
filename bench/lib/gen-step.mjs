#!/usr/bin/env node
// One step of bench/media.mjs with its own load generator, in a process of its own so that its CPU
// is measured apart from the benchmark's: N calls (bench/lib/sip-uac.mjs, one UDP socket per
// worker) whose media is bench/lib/rtpgen.c (started here, its child). Argument: one JSON object
//   { bin, audio, address, worker, ports: [w0, w1], sipPorts: [p0, p1], mediaBase, n, seconds, rate,
//     sample, firstExtension, tls?: { cert, key } (PEM files: TLS to ports instead of UDP), srtp?,
//     rtpgens?: 1 | 2 (2: a second rtpgen process carries the second worker's calls),
//     sharedPorts?: every call of an rtpgen on one RTP port, mediaBase (+ 2 for the second rtpgen) }
// Calls 0..ceil(n/2)-1 go to ports[0], the rest to ports[1] (as the two SIPp processes did); call i
// diverts to extension firstExtension + i, its RTP on mediaBase + 2i (RTCP + 1; sharedPorts: see
// above and bench/lib/rtpgen-ports.h); calls 0..sample-1
// are also rtpgen's "sample" streams. Prints one JSON line at the end: calls established / failed
// (with the reasons), rtpgen's report (jitter, loss, its CPU; with two, merged: counts and CPU
// added, cpu_ms_max the busier one, each percentile the higher of the two, so never better than
// either) and this process's CPU. Bounded: every
// call ends by its timers, and the whole step is cut at seconds + n/rate + 90 s.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';
import { Rtpgen } from './rtpgen.mjs';
import { SipUac, tlsTransport, udpTransport } from './sip-uac.mjs';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const log = (s) => process.stderr.write(`${s}\n`);
const limitSec = cfg.seconds + Math.ceil(cfg.n / cfg.rate) + 90;
let uacs = [];
let gens = [];
timer(() => {
  const states = {};
  for (const u of uacs) for (const c of u.calls.values()) states[c.state] = (states[c.state] ?? 0) + 1;
  const awaited = (g) => [...g.waiting].filter(([, l]) => l.length).map(([k, l]) => `${k} x${l.length}`).join(', ') || 'none';
  log(`gen-step: time limit reached; calls still known by state: ${JSON.stringify(states)}; ` +
    gens.map((g, i) => `rtpgen ${i + 1} ${g.child.exitCode ?? g.child.signalCode ?? 'running'}, answers awaited: ${awaited(g)}`).join('; '));
  process.exit(3);
}, limitSec * 1000).unref();

async function main() {
  const cpu0 = process.cpuUsage();
  const half = Math.ceil(cfg.n / 2);
  // The measuring instrument runs above every ordinary thread, as the server's media threads do (the
  // server's own rule, from the build: OPENUM_MEDIA_NICE, OPENUM_MEDIA_REALTIME or their defaults),
  // but one real-time step below them: at the same SCHED_RR priority a media thread that woke while
  // rtpgen held a core waited for it, up to 10 ms (`perf sched timehist`; rtpgen reads as packets
  // come, and 1,000 streams keep it running for 45 ms at a time). Preempted, rtpgen loses nothing
  // it measures: its receive times are the kernel's (SO_TIMESTAMPNS). bench/README.md, "The
  // instrument's priority".
  const { wantedMediaNice, wantedMediaRealtime } = await import(new URL('../../dist/src/media/thread/media-priority.js', import.meta.url).href);
  const nice = wantedMediaNice(process.env).nice;
  const serverRealtime = wantedMediaRealtime(process.env).priority;
  const realtime = serverRealtime > 1 ? serverRealtime - 1 : serverRealtime;
  gens = Array.from({ length: cfg.rtpgens === 2 ? 2 : 1 }, () => new Rtpgen(cfg.bin, { address: cfg.address, audio: cfg.audio, maxSeconds: limitSec + 10, nice, realtime, log }));
  await Promise.all(gens.map(async (g) => { await g.ready; await g.reset(); }));
  const of = (id) => gens[id < half ? 0 : gens.length - 1];
  const media = { open: (id, p) => of(id).open(id, p, id < cfg.sample), start: (id, ...a) => of(id).start(id, ...a), close: (id) => of(id).close(id) };
  const tls = cfg.tls && { cert: readFileSync(cfg.tls.cert), key: readFileSync(cfg.tls.key) };
  uacs = await Promise.all(cfg.ports.map(async (port, i) => {
    const worker = { ip: cfg.worker, port };
    const transport = tls ? await tlsTransport(cfg.address, worker, tls, log) : await udpTransport(cfg.address, cfg.sipPorts[i], worker, log);
    return new SipUac({ transport, worker, media, srtp: Boolean(cfg.srtp) });
  }));
  const t0 = Date.now();
  const calls = [];
  for (let i = 0; i < cfg.n; i++) {
    const due = t0 + (i * 1000) / cfg.rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const uac = uacs[i < half ? 0 : 1];
    const mediaPort = cfg.sharedPorts ? cfg.mediaBase + (i < half ? 0 : 2 * (gens.length - 1)) : cfg.mediaBase + 2 * i;
    calls.push(uac.call({ id: i, user: String(cfg.firstExtension + i), mediaPort, seconds: cfg.seconds }));
  }
  const results = await Promise.all(calls);
  const report = merged(await Promise.all(gens.map((g) => g.report())));
  await Promise.all(gens.map((g) => g.quit()));
  uacs.forEach((u) => u.close());
  const cpu = process.cpuUsage(cpu0);
  const reasons = {};
  const answers = {}; // "INVITE 200" -> count (retransmissions included), to compare with SIPp's message counts
  for (const r of results) {
    if (r.failed) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    for (const c of r.codes) answers[c] = (answers[c] ?? 0) + 1;
  }
  const out = {
    established: results.filter((r) => r.established).length,
    ok: results.filter((r) => r.established && !r.failed).length,
    failed: results.filter((r) => r.failed).length,
    endedByServer: results.filter((r) => r.endedBy === 'server').length,
    reasons, answers, report, nodeCpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - t0,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** One report from one or two rtpgens' (see the header); the sample streams are all the first's. */
function merged(reports) {
  const [a, b] = reports;
  if (!b) return a;
  const out = { ...a };
  for (const k of ['cpu_ms', 'rx', 'tx', 'expected', 'lost', 'late_ticks', 'skipped_ticks', 'ticks', 'samples', 'srtp_fail', 'stray']) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  for (const k of ['p50_us', 'p99_us', 'max_us']) out[k] = Math.max(a[k] ?? -1, b[k] ?? -1);
  out.cpu_ms_max = Math.max(a.cpu_ms ?? 0, b.cpu_ms ?? 0);
  return out;
}

main().catch((e) => { log(`gen-step failed: ${e?.stack ?? e}`); process.exitCode = 1; });
