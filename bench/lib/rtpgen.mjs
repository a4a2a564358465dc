// bench/lib/rtpgen.c from Node: built at bench time (cc -O2 into the work dir; no compiler ->
// undefined and the reason, and bench/media.mjs falls back to SIPp), its audio (SIPp's g711a.pcap,
// payloads concatenated into raw A-law), and a driver for its line protocol (see the C file's top).
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rtpPackets } from '../../test/fixtures/sipp/rtp-pcap.mjs';
import { compileC } from './cc.mjs';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'rtpgen.c');

function pkgFlags(pkg, define) {
  const pc = spawnSync('pkg-config', ['--cflags', '--libs', pkg], { encoding: 'utf8', timeout: 10_000 });
  return pc.status === 0 ? [define, ...pc.stdout.trim().split(/\s+/).filter(Boolean)] : undefined;
}

/**
 * Compiles rtpgen.c into dir: { path, compiler, srtp: [backends] } or { error }. SRTP comes from
 * libcrypto (pkg-config libcrypto; Debian: libssl-dev) and libsrtp2 (libsrtp2-dev), each when
 * found; the first variant that builds wins: both, libcrypto alone, libsrtp2 alone, neither.
 */
export function buildRtpgen(dir) {
  const openssl = pkgFlags('libcrypto', '-DHAVE_OPENSSL_SRTP');
  const libsrtp = pkgFlags('libsrtp2', '-DHAVE_SRTP');
  const variants = [
    openssl && libsrtp && { flags: [...openssl, ...libsrtp], srtp: ['openssl', 'libsrtp2'] },
    openssl && { flags: openssl, srtp: ['openssl'] },
    libsrtp && { flags: libsrtp, srtp: ['libsrtp2'] },
    { flags: [], srtp: [] },
  ].filter(Boolean);
  const built = compileC(SOURCE, join(dir, 'rtpgen'), variants.map((v) => v.flags));
  return built.error ? built : { path: built.path, compiler: built.compiler, srtp: variants[built.variant].srtp };
}

/** The PCMA payloads of a pcap (SIPp's g711a.pcap) as one raw A-law file, looped by rtpgen. */
export function alawFromPcap(pcap, out) {
  const payloads = rtpPackets(pcap).filter((p) => p.pt === 8).map((p) => p.payload);
  if (!payloads.length) throw new Error(`${pcap}: no PCMA packets`);
  writeFileSync(out, Buffer.concat(payloads));
  return out;
}

/** A running rtpgen: open/close answer with promises (in order per call id), start has no answer. */
export class Rtpgen {
  /**
   * `nice`: the process's nice value, `realtime`: its SCHED_RR priority (0: none, set with
   * util-linux's chrt), each if it may have it (root, CAP_SYS_NICE); else it keeps its own.
   */
  constructor(bin, { address, audio, maxSeconds, nice, realtime = 0, log = () => {} }) {
    this.child = spawn(bin, [address, audio, String(maxSeconds)], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      if (nice !== undefined && this.child.pid !== undefined) setPriority(this.child.pid, nice);
    } catch { /* not allowed: the server's media threads are not either */ }
    if (realtime > 0 && this.child.pid !== undefined) spawnSync('chrt', ['-r', '-p', String(realtime), String(this.child.pid)], { stdio: 'ignore' });
    this.waiting = new Map(); // "ok ID" / "closed ID" / "report" -> resolvers, first in first out
    this.exited = new Promise((r) => this.child.on('exit', (c, s) => r(c ?? s)));
    this.ready = this.#expect('ready');
    let rest = '';
    this.child.stdout.setEncoding('utf8').on('data', (d) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) this.#onLine(line);
    });
    this.child.stderr.setEncoding('utf8').on('data', (d) => log(`rtpgen: ${d.trim()}`));
    this.child.stdin.on('error', () => { /* the child has gone: its exit says why */ });
    this.child.on('exit', () => { for (const list of this.waiting.values()) for (const w of list) w.reject(new Error('rtpgen exited')); this.waiting.clear(); });
  }

  #expect(key) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.reject(new Error(`rtpgen exited (${this.child.exitCode ?? this.child.signalCode})`));
    return new Promise((resolve, reject) => { (this.waiting.get(key) ?? this.waiting.set(key, []).get(key)).push({ resolve, reject }); });
  }

  #onLine(line) {
    const [word, id, ...rest] = line.trim().split(' ');
    let key = word;
    if (word === 'ok' || word === 'err') key = `call ${id}`;
    else if (word === 'closed') key = `closed ${id}`;
    const w = this.waiting.get(key)?.shift();
    if (!w) return;
    const fields = Object.fromEntries(rest.concat(word === 'report' || word === 'ready' ? [id] : []).map((kv) => kv.split('=')).filter((kv) => kv.length === 2).map(([k, v]) => [k, Number(v)]));
    if (word === 'err') w.reject(new Error(rest.join(' ')));
    else w.resolve(fields);
  }

  #write(line) { this.child.stdin.write(`${line}\n`); }

  open(id, port, sample = false) { const p = this.#expect(`call ${id}`); this.#write(`open ${id} ${port} ${sample ? 1 : 0}`); return p; }
  /** keys: { tx, rx } base64 SRTP master keys (SDES inline values), or undefined for plain RTP. */
  start(id, ip, port, ssrc, keys) { this.#write(`start ${id} ${ip} ${port} ${ssrc >>> 0}${keys ? ` ${keys.tx} ${keys.rx}` : ''}`); }
  close(id) { const p = this.#expect(`closed ${id}`); this.#write(`close ${id}`); return p; }
  reset() { const p = this.#expect('call reset'); this.#write('reset'); return p; }
  report() { const p = this.#expect('report'); this.#write('report'); return p; }
  async quit() { this.#write('quit'); this.child.stdin.end(); return this.exited; }
}
