// The server side of bench/media.mjs: OpenUM in a temporary data dir with N users (through the
// store: one CLI process per user would take minutes), its UM workers' PIDs, CPU and RSS, their
// 'call ended' lines, and the whole machine's CPU from /proc/stat.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBenchUsers } from './openum-site.mjs';
import { cmdline, listening, procTable } from './processes.mjs';

export const WORKER_PORTS = [5065, 5067];
export const WORKER_TLS_PORTS = [5066, 5068];

/**
 * OpenUM on `address` with dial plan DP, a gateway at `gatewayAddress` (where the calls come from)
 * and `users` users u0… (extensions 5000…). Returns { proc, data }. With `secured` ({ ca, gatewayFqdn }):
 * DP is Secured (TLS and SRTP, RFC 4568 SDES), the gateway is known by its certificate's name, the
 * CA is trusted, a self-signed certificate for um.bench.test is enabled for UM, startup mode Dual.
 */
export async function startOpenUm({ root, work, procs, users, address, gatewayAddress, rtp, secured }) {
  const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(CLI)) throw new Error('dist/ missing: run npm run build first');
  const data = join(work, 'data');
  const env2 = { ...process.env, OPENUM_LOG_LEVEL: 'info' };
  const cli = (args) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], { encoding: 'utf8', timeout: 60_000, env: { ...env2, OPENUM_LOG_LEVEL: 'warn' } });
    if (r.status !== 0) throw new Error(`openum ${args.slice(0, 2).join(' ')}: ${(r.stderr || r.stdout || String(r.error ?? r.signal)).trim().slice(-400)}`);
    return r.stdout;
  };
  for (const port of [5060, 5062, ...WORKER_PORTS]) if (listening('udp', port, address)) throw new Error(`udp ${address}:${port} already in use`);
  cli(['init', '--fqdn', 'um.bench.test']);
  cli(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000', ...(secured ? ['--security', 'Secured'] : [])]);
  cli(['gateway', 'new', 'GW', '--address', secured ? secured.gatewayFqdn : gatewayAddress, '--dial-plan', 'DP']);
  cli(['service', 'set', '--max-calls', String(Math.max(100, users)), '--rtp-ports', `${rtp.min}-${rtp.max}`, ...(secured ? ['--startup-mode', 'Dual'] : [])]);
  if (secured) {
    cli(['trust', 'add', secured.ca]);
    const cert = JSON.parse(cli(['certificate', 'new', '--subject', 'CN=um.bench.test', '--domain', 'um.bench.test', '--friendly-name', 'bench', '--json'])).thumbprint;
    cli(['certificate', 'enable', cert, '--services', 'UM']);
  }
  await createBenchUsers(root, data, users);
  const p = procs.start('openum', process.execPath, [CLI, 'start', '--data', data, '--admin-address', '127.0.0.1', '--admin-port', '0', '--sip-address', address], data, { env: env2 });
  const until = Date.now() + 30_000;
  const up = () => WORKER_PORTS.every((port) => listening('udp', port, address)) && (!secured || WORKER_TLS_PORTS.every((port) => listening('tcp', port, address)));
  while (!up()) {
    if (p.child.exitCode !== null) throw new Error(`openum exited: ${readFileSync(join(work, 'openum.log'), 'utf8').slice(-1500)}`);
    if (Date.now() > until) throw new Error('openum workers not listening after 30 s');
    await sleep(200);
  }
  return { proc: p, data };
}

export const workerPids = (pid) => procTable().filter((r) => r.ppid === pid && /worker\/main\.js/.test(cmdline(r.pid))).map((r) => r.pid);
export const workerTicks = (pids) => procTable().filter((r) => pids.includes(r.pid)).reduce((s, r) => s + r.ticks, 0);
export const rssKb = (pids) => pids.reduce((s, pid) => {
  try { return s + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return s; }
}, 0);

/** The workers' 'call ended' lines (with RTP statistics) logged since `since` (ms). */
export function callEnded(logFile, since) {
  const out = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"call ended"')) continue;
    try { const j = JSON.parse(line); if (j.msg === 'call ended' && j.rtp && j.time >= since) out.push(j); } catch { /* partial line */ }
  }
  return out;
}

/**
 * The recordings the workers made since `since` (ms): how many started, and for each that ended
 * ('message stored', or 'recording too short: missed call'), its duration (the samples in the
 * file) and the wall time it was recorded over, from its 'recording started' line to its call's
 * 'dialog ended' (the BYE's arrival). The duration must follow the wall time: audio lost between
 * the socket and the file would show as a shortfall.
 */
export function recordings(logFile, since) {
  const started = new Map(); // messageId -> { time, callId }
  const byes = new Map(); // callId -> time
  const ends = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!/"(recording started|message stored|recording too short: missed call|dialog ended)"/.test(line)) continue;
    try {
      const j = JSON.parse(line);
      if (j.time < since) continue;
      if (j.msg === 'recording started') started.set(j.messageId, { time: j.time, callId: j.callId });
      else if (j.msg === 'dialog ended') byes.set(j.callId, j.time);
      else if (j.msg === 'message stored' || j.msg === 'recording too short: missed call') ends.push(j);
    } catch { /* partial line */ }
  }
  const ended = ends.flatMap((j) => {
    const s = started.get(j.messageId);
    const end = s && byes.get(s.callId);
    return s && end !== undefined ? [{ durationMs: Number(j.durationMs), wallMs: end - s.time, stored: j.msg === 'message stored' }] : [];
  });
  return { started: started.size, ended };
}

/** Busy and total clock ticks of the whole machine (/proc/stat), for "which limit was hit". */
export function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: all - idle, all };
}
