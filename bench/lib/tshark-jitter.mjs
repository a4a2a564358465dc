// Receiver-side jitter from a tshark capture on lo (bench/media.mjs with SIPp, and beside rtpgen to
// compare the two measures): per stream (source port > destination port) and per packet,
// |inter-arrival - 20 ms|, inter-arrivals over 200 ms skipped (a pause in what the server plays).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const MAX_CAPTURE_PACKETS = 200_000;

/** tshark on lo with a BPF filter, bounded in packets and time, under `timeout`. */
export function startCapture(procs, name, file, filter, seconds) {
  return procs.start(name, 'timeout', ['-k', '3', String(seconds + 5), 'tshark', '-i', 'lo', '-f', filter, '-F', 'pcap', '-w', file,
    '-c', String(MAX_CAPTURE_PACKETS), '-a', `duration:${seconds}`, '-q'], file);
}

export async function captureReady(work, p) {
  for (let i = 0; i < 100; i++) {
    if (/Capturing on/.test(readFileSync(join(work, `${p.name}.log`), 'utf8'))) return true;
    if (p.child.exitCode !== null) return false;
    await sleep(100);
  }
  return false;
}

export function jitterP99(file) {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'udp.srcport', '-e', 'udp.dstport'],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) return { p99: NaN, streams: 0, samples: 0 };
  const by = new Map();
  for (const line of r.stdout.split('\n')) {
    const [t, sp, dp] = line.split(',');
    if (!t || Number(sp) % 2) continue; // RTCP on odd ports
    const k = `${sp}>${dp}`;
    (by.get(k) ?? by.set(k, []).get(k)).push(Number(t) * 1000);
  }
  const dev = [];
  for (const times of by.values()) {
    for (let i = 1; i < times.length; i++) {
      const d = times[i] - times[i - 1];
      if (d > 200) continue;
      dev.push(Math.abs(d - 20));
    }
  }
  dev.sort((a, b) => a - b);
  return { p99: dev.length ? dev[Math.min(dev.length - 1, Math.floor(dev.length * 0.99))] : NaN, streams: by.size, samples: dev.length };
}
