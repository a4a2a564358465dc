#!/usr/bin/env node
// `npm run bench:sip`: how many INVITE -> 302 -> ACK per second OpenUM's Call Router redirects,
// beside Kamailio (stateless redirect) measured in the same run on the same machine.
// Not a test. Everything listens on / sends to 127.0.0.1, every SIPp run is bounded in calls and
// time, and every process this script starts is stopped by its PID (also on Ctrl-C and errors).
// Settings (environment): see bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout as timer } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { kill, listening, Processes, ticks } from './lib/processes.mjs';
import { int } from './lib/settings.mjs';
import { statRow } from './lib/sipp-stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SECONDS = int(env.BENCH_SECONDS, 5, 1, 15);
const RATES = (env.BENCH_RATES ?? '2000,5000,10000,15000,20000,25000,30000').split(',').map((r) => int(r.trim(), 0, 1, 50000));
const TRANSPORTS = (env.BENCH_TRANSPORTS ?? 'udp,tcp').split(',').map((t) => t.trim()).filter((t) => ['udp', 'tcp'].includes(t));
const SERVERS = (env.BENCH_SERVERS ?? 'kamailio,openum').split(',').map((t) => t.trim()).filter((t) => ['kamailio', 'openum'].includes(t));
const TLS = env.BENCH_TLS === '1';
const DEADLINE = Date.now() + int(env.BENCH_MAX_MINUTES, 20, 1, 60) * 60_000; // whole run
const PAUSE_MS = 2000;
const K = { sip: 15070, tls: 15071 };                                 // Kamailio redirect server
const O = { tcp: 25060, tls: 25061 };   // OpenUM Call Router (the UM service keeps 5062/5063, workers 5065-5068)
const SBC = 15090;                                                    // Kamailio SBC (TLS run), UDP; TLS 15091
const EXTENSION = '1000';
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SCENARIO = join(ROOT, 'test', 'fixtures', 'sipp', 'uac-302-bench.xml');
const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const WORK = mkdtempSync(join(tmpdir(), 'openum-bench-'));
const log = (...a) => console.log(...a);

// ---------------------------------------------------------------- processes, by PID only
const procs = new Processes(WORK, log);
const start = (...a) => procs.start(...a);
const stopProc = (p) => procs.stop(p);
const stopAll = () => procs.stopAll();
const logOf = (name, lines) => procs.logOf(name, lines);

async function waitListening(p, socks, ms) {
  const until = Date.now() + ms;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}):\n${logOf(p.name)}`);
    if (socks.every(([proto, port]) => listening(proto, port))) return;
    if (Date.now() > until) throw new Error(`${p.name} not listening on ${socks.map((s) => s.join('/')).join(', ')} after ${ms / 1000} s:\n${logOf(p.name)}`);
    await sleep(200);
  }
}
function busy(socks) {
  return socks.filter(([proto, port]) => listening(proto, port)).map((s) => s.join('/'));
}
function render(src, out, vars) {
  let t = readFileSync(src, 'utf8');
  for (const [k, v] of Object.entries(vars)) t = t.split(`@${k}@`).join(String(v));
  const left = /@[A-Z][A-Z0-9_]*@/.exec(t);
  if (left) throw new Error(`${src}: no value for ${left[0]}`);
  writeFileSync(out, t);
  return out;
}
function must(cmd, args, what, timeoutMs = 60_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, cwd: WORK });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim().slice(-600)}`);
  return r.stdout;
}

// ---------------------------------------------------------------- certificates (throw-away)
function makeCerts() {
  const d = join(WORK, 'certs');
  mkdirSync(d);
  const o = (a) => must('openssl', a, `openssl ${a[0]}`);
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${d}/ca.key`, '-out', `${d}/ca.crt`, '-days', '2', '-subj', '/CN=OpenUM bench CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const [name, cn, san] of [['server', 'um.bench.test', 'DNS:um.bench.test,IP:127.0.0.1'], ['sbc', 'sbc.bench.test', 'DNS:sbc.bench.test']]) {
    writeFileSync(`${d}/${name}.ext`, `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
    o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${d}/${name}.key`, '-out', `${d}/${name}.csr`, '-subj', `/CN=${cn}`]);
    o(['x509', '-req', '-in', `${d}/${name}.csr`, '-CA', `${d}/ca.crt`, '-CAkey', `${d}/ca.key`, '-CAcreateserial', '-days', '2', '-sha256',
      '-extfile', `${d}/${name}.ext`, '-out', `${d}/${name}.crt`]);
  }
  return { ca: `${d}/ca.crt`, server: [`${d}/server.crt`, `${d}/server.key`], sbc: [`${d}/sbc.crt`, `${d}/sbc.key`] };
}

// ---------------------------------------------------------------- Kamailio
async function startKamailio(name, cfg, socks) {
  const dir = dirname(cfg);
  const clash = busy(socks);
  if (clash.length) throw new Error(`ports already in use: ${clash.join(', ')}`);
  must('kamailio', ['-c', '-f', cfg, '-Y', dir], `kamailio -c ${cfg}`, 20_000);
  const p = start(name, 'kamailio', ['-f', cfg, '-DD', '-E', '-Y', dir, '-P', join(dir, 'kamailio.pid')], cfg);
  await waitListening(p, socks, 10_000);
  return p;
}

async function startRedirect(certs) {
  const dir = join(WORK, 'kamailio');
  mkdirSync(dir);
  render(join(ROOT, 'bench', 'kamailio-tls.cfg.in'), join(dir, 'tls.cfg'), { SERVER_CERT: certs.server[0], SERVER_KEY: certs.server[1], CA_FILE: certs.ca });
  const cfg = render(join(ROOT, 'bench', 'kamailio-redirect.cfg.in'), join(dir, 'kamailio.cfg'), { SIP_PORT: K.sip, TLS_PORT: K.tls, WORK_DIR: dir });
  return startKamailio('kamailio', cfg, [['udp', K.sip], ['tcp', K.sip], ['tcp', K.tls]]);
}

async function startSbc(certs, tlsPort) {
  const dir = join(WORK, `sbc-${tlsPort}`);
  mkdirSync(dir);
  const fx = join(ROOT, 'test', 'fixtures', 'kamailio');
  render(join(fx, 'tls.cfg.in'), join(dir, 'tls.cfg'), { CLIENT_CERT: certs.sbc[0], CLIENT_KEY: certs.sbc[1], CA_FILE: certs.ca, VERIFY_SERVER: 'no' });
  const cfg = render(join(fx, 'sbc.cfg.in'), join(dir, 'sbc.cfg'), {
    FOLLOW_DEFINE: '# 3xx relayed to SIPp', DEBUG: 1, CHILDREN: 8, UDP_PORT: SBC, TLS_PORT: SBC + 1, TARGET_HOST: '127.0.0.1',
    TARGET_TLS_PORT: tlsPort, MAX_REDIRECTS: 1, WORK_DIR: dir,
  });
  return startKamailio(`sbc-${tlsPort}`, cfg, [['udp', SBC], ['tcp', SBC + 1]]);
}

// ---------------------------------------------------------------- OpenUM
async function startOpenUm() {
  if (!existsSync(CLI)) {
    log('dist/ missing: running npm run build …');
    must('npm', ['run', 'build'], 'npm run build', 300_000);
  }
  const data = join(WORK, 'openum-data');
  const env2 = { ...process.env, OPENUM_LOG_LEVEL: 'warn' };
  const cli = (args, what) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], { encoding: 'utf8', timeout: 60_000, env: env2 });
    if (r.status !== 0) throw new Error(`openum ${what ?? args.slice(0, 2).join(' ')}: ${(r.stderr || r.stdout || String(r.error ?? r.signal)).trim().slice(-400)}`);
    return r.stdout;
  };
  const help = spawnSync(process.execPath, [CLI, 'start', '--help'], { encoding: 'utf8', timeout: 30_000 });
  if (!/--sip-address/.test(`${help.stdout}${help.stderr}`)) throw new Error("'openum start' has no --sip-address yet (cannot keep SIP on 127.0.0.1)");
  cli(['init', '--fqdn', 'um.bench.test']);
  cli(['dialplan', 'new', 'DP', '--extension-length', '4']);
  cli(['gateway', 'new', 'GW', '--address', '127.0.0.1', '--dial-plan', 'DP']);
  cli(['user', 'new', 'alice', '--extension', EXTENSION, '--dial-plan', 'DP', '--email', 'alice@example.com']);
  cli(['callrouter', 'set', '--sip-tcp-port', String(O.tcp), '--sip-tls-port', String(O.tls), ...(TRANSPORTS.includes('udp') ? ['--udp', 'on'] : [])]);
  const socks = [['tcp', O.tcp], ...(TRANSPORTS.includes('udp') ? [['udp', O.tcp]] : [])];
  const clash = busy(socks);
  if (clash.length) throw new Error(`ports already in use: ${clash.join(', ')}`);
  const p = start('openum', process.execPath, [CLI, 'start', '--data', data, '--admin-address', '127.0.0.1', '--admin-port', '0', '--sip-address', '127.0.0.1'],
    data, { env: env2 });
  await waitListening(p, socks, 30_000);
  return p;
}

// ---------------------------------------------------------------- one bounded SIPp run
const ms = (v) => {
  const m = /^(\d+):(\d+):(\d+):(\d+)$/.exec(v ?? '');
  return m ? ((+m[1] * 60 + +m[2]) * 60 + +m[3]) * 1000 + +m[4] / 1000 : NaN;
};

async function sippStep({ label, port, transport, rate, user, serverPid }) {
  const dir = join(WORK, 'runs', label);
  mkdirSync(dir, { recursive: true });
  const calls = rate * SECONDS;
  const sippTimeout = Math.min(2 * SECONDS + 20, 60);
  const args = [`127.0.0.1:${port}`, '-sf', SCENARIO, '-t', transport === 'udp' ? 'u1' : 't1', '-s', user,
    '-i', '127.0.0.1', '-mi', '127.0.0.1', '-mp', String(30000 + Math.floor(Math.random() * 10000) * 2),
    '-m', String(calls), '-r', String(rate), '-rp', '1000', '-timeout', `${sippTimeout}s`, '-timeout_error', '-nostdin',
    '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1', '-trace_screen', '-screen_file', join(dir, 'screen.log'),
    '-trace_err', '-error_file', join(dir, 'errors.log'), ...(transport === 'udp' ? ['-buff_size', '4194304'] : [])];
  const s0 = ticks(serverPid);
  const w0 = Date.now();
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
  const p = { name: `sipp-${label}`, child, marker: dir };
  procs.started.push(p);
  let sippTicks = 0;
  const sample = setInterval(() => { const t = ticks(child.pid); if (t) sippTicks = t; }, 250);
  let killed = false;
  const hard = timer(() => { killed = true; kill(child.pid, 'SIGKILL'); }, (sippTimeout + 15) * 1000);
  const code = await new Promise((r) => { child.on('error', () => r(-1)); child.on('exit', (c) => r(c ?? -1)); });
  clearTimeout(hard);
  clearInterval(sample);
  procs.started.splice(procs.started.indexOf(p), 1);
  const wall = (Date.now() - w0) / 1000;
  const s1 = ticks(serverPid);
  const st = statRow(join(dir, 'stat.csv'));
  const ok = Number(st['SuccessfulCall(C)'] ?? 0);
  const failed = st['FailedCall(C)'] === undefined ? calls : Number(st['FailedCall(C)']);
  return {
    label, rate, calls, ok, failed: failed + Math.max(0, calls - ok - failed), code, killed, wall,
    retrans: Number(st['Retransmissions(C)'] ?? 0), rttMs: ms(st['ResponseTime1(C)']),
    achieved: ok / wall, serverCpu: ((s1 - s0) / HZ / wall) * 100, sippCpu: (sippTicks / HZ / wall) * 100,
  };
}

// clean: every call successful and the offered rate actually carried (not stretched by retransmissions)
const CLEAN_SHARE = 0.85;
const isClean = (r) => r.failed === 0 && r.ok === r.calls && r.code === 0 && r.achieved >= CLEAN_SHARE * r.rate;

async function ladder(server, transport, port, user, serverPid) {
  const rows = [];
  for (const rate of RATES) {
    if (Date.now() + (2 * SECONDS + 40) * 1000 > DEADLINE) { log(`  (time budget BENCH_MAX_MINUTES reached: ladder stopped before ${rate}/s)`); break; }
    const label = `${server}-${transport}-r${rate}`;
    const r = await sippStep({ label, port, transport, rate, user, serverPid });
    rows.push(r);
    log(`  ${label.padEnd(26)} sent ${String(r.calls).padStart(7)}  ok ${String(r.ok).padStart(7)}  failed ${String(r.failed).padStart(6)}  ` +
      `retrans ${String(r.retrans).padStart(6)}  ${r.achieved.toFixed(0).padStart(6)} calls/s  rtt ${Number.isNaN(r.rttMs) ? '?' : r.rttMs.toFixed(2)} ms  ` +
      `server CPU ${r.serverCpu.toFixed(0)}%  sipp CPU ${r.sippCpu.toFixed(0)}%  ${r.wall.toFixed(1)} s${r.killed ? '  KILLED (hard limit)' : ''}${r.code > 1 ? `  sipp exit ${r.code}` : ''}`);
    if (!isClean(r)) { log(`  -> ${r.failed > 0 || r.ok < r.calls ? 'failed calls' : r.code !== 0 ? `sipp exit ${r.code}` : `saturated (achieved < ${CLEAN_SHARE * 100}% of offered)`}: ladder stops`); break; }
    await sleep(PAUSE_MS);
  }
  const clean = rows.filter(isClean);
  return { rows, best: clean[clean.length - 1] };
}

// ---------------------------------------------------------------- main
async function main() {
  for (const [bin, arg] of [['sipp', '-v'], ['kamailio', '-v'], ['openssl', 'version']]) {
    const r = spawnSync(bin, [arg], { encoding: 'utf8', timeout: 5000 });
    if (r.error || (bin !== 'sipp' && r.status !== 0)) throw new Error(`${bin} is not installed (Debian: apt-get install sip-tester kamailio kamailio-tls-modules openssl)`);
  }
  const sippV = /SIPp v[^\s,]*/.exec(spawnSync('sipp', ['-v'], { encoding: 'utf8' }).stdout ?? '')?.[0] ?? 'SIPp ?';
  const kamV = /kamailio \S+/.exec(spawnSync('kamailio', ['-v'], { encoding: 'utf8' }).stdout ?? '')?.[0] ?? 'kamailio ?';
  log(`OpenUM SIP benchmark: INVITE -> 302 -> ACK, ${SECONDS} s per step, rates ${RATES.join(', ')} calls/s; ${sippV}, ${kamV}, ${readdirSync('/sys/devices/system/cpu').filter((c) => /^cpu\d+$/.test(c)).length} CPUs`);
  log(`work dir (logs, SIPp stats): ${WORK}\n`);
  const certs = makeCerts();
  const servers = {};
  if (SERVERS.includes('kamailio')) {
    try { servers.kamailio = { proc: await startRedirect(certs), port: K.sip, user: 'voicemail' }; } catch (e) { servers.kamailio = { error: e.message }; }
  }
  if (SERVERS.includes('openum')) {
    try { servers.openum = { proc: await startOpenUm(), port: O.tcp, user: EXTENSION }; } catch (e) { servers.openum = { error: e.message }; }
  }
  const results = {};
  for (const [name, s] of Object.entries(servers)) {
    if (!s.proc) { log(`${name}: not available: ${s.error}\n`); continue; }
    for (const t of TRANSPORTS) {
      if (name === 'openum' && t === 'udp' && !listening('udp', O.tcp)) { results[`${name}/${t}`] = { error: 'no UDP listener' }; continue; }
      log(`${name} ${t.toUpperCase()} 127.0.0.1:${s.port} (server PID ${s.proc.child.pid})`);
      try {
        results[`${name}/${t}`] = await ladder(name, t, s.port, s.user, s.proc.child.pid);
      } catch (e) { results[`${name}/${t}`] = { error: e.message }; }
      log('');
    }
  }
  if (TLS && servers.kamailio?.proc) {
    log(`kamailio via SBC: SIPp --UDP--> Kamailio SBC 127.0.0.1:${SBC} --mutual TLS--> Kamailio redirect 127.0.0.1:${K.tls}`);
    let sbc;
    try {
      sbc = await startSbc(certs, K.tls);
      const r = await ladder('kamailio-sbc', 'udp', SBC, 'voicemail', servers.kamailio.proc.child.pid);
      results['kamailio/tls-via-sbc'] = r;
    } catch (e) { results['kamailio/tls-via-sbc'] = { error: e.message }; }
    if (sbc) await stopProc(sbc);
    log('  (OpenUM over TLS via the SBC needs a CA-issued certificate imported into OpenUM: not run by this script)\n');
  }
  await stopAll();

  const cell = (k) => {
    const r = results[k];
    if (!r) return null;
    if (r.error) return { text: `error: ${r.error.split('\n')[0]}` };
    if (!r.best) return { text: `no clean step (lowest rate ${RATES[0]}/s failed)` };
    return { rate: r.best.rate, achieved: r.best.achieved, cpu: r.best.serverCpu, rtt: r.best.rttMs, text: '' };
  };
  log(`Summary: highest offered rate with zero failed calls and >= ${CLEAN_SHARE * 100}% of it achieved (each step RATE x ${SECONDS} s calls)`);
  log('server    transport     clean rate  achieved calls/s  server CPU%  avg RTT ms');
  for (const name of SERVERS) {
    for (const t of [...TRANSPORTS, ...(TLS && name === 'kamailio' ? ['tls-via-sbc'] : [])]) {
      if (!servers[name]?.proc) { log(`${name.padEnd(9)} ${t.padEnd(12)}  not available: ${servers[name]?.error.split('\n')[0] ?? 'not started'}`); continue; }
      const c = cell(`${name}/${t}`);
      if (!c) continue;
      if (c.text) { log(`${name.padEnd(9)} ${t.padEnd(12)}  ${c.text}`); continue; }
      log(`${name.padEnd(9)} ${t.padEnd(12)}  ${String(c.rate).padStart(10)}  ${c.achieved.toFixed(0).padStart(16)}  ${c.cpu.toFixed(0).padStart(11)}  ${c.rtt.toFixed(2).padStart(10)}`);
    }
  }
  for (const t of TRANSPORTS) {
    const k = cell(`kamailio/${t}`);
    const o = cell(`openum/${t}`);
    if (k?.rate && o?.rate) {
      log(`ratio OpenUM/Kamailio ${t.toUpperCase()}: clean rate ${(o.rate / k.rate).toFixed(2)}, achieved calls/s ${(o.achieved / k.achieved).toFixed(2)}, ` +
        `CPU per call ${((o.cpu / o.achieved) / (k.cpu / k.achieved)).toFixed(2)}x`);
    } else log(`ratio OpenUM/Kamailio ${t.toUpperCase()}: n/a (${!k?.rate ? 'Kamailio' : 'OpenUM'} has no clean result)`);
  }
  log(`(a ladder stops at its first step that is not clean; the top rate tried was ${RATES[RATES.length - 1]}/s. ` +
    `Reference: Kamailio ~27,000 calls/s UDP, ~20,000 TCP on a 2-core VM.)`);
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ seconds: SECONDS, rates: RATES, results, errors: Object.fromEntries(Object.entries(servers).map(([k, v]) => [k, v.error ?? null])) }, null, 2));
  log(`details: ${join(WORK, 'results.json')}, logs in ${WORK}`);
}

main().then(() => stopAll()).catch(async (e) => {
  console.error(`bench:sip failed: ${e?.stack ?? e}`);
  await stopAll();
  process.exitCode = 1;
});
