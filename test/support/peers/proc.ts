// Shared plumbing for the real-peer harness (SIPp, Kamailio): where the fixtures are, template
// rendering, "is this port listening" from /proc/net, and stopping processes by PID only.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found upwards from this file (works from test/ and from dist/test/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root (package.json + test/fixtures) not found above ' + fileURLToPath(import.meta.url));
}

export const fixture = (...parts: string[]): string => join(repoRoot(), 'test', 'fixtures', ...parts);

/** Copies a template to out with every @NAME@ replaced; fails if a placeholder is left. */
export function renderTemplate(template: string, out: string, vars: Record<string, string | number>): string {
  let text = readFileSync(template, 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(text);
  if (left) throw new Error(`render ${template}: placeholder ${left[0]} has no value`);
  writeFileSync(out, text);
  return out;
}

export type Proto = 'udp' | 'tcp';

/** Local ports bound on 127.0.0.1 / ::1 / wildcard: UDP sockets and listening TCP sockets. */
export function boundPorts(proto: Proto): Set<number> {
  const ports = new Set<number>();
  for (const file of [`/proc/net/${proto}`, `/proc/net/${proto}6`]) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1];
      const state = f[3];
      if (!local || !state) continue;
      if (proto === 'tcp' && state !== '0A') continue; // LISTEN
      const port = parseInt(local.split(':')[1] ?? '', 16);
      if (Number.isInteger(port)) ports.add(port);
    }
  }
  return ports;
}

export function portsFree(list: { proto: Proto; port: number }[]): { proto: Proto; port: number }[] {
  const udp = boundPorts('udp');
  const tcp = boundPorts('tcp');
  return list.filter((p) => (p.proto === 'udp' ? udp : tcp).has(p.port));
}

/** Waits until every port is bound, the process has exited (error) or timeoutMs has passed (error). */
export async function waitForPorts(child: ChildProcess, list: { proto: Proto; port: number }[], timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before listening`);
    const udp = boundPorts('udp');
    const tcp = boundPorts('tcp');
    if (list.every((p) => (p.proto === 'udp' ? udp : tcp).has(p.port))) return;
    if (Date.now() > until) throw new Error(`${what} not listening on ${list.map((p) => `${p.proto}/${p.port}`).join(', ')} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** PIDs whose parent is pid (from /proc/PID/stat). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch { /* gone */ }
  }
  return out;
}

/** True if PID is alive and its command line contains marker (so we never signal a recycled PID). */
export function pidIs(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

/**
 * PIDs (other than ours) whose command line contains marker. Only for markers unique to one
 * process group we started (a config path inside our own temporary directory), never a name.
 */
export function pidsWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    if (pidIs(Number(e), marker)) out.push(Number(e));
  }
  return out;
}

const live = new Map<number, { marker: string; children: () => number[] }>();
let hooked = false;

/** Remembers a started process so that it is killed (by PID) if this Node process exits first. */
export function track(pid: number, marker: string, children: () => number[] = () => []): void {
  live.set(pid, { marker, children });
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const [p, t] of live) {
      for (const c of t.children()) if (pidIs(c, t.marker)) try { process.kill(c, 'SIGKILL'); } catch { /* gone */ }
      if (pidIs(p, t.marker)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}

export const untrack = (pid: number): void => void live.delete(pid);

/**
 * Stops a child we spawned: SIGTERM to its PID, SIGKILL after graceMs; then SIGKILL any of its
 * former children (PIDs collected before signalling; with uniqueMarker also every process whose
 * command line holds marker) still running with marker in their command line after 2 s.
 */
export async function stopChild(child: ChildProcess, marker: string, graceMs = 5000, uniqueMarker = false): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const kids = [...new Set([...childPids(pid), ...(uniqueMarker ? pidsWithMarker(marker) : [])])].filter((k) => k !== pid);
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    const t = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
    await exited;
    clearTimeout(t);
  }
  for (let i = 0; i < 30; i++) {
    const alive = kids.filter((k) => pidIs(k, marker));
    if (!alive.length) break;
    if (i === 20) for (const k of alive) try { process.kill(k, 'SIGKILL'); } catch { /* gone */ }
    await sleep(100);
  }
  untrack(pid);
}
