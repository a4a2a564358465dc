#!/usr/bin/env node
// `npm run bench:media`: how many simultaneous voice-mail calls OpenUM's two UM workers carry with
// clean media. A ladder of N simultaneous calls (UDP, straight to the workers 5065/5067, half
// each), every call diverted to one of N users: INVITE -> 200 -> ACK -> 20 ms PCMA packets from
// g711a.pcap, looped -> BYE after BENCH_SECONDS. Two load generators (BENCH_GEN):
//   openum (default when a C compiler builds bench/lib/rtpgen.c): Node signalling
//          (bench/lib/sip-uac.mjs) + one C thread for all the media, which also measures what the
//          server sends on every call (receiver jitter, loss): cheap per call, no tshark needed
//   sipp   two SIPp processes (one thread per call), tshark on lo for the jitter of ~40 streams
// Per step it prints calls established/failed, RTP loss (the workers' 'call ended' lines), the
// greeting's jitter p99 as received, the server's send p99, the workers' CPU and RSS per call, the
// generator's CPU beside them and the machine's, the messages recorded and how their files' length
// follows the time recorded over; which limit was met; then the largest N with loss < 0.1 %,
// jitter p99 < 5 ms and every message at its length. Not a test. Everything runs on BENCH_ADDRESS (server) and
// BENCH_GEN_ADDRESS (generator); every run is bounded in calls, packets and time; every process
// this script starts is stopped by its PID.
// Settings (environment): BENCH_SECONDS (default 30), BENCH_MAX_CALLS (default 1000),
// BENCH_STEPS (default 50,100,200,400,700,1000), BENCH_STOP_ON (any|failed), BENCH_GEN
// (openum|sipp), BENCH_TSHARK (1: tshark beside the openum generator too), BENCH_SRTP, BENCH_RTPGENS
// (2: two rtpgen processes, one per worker's half of the calls), BENCH_RTPGEN_SRTP (openssl|libsrtp2),
// BENCH_ADDRESS, BENCH_GEN_ADDRESS. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SIPP_G711A } from '../test/fixtures/sipp/rtp-pcap.mjs';
import { openumGenerator, sippGenerator } from './lib/media-generators.mjs';
import { gatewayPki } from './lib/gateway-pki.mjs';
import { callEnded, machineTicks, recordings, rssKb, startOpenUm, WORKER_PORTS, WORKER_TLS_PORTS, workerPids, workerTicks } from './lib/media-server.mjs';
import { Processes, ticks } from './lib/processes.mjs';
import { alawFromPcap, buildRtpgen } from './lib/rtpgen.mjs';
import { buildStallProbe, StallProbe } from './lib/stall-probe.mjs';
import { int } from './lib/settings.mjs';
import { captureReady, jitterP99, startCapture } from './lib/tshark-jitter.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SECONDS = int(env.BENCH_SECONDS, 30, 3, 120);
const MAX_CALLS = int(env.BENCH_MAX_CALLS, 1000, 2, 2000);
const STEPS = (env.BENCH_STEPS ?? '50,100,200,400,700,1000').split(',').map((s) => int(s.trim(), 0, 2, 2000)).filter((n) => n <= MAX_CALLS);
if (!STEPS.length || STEPS[STEPS.length - 1] < MAX_CALLS && !env.BENCH_STEPS) STEPS.push(MAX_CALLS);
// 'any' (default): the ladder stops at the first step that is not clean; 'failed': only when calls fail
const STOP_ON = env.BENCH_STOP_ON === 'failed' ? 'failed' : 'any';
/** A wrong setting: one line naming it and what it takes, exit 2, before anything starts. */
const refuse = (message) => {
  console.error(`bench:media: ${message}`);
  process.exit(2);
};
const loopback = (name, fallback) => {
  const a = env[name] || fallback;
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) refuse(`${name} must be a loopback IPv4 address (127.x.y.z), got "${a}"`);
  return a;
};
if (!['', 'openum', 'sipp'].includes(env.BENCH_GEN ?? '')) refuse(`BENCH_GEN must be openum or sipp, got "${env.BENCH_GEN}"`);
if (!['', '1', '2'].includes(env.BENCH_RTPGENS ?? '')) refuse(`BENCH_RTPGENS must be 1 or 2 (rtpgen processes), got "${env.BENCH_RTPGENS}"`);
const RTPGENS = Number(env.BENCH_RTPGENS || 1);
if (!['', 'openssl', 'libsrtp2'].includes(env.BENCH_RTPGEN_SRTP ?? '')) refuse(`BENCH_RTPGEN_SRTP must be openssl or libsrtp2 (rtpgen's SRTP), got "${env.BENCH_RTPGEN_SRTP}"`);
const ADDRESS = loopback('BENCH_ADDRESS', '127.0.55.50');
const GEN_ADDRESS = loopback('BENCH_GEN_ADDRESS', ADDRESS); // the gateway's address: where calls come from
const RTP = { min: 40000, max: 49999 };
const GEN_MEDIA_BASE = 20000;        // the openum generator's RTP ports: 20000 + 2i
const SAMPLE_STREAMS = 40;           // greeting streams tshark captures per step (at most)
const LOSS_LIMIT = 0.001;            // 0.1 %
const JITTER_LIMIT_MS = 5;
const RECORDING_SLACK_MS = 200;      // |wall time - file length|: a few frames of jitter buffer and the BYE's handling
const GATEWAY_FQDN = 'gw.bench.test'; // BENCH_SRTP=1: the gateway's certificate name
const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const CPUS = readdirSync('/sys/devices/system/cpu').filter((c) => /^cpu\d+$/.test(c)).length || 1;
const WORK = mkdtempSync(join(tmpdir(), 'openum-bench-media-'));
const log = (...a) => console.log(...a);
const procs = new Processes(WORK, log, { stopGraceMs: 8000 });
let stallProbe; // bench/lib/stall-probe.c, built in main(): { path } or { error }

/**
 * The generator asked for (BENCH_GEN), or SIPp when rtpgen does not build (said so). BENCH_SRTP=1:
 * the Secured ladder (TLS to the workers' 5066/5068, SRTP), openum generator only, its SRTP on
 * libcrypto, or on libsrtp2 with BENCH_RTPGEN_SRTP=libsrtp2 (rtpgen-srtp.h says why both).
 */
function chooseGenerator() {
  const want = env.BENCH_GEN || 'openum';
  if (want !== 'openum' && want !== 'sipp') throw new Error(`BENCH_GEN: openum or sipp, got "${want}"`);
  const srtp = env.BENCH_SRTP === '1';
  if (srtp && want === 'sipp') throw new Error('BENCH_SRTP=1 needs BENCH_GEN=openum (the SIPp scenario is UDP and plain RTP)');
  const common = { root: ROOT, work: WORK, procs, address: GEN_ADDRESS, server: ADDRESS, workerPorts: WORKER_PORTS, seconds: SECONDS };
  if (want === 'openum') {
    const built = buildRtpgen(WORK);
    const backend = env.BENCH_RTPGEN_SRTP || built.srtp?.[0];
    if (srtp && !built.srtp?.length) throw new Error(`BENCH_SRTP=1: rtpgen was not built with SRTP (${built.error ?? 'neither libcrypto nor libsrtp2 found by pkg-config; Debian: libssl-dev or libsrtp2-dev'})`);
    if (srtp && !built.srtp.includes(backend)) throw new Error(`BENCH_RTPGEN_SRTP: rtpgen was built with ${built.srtp.join(' and ')}, not "${backend}" (Debian: libssl-dev for openssl, libsrtp2-dev for libsrtp2)`);
    process.env.RTPGEN_SRTP = backend ?? ''; // read by rtpgen.c (rtpgen-srtp.h), inherited through gen-step
    if (srtp) log(`server SRTP: ${env.OPENUM_SRTP ? `OPENUM_SRTP=${env.OPENUM_SRTP}` : 'its default (OpenSSL through native/srtpcrypto when built)'}`);
    if (built.path) {
      log(`generator: openum (Node signalling${srtp ? ' over TLS' : ''} + ${RTPGENS === 2 ? 'two rtpgen processes, one per worker,' : 'rtpgen'} built with ${built.compiler}${built.srtp.length ? `, SRTP on ${built.srtp.join(' and ')}` : ''}${srtp ? `; SRTP with ${backend}` : ''})`);
      const tls = srtp ? gatewayPki(join(WORK, 'pki'), GATEWAY_FQDN) : undefined;
      // One RTP port per rtpgen for all its calls (bench/lib/rtpgen-ports.h), unless tshark samples
      // the greeting streams: its capture filter picks the first calls by their own ports.
      return openumGenerator({ ...common, bin: built.path, audio: alawFromPcap(SIPP_G711A, join(WORK, 'g711a.alaw')), sample: SAMPLE_STREAMS, rtpgens: RTPGENS,
        sharedPorts: env.BENCH_TSHARK !== '1',
        ...(srtp ? { workerPorts: WORKER_TLS_PORTS, tls, srtp: true } : {}) });
    }
    log(`generator: SIPp, because rtpgen did not build (${built.error})`);
  } else log('generator: SIPp');
  return sippGenerator({ ...common, hz: HZ });
}

/** tshark on the greeting streams: a share of the server's random RTP ports (SIPp), or the openum generator's first sample calls. */
function capture(gen, n, dir) {
  if (gen.name !== 'sipp' && env.BENCH_TSHARK !== '1') return undefined;
  let filter;
  if (gen.name === 'sipp') {
    const top = RTP.min + Math.max(2, Math.floor((RTP.max - RTP.min) * Math.min(1, SAMPLE_STREAMS / n)));
    filter = `udp and src host ${ADDRESS} and src portrange ${RTP.min}-${top}`;
  } else {
    filter = `udp and src host ${ADDRESS} and dst host ${GEN_ADDRESS} and dst portrange ${GEN_MEDIA_BASE}-${GEN_MEDIA_BASE + 2 * Math.min(n, SAMPLE_STREAMS) - 1}`;
  }
  return { file: join(dir, 'greetings.pcap'), proc: startCapture(procs, `tshark-${n}`, join(dir, 'greetings.pcap'), filter, SECONDS + Math.ceil(n / 300) + 25) };
}

async function step(n, gen, workers) {
  const dir = join(WORK, `step-${n}`);
  mkdirSync(dir);
  const t0 = Date.now();
  const cap = capture(gen, n, dir);
  const capturing = cap ? await captureReady(WORK, cap.proc) : false;
  const ticks0 = workerTicks(workers);
  const machine0 = machineTicks();
  const rss0 = rssKb(workers);
  let rssPeak = rss0;
  let tsharkTicks = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssKb(workers));
    if (cap) tsharkTicks = Math.max(tsharkTicks, ticks(cap.proc.child.pid)); // tshark runs under `timeout`: a child's ticks
  }, 500);
  const probe = stallProbe?.path ? new StallProbe(procs, stallProbe.path, `stall-probe-${n}`, SECONDS + n / 50 + 120) : undefined;
  let g;
  try { g = await gen.run(n, dir); } finally { clearInterval(sampler); }
  const stalls = await probe?.stop();
  const wall = (Date.now() - t0) / 1000;
  const cpu = ((workerTicks(workers) - ticks0) / HZ / wall) * 100;
  const machine = machineTicks();
  const machinePct = ((machine.busy - machine0.busy) / Math.max(1, machine.all - machine0.all)) * 100 * CPUS;
  if (cap) await procs.stop(cap.proc);
  // the workers log 'call ended' once the recording is on disk: wait for them
  const logFile = join(WORK, 'openum.log');
  let ended = callEnded(logFile, t0);
  for (let i = 0; i < 50 && ended.length < g.established; i++) { await sleep(200); ended = callEnded(logFile, t0); }
  const lost = ended.reduce((s, c) => s + Number(c.rtp.lost ?? 0), 0);
  const expected = ended.reduce((s, c) => s + Number(c.rtp.expected ?? 0), 0);
  const sendP99 = ended.map((c) => Number(c.sendJitterP99Ms)).filter(Number.isFinite).sort((a, b) => a - b);
  const loopDelays = ended.map((c) => Number(c.mediaLoopDelayP99Ms)).filter(Number.isFinite);
  // The workers' side of SRTP: which implementation each call got, and what it refused.
  const secured = ended.filter((c) => c.srtpStats);
  const serverSrtp = secured.length ? {
    implementations: secured.reduce((m, c) => ({ ...m, [c.srtpStats.implementation]: (m[c.srtpStats.implementation] ?? 0) + 1 }), {}),
    authFailures: secured.reduce((s, c) => s + Number(c.srtpStats.authFailures ?? 0) + Number(c.srtpStats.rtcpAuthFailures ?? 0), 0),
    replays: secured.reduce((s, c) => s + Number(c.srtpStats.replays ?? 0), 0),
  } : undefined;
  // Every call's message at its true length: the samples in the file against the wall time it was
  // recorded over, from 'recording started' to the BYE (media-server.mjs recordings()).
  const { started, ended: recs } = recordings(logFile, t0);
  const shortfall = recs.map((m) => m.wallMs - m.durationMs).sort((a, b) => a - b);
  const recorded = { started, ended: recs.length, messages: recs.filter((m) => m.stored).length, missed: recs.filter((m) => !m.stored).length,
    shortfallP50Ms: shortfall[Math.floor(shortfall.length / 2)] ?? NaN, shortfallMaxMs: shortfall[shortfall.length - 1] ?? NaN,
    shortfallMinMs: shortfall[0] ?? NaN, durationP50Ms: recs.map((m) => m.durationMs).sort((a, b) => a - b)[Math.floor(recs.length / 2)] ?? NaN };
  const tshark = capturing ? jitterP99(cap.file) : undefined;
  const genPct = Object.fromEntries(Object.entries(g.cpu).map(([k, v]) => [k, (v / wall) * 100]));
  return {
    n, ok: g.ok, failed: g.failed, reasons: g.reasons, answers: g.answers, wall, ended: ended.length, lossPct: expected ? (100 * Math.max(0, lost)) / expected : NaN, lost, expected,
    jitterP99Ms: g.rx ? g.rx.p99Ms : tshark?.p99 ?? NaN, jitterStreams: g.rx ? n : tshark?.streams ?? 0,
    tshark, rx: g.rx, serverSrtp, recorded,
    serverSendP99Ms: sendP99.length ? sendP99[Math.floor(sendP99.length * 0.99)] ?? sendP99[sendP99.length - 1] : NaN,
    cpuPct: cpu, rssPerCallKb: (rssPeak - rss0) / n, rssPeakMb: rssPeak / 1024,
    mediaLoopDelayP99Ms: loopDelays.length ? Math.max(...loopDelays) : NaN,
    cpuPerCallPct: cpu / Math.max(1, n), genPct, genTotalPct: Object.values(genPct).reduce((a, b) => a + b, 0),
    genMaxPartPct: (g.maxPartSec / wall) * 100, tsharkPct: (tsharkTicks / HZ / wall) * 100, machinePct, stalls,
  };
}

/**
 * Every recording that started ended in a file (a message, or one too short: a missed call) as
 * long as the time it was recorded over, within RECORDING_SLACK_MS. Calls that end during the
 * greeting (BENCH_SECONDS too short) record nothing, and are not judged here.
 */
const recordedTrue = (r) => !r.recorded || (r.recorded.ended === r.recorded.started && !(Math.max(r.recorded.shortfallMaxMs, -r.recorded.shortfallMinMs) > RECORDING_SLACK_MS));
const clean = (r) => r.failed === 0 && r.lossPct < LOSS_LIMIT * 100 && r.jitterP99Ms < JITTER_LIMIT_MS && recordedTrue(r);
/** The stall probe (at SCHED_RR 99) saw stalls over 5 ms touch at least half the 1 % of ticks a jitter p99 allows. */
const stalled = (r) => Boolean(r.stalls?.realtime && r.stalls.touched >= 0.005 * r.stalls.ticks);
const genParts = (r) => Object.entries(r.genPct).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' + ');

/** Which limit a step met: the machine, the load generator (one of its processes near a core), the server, or none. */
function limitOf(r, gen) {
  if (clean(r)) return 'none';
  if (!recordedTrue(r)) {
    return `server: ${r.recorded.ended} of ${r.recorded.started} recordings ended in a file, files from ${f(r.recorded.shortfallMaxMs, 0)} ms shorter to ${f(-r.recorded.shortfallMinMs, 0)} ms ` +
      `longer than the time recorded over (more than ${RECORDING_SLACK_MS} ms either way): audio lost or made up between the socket and the file`;
  }
  if (stalled(r)) {
    return `the machine itself: a probe thread that nothing on it outranks woke over 5 ms late ${r.stalls.over5ms} times (max ${r.stalls.maxMs.toFixed(1)} ms), ` +
      `stalls of the kernel or the hypervisor that the server's media threads could not escape either; they alone put ${pct(r.stalls)} of the ` +
      'media ticks out of step, where a jitter p99 allows 1 %: repeat the step';
  }
  if (r.machinePct >= 0.9 * CPUS * 100) {
    return `machine full (${r.machinePct.toFixed(0)} %: workers ${r.cpuPct.toFixed(0)}, generator ${genParts(r)}${r.tshark ? `, tshark ${r.tsharkPct.toFixed(0)}` : ''}` +
      `, other processes ${Math.max(0, r.machinePct - r.cpuPct - r.genTotalPct - (r.tshark ? r.tsharkPct : 0)).toFixed(0)})` +
      (r.rx?.skippedTicks ? `; rtpgen, short of CPU, skipped ${r.rx.skippedTicks} ticks` : '');
  }
  if (r.genMaxPartPct >= 90) return `load generator (${gen.name === 'sipp' ? 'a SIPp' : 'one of its processes'} at ${r.genMaxPartPct.toFixed(0)} % of a core)`;
  if (r.rx && r.rx.skippedTicks > 0) return `load generator (rtpgen skipped ${r.rx.skippedTicks} ticks: it could not send on time)`;
  return `server: its workers used ${r.cpuPct.toFixed(0)} % of the machine's ${CPUS * 100} %, and the media event loop ran late by up to ` +
    `${Number.isNaN(r.mediaLoopDelayP99Ms) ? 'n/a' : r.mediaLoopDelayP99Ms.toFixed(1)} ms (p99): one media loop per worker is the limit, not the machine`;
}

const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const pct = (s) => `${((100 * s.touched) / Math.max(1, s.ticks)).toFixed(2)} %`;

function printRow(r, gen) {
  log(`${String(r.n).padStart(5)}  ${String(r.ok).padStart(11)}  ${String(r.failed).padStart(6)}  ${f(r.lossPct, 3).padStart(6)}` +
    `   ${f(r.jitterP99Ms).padStart(6)} (${r.jitterStreams})`.padEnd(26) + `  ${f(r.serverSendP99Ms)}`.padStart(19) +
    `  ${r.cpuPct.toFixed(0).padStart(11)}  ${r.rssPerCallKb.toFixed(0).padStart(11)}  ${r.wall.toFixed(1).padStart(6)}` +
    `  ${f(r.mediaLoopDelayP99Ms, 1).padStart(17)}  ${r.genTotalPct.toFixed(0).padStart(15)}  ${r.machinePct.toFixed(0).padStart(9)}`);
  log(`       generator CPU %: ${genParts(r)}${r.tshark ? `; tshark ${r.tsharkPct.toFixed(0)}` : ''}`);
  if (r.rx) {
    log(`       rtpgen received ${r.rx.rxPackets} packets on ${r.n} calls (sent ${r.rx.txPackets}), lost ${r.rx.lost} of ${r.rx.expected}; jitter p50 ${f(r.rx.p50Ms)} ` +
      `p99 ${f(r.rx.p99Ms)} max ${f(r.rx.maxMs)} ms; its ticks late > 1 ms ${r.rx.lateTicks} of ${r.rx.ticks}, skipped ${r.rx.skippedTicks}` +
      `${gen.tls ? `; SRTP failures ${r.rx.srtpFailures}` : ''}${r.rx.stray ? `; ${r.rx.stray} from no call's port` : ''}`);
  }
  if (r.recorded?.started === 0) log(`       recorded: nothing (calls of ${SECONDS} s end during the greeting)`);
  else if (r.recorded) {
    log(`       recorded: ${r.recorded.messages} messages${r.recorded.missed ? ` and ${r.recorded.missed} too short (missed calls)` : ''} of ${r.ok} calls ` +
      `(${r.recorded.started} recordings started), ${f(r.recorded.durationP50Ms / 1000, 1)} s each (median); ` +
      `wall time minus the file's length: median ${f(r.recorded.shortfallP50Ms, 0)} ms, from ${f(r.recorded.shortfallMinMs, 0)} to ${f(r.recorded.shortfallMaxMs, 0)} ms`);
  }
  if (r.serverSrtp) {
    log(`       server SRTP: ${Object.entries(r.serverSrtp.implementations).map(([k, v]) => `${v} calls on ${k}`).join(', ')}; ` +
      `authentication failures ${r.serverSrtp.authFailures}, replays ${r.serverSrtp.replays}`);
  }
  if (r.tshark) {
    log(`       tshark jitter p99 ${f(r.tshark.p99)} ms on ${r.tshark.streams} streams (${r.tshark.samples} samples)` +
      (r.rx ? `; rtpgen on the same ${Math.min(r.n, SAMPLE_STREAMS)} streams: ${f(r.rx.samplePercentile99Ms)} ms (${r.rx.sampleSamples} samples)` : ''));
  }
  if (r.stalls) {
    log(`       machine stalls (a probe thread at ${r.stalls.realtime ? 'SCHED_RR 99' : 'the ordinary priority: real-time refused'}, 2 ms sleeps): ` +
      `late > 1 ms ${r.stalls.over1ms}, > 5 ms ${r.stalls.over5ms}, > 20 ms ${r.stalls.over20ms} of ${r.stalls.wakeups} wake-ups; p99.9 ${f(r.stalls.p999Ms)} ms, ` +
      `max ${f(r.stalls.maxMs, 1)} ms; ${pct(r.stalls)} of the 20 ms ticks touched`);
  }
  if (r.answers) log(`       server answers: ${Object.entries(r.answers).map(([k, v]) => `${v} x ${k}`).join(', ')}`);
  if (Object.keys(r.reasons ?? {}).length) log(`       failures: ${Object.entries(r.reasons).map(([k, v]) => `${v} x ${k}`).join('; ')}`);
  log(`       limit: ${limitOf(r, gen)}; CPU per call ${r.cpuPerCallPct.toFixed(3)} % of a core -> ${(100 / Math.max(1e-9, r.cpuPerCallPct)).toFixed(0)} calls per core at this cost`);
}

async function main() {
  if (!existsSync(SIPP_G711A)) throw new Error(`${SIPP_G711A} missing (package sip-tester)`);
  log(`OpenUM media benchmark: N simultaneous voice-mail calls of ${SECONDS} s (g711a.pcap, 20 ms, looped), steps ${STEPS.join(', ')}; ${CPUS} CPUs`);
  log(`work dir (logs, stats, captures): ${WORK}`);
  const gen = chooseGenerator();
  for (const [bin, arg] of [...(gen.name === 'sipp' ? [['sipp', '-v']] : []), ...(gen.name === 'sipp' || env.BENCH_TSHARK === '1' ? [['tshark', '--version']] : [])]) {
    const r = spawnSync(bin, [arg], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw new Error(`${bin} is not installed (Debian: apt-get install ${bin === 'sipp' ? 'sip-tester' : 'tshark'})`);
  }
  stallProbe = buildStallProbe(WORK);
  if (stallProbe.error) log(`stall probe: not built (${stallProbe.error}); steps are measured without it`);
  const server = await startOpenUm({ root: ROOT, work: WORK, procs, users: STEPS[STEPS.length - 1], address: ADDRESS, gatewayAddress: GEN_ADDRESS, rtp: RTP,
    ...(gen.tls ? { secured: { ca: gen.tls.ca, gatewayFqdn: GATEWAY_FQDN } } : {}) });
  const workers = workerPids(server.proc.child.pid);
  log(`openum PID ${server.proc.child.pid}, UM workers ${workers.join(', ')} on ${ADDRESS}:${(gen.tls ? WORKER_TLS_PORTS : WORKER_PORTS).join('/')}` +
    `${gen.tls ? ' (TLS)' : ''}, RTP ${RTP.min}-${RTP.max}; generator on ${GEN_ADDRESS}\n`);
  log(`    N  established  failed  loss %   jitter p99 ms (streams)  server send p99 ms  worker CPU %  RSS/call KB  wall s  media loop p99 ms  generator CPU %  machine %`);
  const rows = [];
  for (const n of STEPS) {
    const r = await step(n, gen, workers);
    rows.push(r);
    printRow(r, gen);
    if (r.failed > 0 || (STOP_ON === 'any' && !clean(r))) {
      log(`  -> step ${n} not clean (${[r.failed ? `${r.failed} failed calls` : '', r.lossPct >= LOSS_LIMIT * 100 ? 'loss' : '', !(r.jitterP99Ms < JITTER_LIMIT_MS) ? 'jitter' : ''].filter(Boolean).join(', ')}` +
        `${stalled(r) ? '; the machine stalled during it' : ''}): ladder stops`);
      break;
    }
    await sleep(3000);
  }
  await procs.stopAll();
  const best = rows.filter(clean).pop();
  log(`\nlargest N with loss < ${LOSS_LIMIT * 100} %, receiver jitter p99 < ${JITTER_LIMIT_MS} ms and every message at its length: ${best ? best.n : 'none'} (generator: ${gen.name})`);
  // Published Asterisk sizing: about 100 G.711 calls per GHz of total CPU (issue 12).
  const mhz = readFileSync('/proc/cpuinfo', 'utf8').match(/^cpu MHz\s*:\s*([\d.]+)/m)?.[1];
  if (mhz) {
    const asterisk = Math.round((100 * Number(mhz) * CPUS) / 1000);
    log(`Asterisk's published sizing on this machine (100 calls per GHz x ${CPUS} x ${(Number(mhz) / 1000).toFixed(2)} GHz): ~${asterisk} calls; ` +
      `ratio of the largest clean N: ${best ? (best.n / asterisk).toFixed(2) : 'n/a'}`);
  }
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ seconds: SECONDS, steps: STEPS, generator: gen.name, rows }, null, 2));
  log(`details: ${join(WORK, 'results.json')}`);
}

main().then(() => procs.stopAll()).catch(async (e) => {
  console.error(`bench:media failed: ${e?.stack ?? e}`);
  await procs.stopAll();
  process.exitCode = 1;
});
