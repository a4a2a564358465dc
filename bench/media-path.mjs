#!/usr/bin/env node
// `node bench/media-path.mjs`: CPU cost of one RTP packet through OpenUM's media path, in one
// process, without SIP. K call pairs on loopback: the "worker" side (127.0.66.1) is a MediaChannel
// playing a prompt and recording what it receives (G.711 decode -> jitter buffer -> WavRecorder),
// the "caller" side (127.0.66.2) a MediaChannel playing its own prompt. One MediaClock ticks all
// 2K channels every 20 ms, as in a UM worker. After a warm-up, process.cpuUsage() over T seconds
// divided by the packets sent gives µs of CPU per packet (send + receive of one packet).
// Built code only (dist/, `npx tsc -p tsconfig.json` first). Bounded: K <= 500, T <= 60 s,
// loopback only; recordings go to a temporary directory that is removed at the end.
// Settings (environment): MP_CALLS (K, default 100), MP_SECONDS (T, default 10), MP_WARMUP
// (seconds, default 2), MP_CODEC (PCMA|PCMU, default PCMA), MP_PROMPT (distinct|shared: one prompt
// per call, like per-extension greetings, or one for all; default distinct), MP_RECORD (1|0),
// MP_DIST (a dist/ directory to load instead of ./dist), MP_WORKER and MP_CALLER (the two loopback
// addresses, default 127.0.66.1 and 127.0.66.2), MP_NATIVE (1: RTP leaves through the native/udp
// addon in one call per tick, as on the media thread, when it is built and the build has it;
// default 0: dgram's send()), MP_NATIVE_RECV (1: the addon also owns the RTP sockets and
// BatchedUdpIn reads them all once per tick, as on the media thread; default 0: dgram's 'message'
// events), MP_MODE (clock|burst). `burst` replaces the
// 20 ms clock with MP_ROUNDS rounds (default 500) of one tick for every channel, each round followed
// by one event-loop turn that takes the datagrams in: the same work per packet without the idle
// time, less noisy on a shared machine. MP_SRTP=1 secures every call (AES_CM_128_HMAC_SHA1_80,
// fresh keys a call) through createSrtpTransform(): libsrtp2 when native/srtp is built, node:crypto
// under OPENUM_NATIVE=0, for A/B runs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import process from 'node:process';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// MP_DIST: another build's dist/ (e.g. a copy of the one before a change), for A/B runs.
const DIST = process.env.MP_DIST ? resolve(process.env.MP_DIST) : join(ROOT, 'dist');
const load = (p) => import(pathToFileURL(join(DIST, 'src', 'media', p)).href);
const { int } = await import('./lib/settings.mjs');
const { MediaChannel } = await load('media-channel.js');
const { MediaClock } = await load('media-clock.js');
const { PortAllocator } = await load('port-allocator.js');
const { WavRecorder } = await load('audio/wav-recorder.js');
// MP_NATIVE=1: the media thread's batched native sender (a build without it, or without the addon
// built, runs the dgram path and says so in the output).
const nativeOut = async () => {
  if (process.env.MP_NATIVE !== '1') return { out: undefined, why: 'MP_NATIVE is not 1' };
  try {
    const { loadUdpAddon } = await load('native/udp.js');
    const { BatchedUdpOut } = await load('native/udp-batch-out.js');
    const { addon, why } = loadUdpAddon();
    return { out: addon ? new BatchedUdpOut(addon) : undefined, why };
  } catch {
    return { out: undefined, why: 'this build has no native sender' };
  }
};
// MP_NATIVE_RECV=1: the media thread's batched native receive (udp-batch-in.js), polled on `clock`.
const nativeIn = async (clock) => {
  if (process.env.MP_NATIVE_RECV !== '1') return { polled: undefined, why: 'MP_NATIVE_RECV is not 1' };
  try {
    const { loadUdpRecvAddon } = await load('native/udp.js');
    const { BatchedUdpIn } = await load('native/udp-batch-in.js');
    const { addon, why } = loadUdpRecvAddon({});
    return { polled: addon ? new BatchedUdpIn(addon, clock) : undefined, why };
  } catch {
    return { polled: undefined, why: 'this build has no native receive' };
  }
};
const { nativeSrtpAvailable, NATIVE_MAX_LIVE } = await load('srtp/create-transform.js');
const srtpImplementation = nativeSrtpAvailable() ? `libsrtp2 up to ${NATIVE_MAX_LIVE} sessions, then node:crypto` : 'node:crypto';

const env = process.env;
const CALLS = int(env.MP_CALLS, 100, 1, 500);
const SECONDS = int(env.MP_SECONDS, 10, 1, 60);
const WARMUP = int(env.MP_WARMUP, 2, 0, 10);
const CODEC = env.MP_CODEC === 'PCMU' ? 'PCMU' : 'PCMA';
const PT = CODEC === 'PCMU' ? 0 : 8;
const SHARED = env.MP_PROMPT === 'shared';
const RECORD = env.MP_RECORD !== '0';
const BURST = env.MP_MODE === 'burst';
const ROUNDS = int(env.MP_ROUNDS, 500, 10, 5000);
const SRTP = env.MP_SRTP === '1';
const loopback = (v, fallback) => {
  if (v === undefined || v === '') return fallback;
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v)) throw new Error(`expected a 127.x.y.z address, got "${v}"`);
  return v;
};
const WORKER = loopback(env.MP_WORKER, '127.0.66.1');
const CALLER = loopback(env.MP_CALLER, '127.0.66.2');

// A prompt longer than the run, so playback never ends: a tone with a little noise (not silence,
// which some encoders take a shortcut on).
const promptSamples = (seed) => {
  const n = 8000 * (WARMUP + SECONDS + 5);
  const out = new Int16Array(n);
  let x = seed + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = Math.round(8000 * Math.sin((2 * Math.PI * (300 + (seed % 50) * 10) * i) / 8000)) + ((x >> 16) % 512) - 256;
  }
  return out;
};
const shared = SHARED ? promptSamples(0) : undefined;

// burst mode: a clock the bench ticks itself (same subscribe() contract as MediaClock).
const firstTicks = new Set();
const ticks = new Set();
const burstClock = {
  skipped: 0,
  subscribe: (fn, o) => {
    const set = o?.first ? firstTicks : ticks;
    set.add(fn);
    return () => set.delete(fn);
  },
};
const clock = BURST ? burstClock : new MediaClock();
const receive = await nativeIn(clock);
const polled = receive.polled;
const workerPorts = new PortAllocator({ min: 30000, max: 39999 }, polled);
const callerPorts = new PortAllocator({ min: 30000, max: 39999 }, polled);
const dir = mkdtempSync(join(tmpdir(), 'openum-media-path-'));
const pairs = [];
const media = (remote, port, srtp) => ({ codec: CODEC, payloadType: PT, remote: { address: remote, port }, ...(srtp ? { srtp } : {}) });
const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const native = await nativeOut();
const out = native.out;
try {
  for (let i = 0; i < CALLS; i++) {
    const w = await workerPorts.allocate(WORKER);
    const c = await callerPorts.allocate(CALLER);
    const [kw, kc] = [randomBytes(30), randomBytes(30)];
    const worker = new MediaChannel({ ports: w, media: media(CALLER, c.port, SRTP && { suite: SUITE, localKey: kw, remoteKey: kc }), clock, ...(out ? { out } : {}) });
    const caller = new MediaChannel({ ports: c, media: media(WORKER, w.port, SRTP && { suite: SUITE, localKey: kc, remoteKey: kw }), clock, ...(out ? { out } : {}) });
    const recorder = RECORD ? await WavRecorder.create(join(dir, `${i}.wav`)) : undefined;
    let writing = Promise.resolve();
    worker.startCapture((frame) => {
      if (frame && recorder) writing = writing.then(() => recorder.write(frame));
    });
    void worker.play(shared ?? promptSamples(i));
    void caller.play(shared ?? promptSamples(i + 100000));
    pairs.push({ worker, caller, recorder, done: () => writing });
  }
  await sleep(WARMUP * 1000);
  const sent = () => pairs.reduce((n, p) => n + p.worker.stats().rtp.packetsOut + p.caller.stats().rtp.packetsOut, 0);
  const received = () => pairs.reduce((n, p) => n + p.worker.stats().rtp.packetsIn + p.caller.stats().rtp.packetsIn, 0);
  const skipped0 = clock.skipped;
  const s0 = sent();
  const r0 = received();
  const batches0 = out?.batches ?? 0;
  const reads0 = polled?.counts.reads ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (BURST) {
    for (let r = 0; r < ROUNDS; r++) {
      for (const fn of [...firstTicks, ...ticks]) fn(0);
      await turn();
    }
    await sleep(50); // the last datagrams
    for (const fn of firstTicks) fn(0); // the native receive reads them on a tick
  } else {
    await sleep(SECONDS * 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const packets = sent() - s0;
  const got = received() - r0;
  const lateness = pairs.map((p) => p.worker.stats().sendLatenessMs.p99).sort((a, b) => a - b);
  const usedUs = cpu.user + cpu.system;
  console.log(JSON.stringify({
    mode: BURST ? 'burst' : 'clock', native: out ? `batched, ${out.batches - batches0} native calls` : `dgram (${native.why})`,
    receive: polled ? `batched, ${polled.counts.reads - reads0} native reads` : `dgram (${receive.why})`, srtp: SRTP ? `${SUITE} on ${srtpImplementation}` : 'none', calls: CALLS, channels: 2 * CALLS, codec: CODEC, prompt: SHARED ? 'shared' : 'distinct', record: RECORD, seconds: Math.round(wallS * 100) / 100,
    packetsSent: packets, packetsReceived: got, pps: Math.round(packets / wallS),
    cpuPercent: Math.round((usedUs / 1e4 / wallS) * 10) / 10,
    usPerPacket: Math.round((usedUs / packets) * 100) / 100,
    userUsPerPacket: Math.round((cpu.user / packets) * 100) / 100,
    systemUsPerPacket: Math.round((cpu.system / packets) * 100) / 100,
    clockSkipped: clock.skipped - skipped0,
    latenessP99Median: lateness[Math.floor(lateness.length / 2)] ?? 0,
  }));
} finally {
  for (const p of pairs) {
    await Promise.all([p.worker.close(), p.caller.close()]);
    await p.done().catch(() => undefined);
    await p.recorder?.finish().catch(() => undefined);
  }
  rmSync(dir, { recursive: true, force: true });
}
