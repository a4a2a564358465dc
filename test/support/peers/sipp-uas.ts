// Real SIPp as a server (UAS) on a loopback address, for requests OpenUM sends (MWI NOTIFY): it
// listens on TCP (-t t1), takes `calls` requests, and exits 0 only if every one passed the
// scenario's checks. Started, waited for until it listens, stopped by PID.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, stopChild, track, waitForPorts } from './proc.js';

export interface SippUasResult {
  code: number;
  /** The scenario's <log> lines. */
  logs: string;
  messages: string;
  errors: string;
  stdout: string;
}

export interface SippUas {
  address: string;
  port: number;
  /** Resolves when SIPp has exited (after `calls` requests, or its -timeout). */
  done: Promise<SippUasResult>;
  stop(): Promise<void>;
}

const readOr = (p: string): string => { try { return readFileSync(p, 'latin1'); } catch { return ''; } };

/** `transport`: 't1' (TCP, default) or 'u1' (UDP); `extraArgs` e.g. ['-mp', '30000', '-rtp_echo']. */
export async function startSippUas(o: { scenario: string; address: string; port: number; calls: number; timeoutSec: number; transport?: 't1' | 'u1'; extraArgs?: string[] }): Promise<SippUas> {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(o.address)) throw new Error(`startSippUas: loopback addresses only (got ${o.address})`);
  const dir = mkdtempSync(join(tmpdir(), 'openum-sipp-uas-'));
  const args = [
    '-sf', fixture('sipp', o.scenario.endsWith('.xml') ? o.scenario : `${o.scenario}.xml`),
    '-t', o.transport ?? 't1', '-i', o.address, '-p', String(o.port), '-m', String(o.calls),
    '-timeout', `${o.timeoutSec}s`, '-timeout_error', '-nostdin',
    '-trace_logs', '-log_file', join(dir, 'logs.log'),
    '-trace_msg', '-message_file', join(dir, 'messages.log'),
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    ...(o.extraArgs ?? []),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) track(child.pid, 'sipp');
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout = (stdout + d.toString('latin1')).slice(-100_000); });
  child.stderr.on('data', (d: Buffer) => { stdout = (stdout + d.toString('latin1')).slice(-100_000); });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const hard = setTimeout(() => void stopChild(child, 'sipp', 2000), (o.timeoutSec + 10) * 1000);
  const done = exited.then((code) => {
    clearTimeout(hard);
    const r = { code, logs: readOr(join(dir, 'logs.log')), messages: readOr(join(dir, 'messages.log')), errors: readOr(join(dir, 'errors.log')), stdout };
    rmSync(dir, { recursive: true, force: true });
    return r;
  });
  try {
    await waitForPorts(child, [{ proto: o.transport === 'u1' ? 'udp' : 'tcp', port: o.port }], 10_000, 'sipp UAS');
  } catch (e) {
    await stopChild(child, 'sipp', 1000);
    throw new Error(`${(e as Error).message}: ${stdout}`, { cause: e });
  }
  return { address: o.address, port: o.port, done, stop: () => stopChild(child, 'sipp', 1000) };
}
