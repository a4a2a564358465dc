// Captures on the loopback interface for the media tests: a capture (classic pcap) bounded by a
// BPF filter, a packet count and a duration (-a), stopped by PID; and the UDP datagrams of a
// capture read back with their payloads (tshark -T fields), so that tests check the bytes on the
// wire themselves. The capture is Wireshark's dumpcap, which tshark itself runs to capture: alone
// it starts in milliseconds, where tshark first loads every dissector (a second of CPU each), so
// that tests can capture several calls at once on a busy machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { run } from '../run.js';
import { sleep, stopChild, track } from './proc.js';

let missing: string | undefined;
/** '' when tshark can capture on lo (installed, and we may capture), else why not. */
export function tsharkMissing(): string {
  if (missing === undefined) {
    const v = spawnSync('tshark', ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const dc = spawnSync('dumpcap', ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (v.error || v.status !== 0 || dc.error || dc.status !== 0) missing = 'tshark (apt-get install tshark)';
    else {
      const d = spawnSync('dumpcap', ['-D'], { encoding: 'utf8', timeout: 10_000 });
      missing = /\blo\b/.test(d.stdout ?? '') ? '' : `tshark cannot capture on lo (run as root or in the wireshark group): ${(d.stderr ?? '').trim().slice(0, 200)}`;
    }
  }
  return missing;
}

export interface Capture {
  file: string;
  /** stops tshark (by PID) and waits until the file is complete */
  stop(): Promise<void>;
  log(): string;
}

/** Starts dumpcap on lo with a capture filter; returns once it captures. Bounded by maxSec and maxPackets. */
export async function startCapture(o: { filter: string; file: string; maxSec: number; maxPackets?: number }): Promise<Capture> {
  if (!(o.maxSec > 0 && o.maxSec <= 600)) throw new Error('startCapture: maxSec must be in (0, 600]');
  // -P: classic pcap (dumpcap's default is pcapng), which test/support's pcap readers expect.
  const args = ['-i', 'lo', '-f', o.filter, '-P', '-w', o.file, '-a', `duration:${o.maxSec}`, '-c', String(o.maxPackets ?? 200_000), '-q'];
  const child = spawn('timeout', ['-k', '3', String(o.maxSec + 5), 'dumpcap', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) track(child.pid, o.file);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
  child.stderr?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
  const until = Date.now() + 10_000;
  while (!/Capturing on/.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`dumpcap exited before capturing: ${out}`);
    if (Date.now() > until) {
      await stopChild(child, o.file, 2000, true);
      throw new Error(`dumpcap not capturing after 10 s: ${out}`);
    }
    await sleep(100);
  }
  return {
    file: o.file,
    log: () => out,
    stop: async () => {
      await sleep(300); // the last packets reach the capture
      // SIGTERM to `timeout` reaches dumpcap, which closes the file cleanly.
      await stopChild(child, o.file, 5000, true);
      if (!existsSync(o.file) || statSync(o.file).size < 24) throw new Error(`dumpcap wrote no capture: ${out}`);
    },
  };
}

export interface Datagram {
  t: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  payload: Buffer;
}

/** The UDP datagrams of a capture (optionally a display filter), with payloads. */
export async function udpDatagrams(file: string, displayFilter = 'udp'): Promise<Datagram[]> {
  const r = await run('tshark', ['-r', file, '-Y', displayFilter, '-T', 'fields', '-E', 'separator=,',
    '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'ip.dst', '-e', 'udp.dstport', '-e', 'udp.payload'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`tshark -r ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => {
    const [t, src, sport, dst, dport, hex] = l.split(',');
    return { t: Number(t), src: src ?? '', sport: Number(sport), dst: dst ?? '', dport: Number(dport), payload: Buffer.from((hex ?? '').replace(/:/g, ''), 'hex') };
  });
}

/** Frames of a capture matching a display filter (e.g. 'tcp.port == 5060 || udp.port == 5060'). */
export async function countFrames(file: string, displayFilter: string): Promise<number> {
  const r = await run('tshark', ['-r', file, '-Y', displayFilter, '-T', 'fields', '-e', 'frame.number'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`tshark -r ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}
