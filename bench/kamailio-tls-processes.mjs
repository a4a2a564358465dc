#!/usr/bin/env node
// `node bench/kamailio-tls-processes.mjs`: why the Kamailio configuration that `openum integrate
// sip-server --kind kamailio` prints runs one TCP/TLS worker. Debian 12's Kamailio 5.6 with OpenSSL 3
// shares OpenSSL's state (its error queue, and one SSL_CTX whose RSA blinding is per thread, told
// apart by pthread_self(), which every forked process shares) among all its processes: Kamailio's
// own tls_mod.c says so from 5.8 on, which gives each worker its own SSL_CTX. Two processes in a
// handshake at once then corrupt each other's memory.
//
// For each of four set-ups (RSA or EC key; 4 UDP + 4 TCP workers, or 1 + 1), Kamailio is started
// with one TLS listener and TLS_HANDSHAKES handshakes are made, TLS_PARALLEL at a time; printed:
// handshakes that completed and failed, the shared-memory corruption reports in Kamailio's log
// ("CRITICAL ... BUG") and the workers that died. Bounded: at most 60 s per set-up. Loopback only
// (TLS_ADDRESS). Needs kamailio, kamailio-tls-modules, openssl.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { int } from './lib/settings.mjs';

const HANDSHAKES = int(process.env.TLS_HANDSHAKES, 2000, 10, 100000);
const PARALLEL = int(process.env.TLS_PARALLEL, 6, 1, 64);
const ADDRESS = process.env.TLS_ADDRESS ?? '127.0.144.1';
const WORK = mkdtempSync(join(tmpdir(), 'openum-kamailio-tls-processes-'));

function openssl(args) {
  const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: WORK, timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr.trim().slice(-300)}`);
}

function keyPair(kind) {
  const newkey = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', `${kind}.key`, '-out', `${kind}.crt`, '-days', '2', '-subj', '/CN=kamailio.test']);
  return { crt: join(WORK, `${kind}.crt`), key: join(WORK, `${kind}.key`) };
}

function writeConfig(name, pair, children, port) {
  writeFileSync(join(WORK, `${name}.tls.cfg`), ['[server:default]', 'method = TLSv1.2+', 'verify_certificate = no',
    'require_certificate = no', `certificate = ${pair.crt}`, `private_key = ${pair.key}`, ''].join('\n'));
  writeFileSync(join(WORK, `${name}.cfg`), ['#!KAMAILIO', 'debug=1', 'fork=yes', `children=${children}`, `tcp_children=${children}`,
    'enable_tls=yes', `listen=tls:${ADDRESS}:${port}`, 'loadmodule "sl.so"', 'loadmodule "tls.so"',
    `modparam("tls", "config", "${join(WORK, `${name}.tls.cfg`)}")`, 'request_route { sl_send_reply("200", "OK"); }', ''].join('\n'));
}

function handshake(port) {
  return new Promise((done) => {
    const s = tls.connect({ host: ADDRESS, port, rejectUnauthorized: false }, () => { s.destroy(); done(null); });
    s.setTimeout(5000, () => { s.destroy(); done('timeout'); });
    s.on('error', (e) => done(e.code ?? e.message));
  });
}

async function measure(name, kind, children, port) {
  writeConfig(name, keyPair(kind), children, port);
  const logFile = join(WORK, `${name}.log`);
  const pidFile = join(WORK, `${name}.pid`);
  const out = [];
  const k = spawn('kamailio', ['-f', join(WORK, `${name}.cfg`), '-P', pidFile, '-w', WORK, '-DD', '-E'], { stdio: ['ignore', 'pipe', 'pipe'] });
  k.stdout.on('data', (d) => out.push(d));
  k.stderr.on('data', (d) => out.push(d));
  await sleep(2500);
  const deadline = Date.now() + 60_000;
  let started = 0;
  const failures = {};
  let ok = 0;
  const lane = async () => {
    while (started < HANDSHAKES && Date.now() < deadline) {
      started++;
      const why = await handshake(port);
      if (why === null) ok++;
      else failures[why] = (failures[why] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  k.kill('SIGTERM');
  await Promise.race([new Promise((r) => k.once('exit', r)), sleep(5000)]);
  writeFileSync(logFile, Buffer.concat(out));
  const text = readFileSync(logFile, 'utf8');
  return {
    setUp: `${kind.toUpperCase()} key, ${children} UDP + ${children} TCP workers`,
    handshakes: started, completed: ok, failed: started - ok, failures,
    corruptionReports: (text.match(/CRITICAL: .*BUG/g) ?? []).length,
    workersDied: (text.match(/exited by a signal/g) ?? []).length,
  };
}

const version = spawnSync('kamailio', ['-v'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'kamailio not found';
console.log(`${version}; ${HANDSHAKES} handshakes per set-up, ${PARALLEL} at a time, on ${ADDRESS}`);
try {
  let port = 15180;
  for (const [kind, children] of [['rsa', 4], ['ec', 4], ['rsa', 1], ['ec', 1]]) {
    const r = await measure(`${kind}-${children}`, kind, children, port++);
    console.log(JSON.stringify(r));
  }
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
