// An OpenUM install for the bounded scripts (bench/soak.mjs, bench/swaps.mjs): a temporary data
// dir made with the CLI (init, dial plan, gateway at the script's own address, settings), N users
// put in through the store (one CLI process per user would take minutes), `openum start` on one
// loopback address (SIP and admin API), and /proc readings of its processes (main, Call Router,
// UM workers) by PID.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { cmdline, listening, procTable } from './processes.mjs';

export const SIP_PORTS = { router: 5060, service: 5062, serviceTls: 5063, workers: [5065, 5067], workersTls: [5066, 5068], routerTls: 5061 };

/**
 * Makes the data dir. `settings`: extra CLI commands (argument arrays) run after the dial plan and
 * gateway. Returns the administrator token printed by `openum init`.
 */
export async function prepareSite({ root, data, address, fqdn, users, settings = [] }) {
  const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(CLI)) throw new Error('dist/ missing: run npx tsc -p tsconfig.json (or npm run build) first');
  const cli = (args) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OPENUM_LOG_LEVEL: 'warn' } });
    if (r.status !== 0) throw new Error(`openum ${args.slice(0, 2).join(' ')}: ${(r.stderr || r.stdout || String(r.error ?? r.signal)).trim().slice(-400)}`);
    return r.stdout;
  };
  const busy = [['udp', SIP_PORTS.router], ['tcp', SIP_PORTS.service], ['tcp', SIP_PORTS.serviceTls], ...SIP_PORTS.workers.map((p) => ['udp', p])]
    .filter(([proto, port]) => listening(proto, port, address));
  if (busy.length) throw new Error(`${address}: already in use: ${busy.map((b) => b.join('/')).join(', ')}`);
  const init = cli(['init', '--fqdn', fqdn]);
  const token = /administrator token[^:]*: (oum_\S+)/.exec(init)?.[1];
  if (!token) throw new Error(`openum init: no administrator token in its output: ${init.slice(0, 300)}`);
  cli(['dialplan', 'new', 'DP', '--extension-length', '4']);
  cli(['gateway', 'new', 'GW', '--address', address, '--dial-plan', 'DP']);
  for (const args of settings) cli(args);
  await createBenchUsers(root, data, users);
  return { token, cli };
}

/** Users u0… with extensions 5000… in dial plan DP, through the store (one CLI process per user would take minutes). */
export async function createBenchUsers(root, data, users) {
  const imp = (p) => import(pathToFileURL(join(root, 'dist', 'src', p)).href);
  const { openNode } = await imp('services/node.js');
  const { createUser } = await imp('org/users.js');
  const node = await openNode({ dataDir: data, actor: { name: 'bench' } });
  try {
    for (let i = 0; i < users; i++) await createUser(node.store.db, node.actor, `u${i}`, { extension: String(5000 + i), dialPlan: 'DP', email: `u${i}@bench.test` });
  } finally { await node.close(); }
}

/**
 * `openum start` on `address` (SIP and the admin API, port 0); resolves when the workers listen.
 * BENCH_NODE_ARGS: node flags for the server (split on spaces), which the processes it forks inherit,
 * e.g. `--trace-gc --trace-gc-ignore-scavenger` (flags NODE_OPTIONS does not take).
 */
export async function startSite(procs, { root, data, address, logName = 'openum', env = {}, cwd }) {
  const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const p = procs.start(logName, process.execPath, [...nodeArgs, CLI, 'start', '--data', data, '--admin-address', address, '--admin-port', '0', '--sip-address', address],
    data, { env: { ...process.env, OPENUM_LOG_LEVEL: 'info', OPENUM_LOG_FORMAT: 'json', ...env }, ...(cwd ? { cwd } : {}) });
  const logFile = join(procs.work, `${logName}.log`);
  const until = Date.now() + 90_000;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`openum exited: ${readFileSync(logFile, 'utf8').slice(-1500)}`);
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const admin = /admin API listening on https:\/\/[^\s"]+:(\d+)/.exec(text)?.[1];
    if (admin && listening('udp', SIP_PORTS.router, address) && SIP_PORTS.workers.every((port) => listening('udp', port, address))) {
      return { proc: p, adminPort: Number(admin), logFile };
    }
    if (Date.now() > until) throw new Error(`openum not listening after 90 s: ${text.slice(-1500)}`);
    await sleep(250);
  }
}

/** The server's processes by role: main, Call Router processes, UM workers (children of main). */
export function roles(mainPid) {
  const kids = procTable().filter((r) => r.ppid === mainPid).map((r) => ({ pid: r.pid, cmd: cmdline(r.pid) }));
  return {
    main: [mainPid],
    callRouter: kids.filter((k) => /call-router\/main\.js/.test(k.cmd)).map((k) => k.pid),
    workers: kids.filter((k) => /worker\/main\.js/.test(k.cmd)).map((k) => k.pid),
  };
}

/** A memory field of /proc/PID/status in kB: VmRSS (all resident pages) or RssAnon (private anonymous ones). */
export const statusKb = (pid, field = 'VmRSS') => {
  try { return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
};
export const rssKb = (pid) => statusKb(pid, 'VmRSS');

/** RSS in MB per role (sum over that role's processes) and the PIDs read. */
export function rssByRole(mainPid, field = 'VmRSS') {
  const r = roles(mainPid);
  const mb = (pids) => pids.reduce((s, pid) => s + statusKb(pid, field), 0) / 1024;
  return { main: mb(r.main), callRouter: mb(r.callRouter), workers: mb(r.workers), pids: r };
}

/**
 * The private memory per role, MB: RssAnon, the resident anonymous pages (V8's heap, malloc, buffers),
 * without RssFile, the pages of the node binary and its libraries a process has touched. Those are
 * shared with every node process, clean and reclaimable, and their count only rises as more of the
 * binary's code gets used (~34 MB in a bare node, ~50 MB in a Call Router process after a soak); a leak is
 * private memory.
 */
export const privateByRole = (mainPid) => rssByRole(mainPid, 'RssAnon');

export const growthPct = (from, to) => (from > 0 ? ((to - from) / from) * 100 : NaN);

/** One line: RSS per role, MB. */
export const rssLine = (s) => `main ${s.main.toFixed(1)} MB, call router ${s.callRouter.toFixed(1)} MB (${s.pids.callRouter.length}), workers ${s.workers.toFixed(1)} MB (${s.pids.workers.length})`;

/**
 * RSS samples along a run, keyed by progress (calls or swaps done). A single reading lands anywhere
 * on the garbage collector's saw-tooth, so windows are compared by their floor (the lowest reading
 * per role, what is left after collections) and their peak.
 */
export class RssSeries {
  constructor() { this.samples = []; }

  add(progress, sample) { this.samples.push({ progress, ...sample }); }

  /** Per role, the lowest and highest reading with progress in [from, to], and how many readings. */
  window(from, to) {
    const s = this.samples.filter((x) => x.progress >= from && x.progress <= to);
    const of = (k, f) => (s.length ? f(...s.map((x) => x[k])) : NaN);
    return {
      n: s.length,
      floor: { main: of('main', Math.min), callRouter: of('callRouter', Math.min), workers: of('workers', Math.min) },
      peak: { main: of('main', Math.max), callRouter: of('callRouter', Math.max), workers: of('workers', Math.max) },
      pids: s.at(-1)?.pids,
    };
  }
}

export const mbLine = (m) => `main ${m.main.toFixed(1)} MB, call router ${m.callRouter.toFixed(1)} MB, workers ${m.workers.toFixed(1)} MB`;

/**
 * V8's committed heap (heap_total, MB) per role, summed over the role's processes, from the
 * server's /metrics (openum_process_memory_bytes, one series per process). RSS alone cannot tell a
 * young generation V8 has grown under load (it keeps it: RSS steps up, then stays) from objects
 * kept call after call; objects kept would make heap_total grow.
 */
export function heapByRole(address, adminPort) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: address, port: adminPort, path: '/metrics', rejectUnauthorized: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        const out = { main: 0, callRouter: 0, workers: 0 };
        for (const m of body.matchAll(/^openum_process_memory_bytes\{([^}]*)\} (\S+)$/gm)) {
          if (!/kind="heap_total"/.test(m[1])) continue;
          const proc = /process="([^"]*)"/.exec(m[1])?.[1] ?? '';
          const role = proc === 'main' ? 'main' : proc.startsWith('call-router-') ? 'callRouter' : proc.startsWith('worker-') ? 'workers' : undefined;
          if (role) out[role] += Number(m[2]) / 2 ** 20;
        }
        resolve(out.main > 0 ? out : undefined);
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('GET /metrics timed out')));
    req.end();
  });
}
