// Real SIPp for tests: runs one bounded SIPp client (scenarios in test/fixtures/sipp/) against a
// server on 127.0.0.1 in a temporary directory and returns its counters, message trace and the
// Contact of the last 302. SIPp runs under its own -timeout and a hard wall-clock limit after which
// it is killed by PID. Debian's SIPp (sip-tester) has no TLS: put Kamailio in front (kamailio.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fixture, stopChild, track } from './proc.js';

export type SippTransport = 'u1' | 't1' | 'un' | 'tn';

export interface SippOptions {
  /** a scenario file path, or a name in test/fixtures/sipp/ ('uac-302', 'uac-call.xml', …) */
  scenario: string;
  /** host:port to send to (127.0.0.1 / [::1] only) */
  target: string;
  transport: SippTransport;
  /** total calls (-m) */
  calls: number;
  /** calls per second (-r); default 10 */
  rate?: number;
  /**
   * -key NAME VALUE pairs. 'service' sets SIPp's -s (Request-URI user). Defaults for the fixture
   * scenarios: service 'voicemail', from_user 'gateway', extra_headers '', ruri_params ''.
   */
  keys?: Record<string, string>;
  /** extra header lines for the fixture scenarios ([extra_headers]), e.g. ['Diversion: <sip:1000@gw>;reason=no-answer'] */
  headers?: string[];
  /** SIPp -timeout (whole run); the process is killed timeoutSec + 10 s after its start at the latest */
  timeoutSec: number;
  /** local SIP port (-p); default: SIPp picks one */
  localPort?: number;
  /** local media port (-mp); default: a random one in 20000-59999 */
  mediaPort?: number;
  /** record every message (-trace_msg); default true when calls <= 200 */
  traceMessages?: boolean;
  /** directory for SIPp's files (kept); default a temp dir removed after the run */
  workDir?: string;
  extraArgs?: string[];
}

export interface SippResult {
  /** SIPp's exit status (0: all calls successful, 1: some failed, 97/99: aborted); -1 if killed */
  code: number;
  successful: number;
  failed: number;
  /** calls neither successful nor failed when SIPp stopped (e.g. cut by -timeout): calls - successful - failed */
  unfinished: number;
  /** retransmissions counted by SIPp */
  retransmissions: number;
  stdout: string;
  stderr: string;
  /** -trace_msg content ('' when not traced) */
  messages: string;
  /** the scenarios' <log> lines (-trace_logs) */
  logs: string;
  /** SIPp's -trace_err content */
  errors: string;
  /** the Contact URI of the last 302 received (from the log line or the message trace) */
  contact?: string;
  /** killed by the hard time limit */
  killed: boolean;
  wallMs: number;
  args: string[];
}

let available: boolean | undefined;
export function sippAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 5000 });
    available = /SIPp v\d/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return available;
}

/** The URI inside a Contact header value (or a whole header line, compact form m: too). */
export function parseContact(value: string): string | undefined {
  const v = value.replace(/^\s*(?:contact|m)\s*:\s*/i, '').trim();
  const bracket = /<([^>]+)>/.exec(v);
  if (bracket?.[1]) return bracket[1].trim();
  const bare = /(sips?:[^\s;,>]+)/i.exec(v);
  return bare?.[1];
}

/** The Contact of the last message in a SIPp -trace_msg log whose status line is `SIP/2.0 <status>`. */
export function contactFromMessages(messages: string, status = 302): string | undefined {
  const blocks = messages.split(/^-{10,}.*$/m);
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i] ?? '';
    if (!new RegExp(`^SIP/2\\.0 ${status} `, 'm').test(b)) continue;
    const line = /^(?:contact|m)\s*:.*$/im.exec(b);
    if (line) return parseContact(line[0]);
  }
  return undefined;
}

function statCounters(csv: string): { ok?: number; failed?: number; retrans?: number } {
  const lines = csv.split('\n').filter((l) => l.trim());
  if (lines.length < 2) return {};
  const head = (lines[0] ?? '').split(';');
  const last = (lines[lines.length - 1] ?? '').split(';');
  const get = (name: string) => {
    const i = head.indexOf(name);
    const n = i < 0 ? NaN : Number(last[i]);
    return Number.isFinite(n) ? n : undefined;
  };
  return { ok: get('SuccessfulCall(C)'), failed: get('FailedCall(C)'), retrans: get('Retransmissions(C)') };
}

/** Successful/failed call counters from SIPp's screen (the cumulative column). */
export function screenCounters(screen: string): { ok?: number; failed?: number } {
  const last = (label: string) => {
    const all = [...screen.matchAll(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
    const m = all[all.length - 1];
    return m?.[1] === undefined ? undefined : Number(m[1]);
  };
  return { ok: last('Successful call'), failed: last('Failed call') };
}

const readOr = (p: string): string => { try { return readFileSync(p, 'latin1'); } catch { return ''; } };

export async function runSipp(o: SippOptions): Promise<SippResult> {
  if (!/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost):\d+$/.test(o.target)) throw new Error(`runSipp: target must be a loopback address (127.0.0.0/8 or [::1]):PORT (got ${o.target})`);
  if (!Number.isInteger(o.calls) || o.calls < 1 || o.calls > 2_000_000) throw new Error('runSipp: calls must be 1..2000000');
  if (!(o.timeoutSec > 0 && o.timeoutSec <= 300)) throw new Error('runSipp: timeoutSec must be in (0, 300]');
  const scenario = isAbsolute(o.scenario) || existsSync(o.scenario) ? o.scenario
    : fixture('sipp', o.scenario.endsWith('.xml') ? o.scenario : `${o.scenario}.xml`);
  const own = !o.workDir;
  const dir = o.workDir ?? mkdtempSync(join(tmpdir(), 'openum-sipp-'));
  const keys: Record<string, string> = { service: 'voicemail', from_user: 'gateway', extra_headers: '', ruri_params: '', ...o.keys };
  if (o.headers?.length) keys.extra_headers = o.headers.map((h) => `\r\n${h}`).join('');
  const trace = o.traceMessages ?? o.calls <= 200;
  // SIPp sends from the target's own loopback address: the test's gateway address.
  const local = o.target.startsWith('[') ? '::1' : o.target.startsWith('localhost') ? '127.0.0.1' : o.target.split(':')[0] ?? '127.0.0.1';
  const args = [
    o.target, '-sf', scenario, '-t', o.transport, '-i', local, '-mi', local,
    '-m', String(o.calls), '-r', String(o.rate ?? 10), '-rp', '1000',
    '-timeout', `${o.timeoutSec}s`, '-timeout_error', '-nostdin',
    '-mp', String(o.mediaPort ?? 20000 + 2 * Math.floor(Math.random() * 20000)),
    '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1',
    '-trace_screen', '-screen_file', join(dir, 'screen.log'),
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-trace_logs', '-log_file', join(dir, 'logs.log'),
    ...(trace ? ['-trace_msg', '-message_file', join(dir, 'messages.log')] : []),
    ...(o.localPort ? ['-p', String(o.localPort)] : []),
  ];
  for (const [k, v] of Object.entries(keys)) {
    if (k === 'service') args.push('-s', v);
    else args.push('-key', k, v);
  }
  args.push(...(o.extraArgs ?? []));

  const started = Date.now();
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid !== undefined) track(pid, 'sipp');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout = (stdout + d.toString('latin1')).slice(-200_000); });
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString('latin1')).slice(-200_000); });
  let killed = false;
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  const hard = setTimeout(() => { killed = true; void stopChild(child, 'sipp', 3000); }, (o.timeoutSec + 10) * 1000);
  let code: number;
  try {
    code = await exit;
  } finally {
    clearTimeout(hard);
    if (pid !== undefined && !killed) await stopChild(child, 'sipp', 1000);
  }
  const wallMs = Date.now() - started;
  const stat = statCounters(readOr(join(dir, 'stat.csv')));
  const scr = screenCounters(readOr(join(dir, 'screen.log')) || stdout);
  const messages = trace ? readOr(join(dir, 'messages.log')) : '';
  const logs = readOr(join(dir, 'logs.log'));
  const errors = readOr(join(dir, 'errors.log'));
  const logged = [...logs.matchAll(/^contact=(.*)$/gm)].pop()?.[1];
  const contact = (logged ? parseContact(logged) : undefined) ?? contactFromMessages(messages);
  if (own) rmSync(dir, { recursive: true, force: true });
  const successful = stat.ok ?? scr.ok ?? 0;
  const failed = stat.failed ?? scr.failed ?? (code === 0 ? 0 : o.calls);
  return {
    code: killed ? -1 : code,
    successful,
    failed,
    unfinished: Math.max(0, o.calls - successful - failed),
    retransmissions: stat.retrans ?? 0,
    stdout, stderr, messages, logs, errors, contact, killed, wallMs, args,
  };
}
