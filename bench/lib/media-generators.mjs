// bench/media.mjs's two load generators behind one shape: `run(n, dir)` places n simultaneous
// voice-mail calls (half to each worker, user 5000 + i for call i, all up within ~3 s) and resolves
// { ok, established, failed, reasons, cpu: { <part>: CPU seconds }, maxPartPct?, rx? }.
//   sipp:   two SIPp processes (one thread per call for play_pcap_audio), the scenario
//           test/fixtures/sipp/uac-voicemail.xml with the hangup ending and a Diversion per call
//   openum: bench/lib/gen-step.mjs (Node signalling) + bench/lib/rtpgen.c (media, one thread),
//           which also measures what it receives (jitter, loss) on every call
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { clearInterval, clearTimeout, setInterval, setTimeout as timer } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';
import { loop, repack, SIPP_G711A } from '../../test/fixtures/sipp/rtp-pcap.mjs';
import { kill, procTable } from './processes.mjs';
import { statRow } from './sipp-stats.mjs';

const GEN_STEP = fileURLToPath(new URL('./gen-step.mjs', import.meta.url));
export const rateOf = (n) => Math.max(10, Math.ceil(n / 3));

/** The responses SIPp counted (its last message table, "Messages" column), named by the request before them. */
export function sippAnswers(logText, into = {}) {
  const at = logText.lastIndexOf('Messages  Retrans');
  if (at < 0) return into;
  let request = '';
  for (const line of logText.slice(at).split('\n').slice(1)) {
    if (/^-{5}/.test(line.trim())) break;
    const req = /^\s*([A-Z]+) -+>\s+(\d+)/.exec(line);
    if (req) { request = req[1]; continue; }
    const res = /^\s*(\d{3}) <-+\s+(?:E-RTD\d\s+)?(\d+)/.exec(line);
    if (res && Number(res[2]) > 0) into[`${request} ${res[1]}`] = (into[`${request} ${res[1]}`] ?? 0) + Number(res[2]);
  }
  return into;
}
const halvesOf = (n) => [Math.ceil(n / 2), Math.floor(n / 2)].filter((c) => c > 0);

/** The SIPp generator: its scenario rendered once, two SIPp processes a step. */
export function sippGenerator({ root, work, procs, address, server, workerPorts, seconds, hz }) {
  const SIPP_PORTS = [{ sip: 15060, media: 20000 }, { sip: 15062, media: 22000 }];
  const pcap20 = repack(SIPP_G711A, join(work, 'g711a-20ms.pcap'), 20);
  const looped = loop(pcap20, join(work, `g711a-${seconds}s.pcap`), seconds);
  let xml = readFileSync(join(root, 'test', 'fixtures', 'sipp', 'uac-voicemail.xml'), 'utf8').replace(/[ \t]*<!-- ending dtmf -->[\s\S]*?<!-- \/ending dtmf -->\n?/, '');
  xml = xml.replace('Max-Forwards: 70[extra_headers]', 'Max-Forwards: 70\n      Diversion: <sip:[field0]@[remote_ip]>;reason=no-answer');
  xml = xml.split('[ruri_params]').join(''); // straight to the worker: no redirect token
  for (const [k, v] of Object.entries({ AUDIO_PCAP: looped, GREETING_MS: 0, AUDIO_MS: seconds * 1000, BYE_WAIT_MS: 0 })) xml = xml.split(`@${k}@`).join(String(v));
  const scenario = join(work, 'uac-voicemail-bench.xml');
  writeFileSync(scenario, xml);
  return {
    name: 'sipp',
    async run(n, dir) {
      const rate = rateOf(n);
      const halves = halvesOf(n);
      const pids = new Set();
      const seen = new Map(); // SIPp exits at the end of the step: its last reading counts
      const sampler = setInterval(() => { for (const r of procTable()) if (pids.has(r.pid)) seen.set(r.pid, r.ticks); }, 500);
      const runs = halves.map((calls, i) => {
        const users = join(dir, `users-${i}.csv`);
        writeFileSync(users, ['SEQUENTIAL', ...Array.from({ length: calls }, (_, j) => `${5000 + (i === 0 ? j : halves[0] + j)};`)].join('\n') + '\n');
        const timeoutSec = seconds + Math.ceil(calls / rate) + 40;
        const args = [`${server}:${workerPorts[i]}`, '-sf', scenario, '-inf', users, '-t', 'u1', '-i', address, '-mi', address,
          '-p', String(SIPP_PORTS[i].sip), '-mp', String(SIPP_PORTS[i].media), '-s', '4000', '-key', 'from_user', 'bench',
          '-l', String(calls), '-m', String(calls), '-r', String(rate), '-rp', '1000', '-timeout', `${timeoutSec}s`, '-timeout_error',
          '-nostdin', '-buff_size', '4194304', '-trace_stat', '-stf', join(dir, `stat-${i}.csv`), '-fd', '1',
          '-trace_err', '-error_file', join(dir, `errors-${i}.log`)];
        const p = procs.start(`sipp-${n}-${i}`, 'sipp', args, dir, { cwd: dir });
        pids.add(p.child.pid);
        const hard = timer(() => kill(p.child.pid, 'SIGKILL'), (timeoutSec + 15) * 1000);
        return p.exited.then((code) => {
          clearTimeout(hard);
          const k = procs.started.indexOf(p);
          if (k >= 0) procs.started.splice(k, 1);
          return { code, stat: statRow(join(dir, `stat-${i}.csv`)) };
        });
      });
      const results = await Promise.all(runs);
      clearInterval(sampler);
      const ok = results.reduce((s, r) => s + Number(r.stat['SuccessfulCall(C)'] ?? 0), 0);
      const failed = results.reduce((s, r) => s + Number(r.stat['FailedCall(C)'] ?? 0), 0);
      const each = [...seen.values()].map((t) => t / hz);
      const answers = {};
      for (let i = 0; i < halves.length; i++) sippAnswers(procs.logOf(`sipp-${n}-${i}`, 400), answers);
      return { ok, established: ok, failed: Math.max(failed, n - ok), reasons: {}, answers, cpu: { sipp: each.reduce((a, b) => a + b, 0) }, maxPartSec: Math.max(0, ...each), codes: results.map((r) => r.code) };
    },
  };
}

/** The OpenUM generator: gen-step.mjs (a child, with rtpgen its child) a step. */
export function openumGenerator({ work, procs, address, server, workerPorts, seconds, bin, audio, sample, tls, srtp, rtpgens = 1, sharedPorts = false }) {
  return {
    name: srtp ? 'openum (TLS + SRTP)' : 'openum', tls,
    async run(n, dir) {
      const cfg = { bin, audio, address, worker: server, ports: workerPorts, sipPorts: [15060, 15062], mediaBase: 20000, n, seconds, rate: rateOf(n), sample, firstExtension: 5000, tls, srtp, rtpgens, sharedPorts };
      const name = `gen-${n}`;
      const p = procs.start(name, process.execPath, [GEN_STEP, JSON.stringify(cfg)], dir, { cwd: dir });
      const limit = seconds + Math.ceil(n / cfg.rate) + 100;
      const hard = timer(() => kill(p.child.pid, 'SIGKILL'), limit * 1000);
      const code = await p.exited;
      clearTimeout(hard);
      const k = procs.started.indexOf(p);
      if (k >= 0) procs.started.splice(k, 1);
      const lines = readFileSync(join(work, `${name}.log`), 'utf8').split('\n').filter((l) => l.startsWith('{'));
      if (!lines.length) throw new Error(`the generator (gen-step) exited ${code} without a result:\n${procs.logOf(name)}`);
      const r = JSON.parse(lines[lines.length - 1]);
      const rep = r.report;
      return {
        ok: r.ok, established: r.established, failed: r.failed, reasons: r.reasons, answers: r.answers, endedByServer: r.endedByServer,
        cpu: { rtpgen: rep.cpu_ms / 1000, signalling: r.nodeCpuMs / 1000 }, maxPartSec: Math.max(rep.cpu_ms_max ?? rep.cpu_ms, r.nodeCpuMs) / 1000,
        rx: {
          p99Ms: rep.p99_us >= 0 ? rep.p99_us / 1000 : NaN, p50Ms: rep.p50_us / 1000, maxMs: rep.max_us / 1000, samples: rep.samples,
          samplePercentile99Ms: rep.sample_p99_us >= 0 ? rep.sample_p99_us / 1000 : NaN, sampleSamples: rep.sample_samples,
          srtpFailures: rep.srtp_fail, rxPackets: rep.rx, txPackets: rep.tx, expected: rep.expected, lost: rep.lost, lateTicks: rep.late_ticks, skippedTicks: rep.skipped_ticks, ticks: rep.ticks,
          stray: rep.stray ?? 0,
        },
      };
    },
  };
}
