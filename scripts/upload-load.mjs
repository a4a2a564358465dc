#!/usr/bin/env node
// `npm run load:uploads` (= node scripts/upload-load.mjs): what concurrent greeting uploads cost
// the main process of `openum start`. Starts a throw-away server (admin API and SIP roles on
// UL_ADDRESS), sends UL_UPLOADS PUT /api/users/uN/greeting at once, each a WAV of UL_MB MiB
// (96 kHz stereo 24-bit, under the 5-minute limit), and meanwhile samples the main process's RSS
// (/proc/PID/status, every 100 ms) and times SIP OPTIONS to the UM service (TCP 5062, one
// connection, one probe every 100 ms). An upload answered 503 BUSY is sent again after its
// Retry-After (UL_RETRY=0: not), so every one is eventually stored (also when the connection
// of a refused one closed before its answer: status 0). Prints one JSON object.
// Not a test: Linux only, built code (dist/, or UL_DIST: another build's dist/ for before/after
// runs), bounded by UL_MAX_SECONDS; the server is stopped by its PID and the data dir removed.
// Settings: UL_UPLOADS (1-12, default 6), UL_MB (1-100, default 100), UL_ADDRESS (default
// 127.0.131.40), UL_RETRY (1|0), UL_MAX_SECONDS (10-600, default 180), UL_DIST.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { int } from '../bench/lib/settings.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const DIST = env.UL_DIST ? resolve(env.UL_DIST) : join(ROOT, 'dist');
const CLI = join(DIST, 'src', 'cli', 'main.js');
const UPLOADS = int(env.UL_UPLOADS, 6, 1, 12);
const MIB = int(env.UL_MB, 100, 1, 100);
const ADDRESS = env.UL_ADDRESS ?? '127.0.131.40';
const RETRY = env.UL_RETRY !== '0';
const DEADLINE = Date.now() + int(env.UL_MAX_SECONDS, 180, 10, 600) * 1000;
const WORK = mkdtempSync(join(tmpdir(), 'openum-upload-load-'));
const DATA = join(WORK, 'data');

function must(args) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--data', DATA], { encoding: 'utf8', env: { ...env, OPENUM_LOG_LEVEL: 'warn' } });
  if (r.status !== 0) throw new Error(`openum ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A WAV of `bytes` bytes in all: 96 kHz stereo 24-bit, a tone (its content costs the same to convert as speech). */
function wav(bytes) {
  const dataBytes = Math.floor((bytes - 44) / 6) * 6;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0); b.writeUInt32LE(36 + dataBytes, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(2, 22); b.writeUInt32LE(96000, 24);
  b.writeUInt32LE(96000 * 6, 28); b.writeUInt16LE(6, 32); b.writeUInt16LE(24, 34); b.write('data', 36); b.writeUInt32LE(dataBytes, 40);
  for (let i = 0, at = 44; at < b.length; i++, at += 6) {
    const v = Math.round(2_000_000 * Math.sin((2 * Math.PI * 440 * i) / 96000));
    b.writeIntLE(v, at, 3); b.writeIntLE(v, at + 3, 3);
  }
  return b;
}

/** The main process's event-loop delay since the last scrape (/metrics), in ms. */
function loopMaxMs(port) {
  return new Promise((ok) => {
    request({ host: ADDRESS, port, path: '/metrics', rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => ok(round(Number(/openum_event_loop_delay_seconds\{process="main",quantile="max"\} (\S+)/.exec(text)?.[1] ?? NaN) * 1000)));
    }).on('error', () => ok(NaN)).end();
  });
}

function put(port, path, token, body) {
  return new Promise((ok) => {
    const req = request({
      host: ADDRESS, port, method: 'PUT', path, rejectUnauthorized: false, agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav', 'content-length': body.length },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => ok({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 0), text }));
    });
    req.on('error', (e) => ok({ status: 0, text: e.message }));
    req.end(body);
  });
}

/** One TCP connection to the UM service; `probe()` sends OPTIONS and resolves with the ms to its response. */
async function sipProber() {
  const sock = connect(5062, ADDRESS);
  await new Promise((ok, fail) => { sock.once('connect', ok); sock.once('error', fail); });
  let buf = '';
  let waiting;
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    const end = buf.indexOf('\r\n\r\n');
    if (end >= 0 && waiting) {
      const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length >= end + 4 + len) {
        buf = buf.slice(end + 4 + len);
        const w = waiting;
        waiting = undefined;
        w();
      }
    }
  });
  let n = 0;
  const probe = () => new Promise((ok) => {
    n++;
    const started = process.hrtime.bigint();
    const timer = setTimeout(() => { waiting = undefined; ok(5000); }, 5000);
    waiting = () => { clearTimeout(timer); ok(Number(process.hrtime.bigint() - started) / 1e6); };
    sock.write([`OPTIONS sip:${ADDRESS}:5062 SIP/2.0`, `Via: SIP/2.0/TCP ${ADDRESS}:${sock.localPort};branch=z9hG4bK-ul-${n}`, 'Max-Forwards: 70',
      `From: <sip:probe@${ADDRESS}>;tag=ul`, `To: <sip:${ADDRESS}:5062>`, `Call-ID: ul-${n}@${ADDRESS}`, `CSeq: ${n} OPTIONS`, 'Content-Length: 0', '', ''].join('\r\n'));
  });
  return { probe, close: () => sock.destroy() };
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : 0; };
const round = (x) => Math.round(x * 10) / 10;

let server;
try {
  const token = /administrator token[^:]*: (oum_\S+)/.exec(must(['init', '--fqdn', 'um.contoso.test']))?.[1];
  must(['dialplan', 'new', 'DP', '--extension-length', '4']);
  for (let i = 1; i <= UPLOADS; i++) must(['user', 'new', `u${i}`, '--extension', String(1000 + i), '--dial-plan', 'DP', '--email', `u${i}@contoso.test`]);
  server = spawn(process.execPath, [CLI, 'start', '--data', DATA, '--admin-address', ADDRESS, '--admin-port', '0', '--sip-address', ADDRESS],
    { env: { ...env, OPENUM_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout.on('data', (d) => { out += d; });
  server.stderr.on('data', (d) => { out += d; });
  let port;
  while (!port) {
    if (Date.now() > DEADLINE || server.exitCode !== null) throw new Error(`server did not start: ${out}`);
    port = Number(/admin API listening on https:\/\/[^\s]+:(\d+)/.exec(out)?.[1]) || undefined;
    await sleep(100);
  }
  let sip;
  while (!sip) {
    if (Date.now() > DEADLINE) throw new Error(`UM service not listening on ${ADDRESS}:5062: ${out}`);
    sip = await sipProber().catch(() => undefined);
    if (!sip) await sleep(200);
  }
  await sleep(2000);
  const idle = [];
  for (let i = 0; i < 20; i++) { idle.push(await sip.probe()); await sleep(50); }
  const body = wav(MIB * 1024 * 1024 - 1024);
  const rssBefore = rssMb(server.pid);
  await loopMaxMs(port);

  let running = true;
  const rss = [];
  const during = [];
  const sampler = (async () => { while (running) { rss.push(rssMb(server.pid)); await sleep(100); } })();
  const prober = (async () => { while (running) { during.push(await sip.probe()); await sleep(100); } })();
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: UPLOADS }, async (_, i) => {
    const statuses = [];
    for (;;) {
      const r = await put(port, `/api/users/u${i + 1}/greeting`, token, body);
      statuses.push(r.status);
      // A refused client still sending its body may see the connection closed before the 503 (status 0).
      const refused = r.status === 503 || (r.status === 0 && statuses.length < 20);
      if (!(RETRY && refused) || Date.now() > DEADLINE) return { statuses, last: r.status === 200 ? 'stored' : r.text.slice(0, 200) };
      await sleep((r.retryAfter || 1) * 1000);
    }
  }));
  const seconds = (Date.now() - started) / 1000;
  running = false;
  await Promise.all([sampler, prober]);
  const loopMax = await loopMaxMs(port);
  sip.close();
  console.log(JSON.stringify({
    dist: DIST, uploads: UPLOADS, mib: MIB, retry: RETRY, seconds: round(seconds),
    results: results.map((r) => `${r.statuses.join('>')}: ${r.last}`),
    mainRssMb: { idle: round(rssBefore), peak: round(Math.max(...rss)) },
    mainEventLoopDelayMaxMs: loopMax,
    optionsMs: { idleP50: round(pct(idle, 0.5)), idleMax: round(Math.max(...idle)), duringP50: round(pct(during, 0.5)), duringP99: round(pct(during, 0.99)), duringMax: round(Math.max(...during)), probes: during.length },
  }, null, 2));
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await Promise.race([new Promise((ok) => server.once('exit', ok)), sleep(10_000)]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  rmSync(WORK, { recursive: true, force: true });
}
