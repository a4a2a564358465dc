// What the benchmark scripts share about the processes they start: /proc readings (a process and
// its descendants, their CPU ticks, command lines), starting with a log file in the work dir,
// stopping by PID only (SIGTERM, then SIGKILL; descendants found through /proc and a marker unique
// to the run), and a last-resort clean-up on exit and on signals. Listening checks via /proc/net.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearTimeout, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every process: pid, parent, utime+stime in clock ticks. */
export function procTable() {
  const rows = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      rows.push({ pid: Number(e), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* gone */ }
  }
  return rows;
}

export const cmdline = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '); } catch { return ''; } };

/** pid and all its descendants (plus, with a marker unique to our temp dir, processes whose command line holds it). */
export function family(pid, marker) {
  const rows = procTable();
  const out = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows) if (out.has(r.ppid) && !out.has(r.pid)) { out.add(r.pid); grew = true; }
  }
  if (marker) for (const r of rows) if (r.pid !== process.pid && cmdline(r.pid).includes(marker)) out.add(r.pid);
  return [...out].filter((p) => rows.some((r) => r.pid === p));
}

/** utime+stime (clock ticks) of pid and its descendants. */
export function ticks(pid) {
  const fam = new Set(family(pid));
  return procTable().filter((r) => fam.has(r.pid)).reduce((s, r) => s + r.ticks, 0);
}

export const kill = (pid, sig) => { try { process.kill(pid, sig); } catch { /* gone */ } };

/** Whether something listens on proto/port (and address, IPv4, when given; 0.0.0.0 counts). */
export function listening(proto, port, address) {
  const hex = address?.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
  for (const f of address ? [`/proc/net/${proto}`] : [`/proc/net/${proto}`, `/proc/net/${proto}6`]) {
    let text;
    try { text = readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (!c[1] || (proto === 'tcp' && c[3] !== '0A')) continue;
      const [a, p] = c[1].split(':');
      if (parseInt(p, 16) === port && (!hex || a === hex || a === '00000000')) return true;
    }
  }
  return false;
}

/** The processes one benchmark run started, each logging to WORK/<name>.log. */
export class Processes {
  constructor(work, log, { stopGraceMs = 5000 } = {}) {
    this.work = work;
    this.started = [];
    this.stopGraceMs = stopGraceMs;
    process.on('exit', () => { // last resort (synchronous): SIGKILL what is still ours
      for (const p of this.started) for (const q of family(p.child.pid, p.marker)) if (cmdline(q).includes(p.marker)) kill(q, 'SIGKILL');
    });
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.on(sig, () => {
        log(`\n${sig}: stopping everything this benchmark started …`);
        void this.stopAll().finally(() => process.exit(130));
      });
    }
  }

  start(name, cmd, args, marker, opts = {}) {
    const out = openSync(join(this.work, `${name}.log`), 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out], ...opts });
    closeSync(out);
    const p = { name, child, marker, exited: new Promise((r) => { child.on('exit', (c, s) => r(c ?? s)); child.on('error', () => r(-1)); }) };
    this.started.push(p);
    return p;
  }

  logOf(name, lines = 15) {
    try { return readFileSync(join(this.work, `${name}.log`), 'utf8').trim().split('\n').slice(-lines).join('\n'); } catch { return ''; }
  }

  async stop(p) {
    const pids = family(p.child.pid, p.marker);
    if (p.child.exitCode === null && p.child.signalCode === null) {
      kill(p.child.pid, 'SIGTERM');
      const t = timer(() => kill(p.child.pid, 'SIGKILL'), this.stopGraceMs);
      await p.exited;
      clearTimeout(t);
    }
    for (let i = 0; i < 30; i++) {
      const alive = pids.filter((q) => q !== p.child.pid && cmdline(q).includes(p.marker));
      if (!alive.length) break;
      if (i === 20) alive.forEach((q) => kill(q, 'SIGKILL'));
      await sleep(100);
    }
    const i = this.started.indexOf(p);
    if (i >= 0) this.started.splice(i, 1);
  }

  stopAll() {
    return Promise.all([...this.started].reverse().map((p) => this.stop(p)));
  }
}
