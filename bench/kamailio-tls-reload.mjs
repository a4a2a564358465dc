#!/usr/bin/env node
// `node bench/kamailio-tls-reload.mjs`: the Kamailio side of bench/swaps.mjs. Kamailio (5.6, tls
// module) with one TLS listener; KAM_RELOADS times the certificate and key files named in its
// tls.cfg are replaced by the other of two pairs and `kamcmd tls.reload` is run; after each, fresh
// TLS handshakes are retried until one presents the new certificate (bounded). Every 10 reloads it
// reads Kamailio's shared memory (`kamcmd core.shmmem`: real_used) and the RSS of its processes.
// Reports both at start, after 10 % and at the end. Not a test; everything on KAM_ADDRESS
// (loopback); Kamailio is stopped by its PID. Needs kamailio, kamailio-tls-modules, openssl.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { rssKb } from './lib/openum-site.mjs';
import { family, listening, Processes } from './lib/processes.mjs';
import { int } from './lib/settings.mjs';
import { SipTlsConnection } from './lib/sip-tls.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RELOADS = int(process.env.KAM_RELOADS, 1000, 1, 100000);
const MAX_MINUTES = int(process.env.KAM_MAX_MINUTES, 20, 1, 240);
const ADDRESS = process.env.KAM_ADDRESS ?? '127.0.135.30';
const PORTS = { sip: 15070, tls: 15071 };
const WORK = mkdtempSync(join(tmpdir(), 'openum-kamailio-reload-'));
const log = (...a) => console.log(`${new Date().toISOString().slice(11, 19)} ${a.join(' ')}`);
const procs = new Processes(WORK, log);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, cwd: WORK });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || String(r.error)).trim().slice(-400)}`);
  return r.stdout;
}

function pair(name) {
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=kamailio-${name}.test`]);
  const fp = run('openssl', ['x509', '-in', `${name}.crt`, '-noout', '-fingerprint', '-sha1']);
  return { crt: join(WORK, `${name}.crt`), key: join(WORK, `${name}.key`), thumbprint: fp.split('=')[1].replace(/:/g, '').trim().toUpperCase() };
}

const kamcmd = (...args) => run('kamcmd', ['-s', `unix:${join(WORK, 'ctl.sock')}`, ...args]);
const shmUsed = () => Number(/real_used:\s*(\d+)/.exec(kamcmd('core.shmmem'))?.[1] ?? NaN) / 1048576;

async function main() {
  if (spawnSync('kamcmd', ['-V'], { encoding: 'utf8' }).error) throw new Error('kamcmd is not installed (Debian: apt-get install kamailio kamailio-tls-modules)');
  const deadline = Date.now() + MAX_MINUTES * 60_000;
  const t0 = Date.now();
  log(`Kamailio TLS reload: ${RELOADS} reloads (two certificates in turn) on ${ADDRESS}:${PORTS.tls}; work dir ${WORK}`);
  for (const [proto, port] of [['udp', PORTS.sip], ['tcp', PORTS.tls]]) if (listening(proto, port, ADDRESS)) throw new Error(`${proto} ${ADDRESS}:${port} already in use`);
  const certs = [pair('a'), pair('b')];
  const current = { crt: join(WORK, 'current.crt'), key: join(WORK, 'current.key') };
  const use = (c) => { copyFileSync(c.crt, current.crt); copyFileSync(c.key, current.key); };
  use(certs[0]);
  writeFileSync(join(WORK, 'tls.cfg'), `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n` +
    `certificate = ${current.crt}\nprivate_key = ${current.key}\n\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n`);
  let cfg = readFileSync(join(ROOT, 'bench', 'kamailio-tls-reload.cfg.in'), 'utf8');
  for (const [k, v] of Object.entries({ ADDRESS, SIP_PORT: PORTS.sip, TLS_PORT: PORTS.tls, WORK_DIR: WORK })) cfg = cfg.split(`@${k}@`).join(String(v));
  mkdirSync(join(WORK, 'run'), { recursive: true });
  writeFileSync(join(WORK, 'kamailio.cfg'), cfg);
  run('kamailio', ['-c', '-f', join(WORK, 'kamailio.cfg'), '-Y', join(WORK, 'run')]);
  const k = procs.start('kamailio', 'kamailio', ['-f', join(WORK, 'kamailio.cfg'), '-DD', '-E', '-Y', join(WORK, 'run'), '-P', join(WORK, 'kamailio.pid')], WORK);
  for (let i = 0; i < 100 && !listening('tcp', PORTS.tls, ADDRESS); i++) await sleep(100);
  if (!listening('tcp', PORTS.tls, ADDRESS)) throw new Error(`kamailio did not listen: ${procs.logOf('kamailio')}`);
  await sleep(1000);
  const rssMb = () => family(k.child.pid).reduce((s, pid) => s + rssKb(pid), 0) / 1024;
  const readings = [{ reloads: 0, shm: shmUsed(), rss: rssMb() }];
  log(`start: shared memory used ${readings[0].shm.toFixed(2)} MB, RSS of its processes ${readings[0].rss.toFixed(1)} MB`);
  const seen = { new: 0, old: 0 };
  const problems = [];
  let done = 0;
  for (let i = 1; i <= RELOADS && Date.now() < deadline; i++) {
    const target = certs[i % 2];
    use(target);
    try { kamcmd('tls.reload'); } catch (e) { problems.push(`reload ${i}: ${e.message}`); break; }
    const t = Date.now();
    for (;;) {
      let c;
      try { c = await SipTlsConnection.open(ADDRESS, PORTS.tls, { local: ADDRESS }); } catch (e) { problems.push(`reload ${i}: ${e.message}`); break; }
      const tp = c.thumbprint;
      c.close();
      if (tp === target.thumbprint) { seen.new++; break; }
      seen.old++;
      if (Date.now() - t > 10_000) { problems.push(`reload ${i}: still the old certificate after 10 s`); break; }
      await sleep(50);
    }
    done = i;
    if (i % 10 === 0 || i === RELOADS) readings.push({ reloads: i, shm: shmUsed(), rss: rssMb() });
    if (i % 100 === 0) log(`${i}/${RELOADS} reloads: shared memory used ${readings.at(-1).shm.toFixed(2)} MB, RSS ${readings.at(-1).rss.toFixed(1)} MB`);
    if (problems.length > 10) break;
  }
  await procs.stopAll();
  const at = (n) => readings.reduce((best, r) => (Math.abs(r.reloads - n) < Math.abs(best.reloads - n) ? r : best), readings[0]);
  const tenth = at(Math.ceil(done / 10));
  const end = readings.at(-1);
  log(`reloads ${done}; fresh handshakes new/old certificate ${seen.new}/${seen.old}; problems ${problems.length}`);
  for (const [what, r] of [['start', readings[0]], [`after ${tenth.reloads}`, tenth], [`end (${end.reloads})`, end]]) {
    log(`  ${what.padEnd(14)} shared memory used ${r.shm.toFixed(2)} MB, RSS ${r.rss.toFixed(1)} MB`);
  }
  log(`  growth from ${tenth.reloads} to ${end.reloads} reloads: shared memory +${(end.shm - tenth.shm).toFixed(2)} MB ` +
    `(${(((end.shm - tenth.shm) * 1024) / Math.max(1, end.reloads - tenth.reloads)).toFixed(1)} KB per reload), RSS +${(end.rss - tenth.rss).toFixed(1)} MB`);
  for (const p of problems.slice(0, 5)) log(`  problem: ${p}`);
  log(`duration ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ done, seen, problems, readings }, null, 2));
}

main().then(() => procs.stopAll()).catch(async (e) => {
  console.error(`kamailio-tls-reload failed: ${e?.stack ?? e}`);
  await procs.stopAll();
  process.exitCode = 1;
});
