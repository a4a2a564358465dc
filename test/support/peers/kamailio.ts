// Real Kamailio for tests: an SBC in front of our server (SIPp --UDP--> Kamailio --mutual TLS-->
// OpenUM), and a stand-in UM server (302 + answering "worker") to validate the harness itself.
// Configs are rendered from test/fixtures/kamailio/*.in into the caller's workDir, checked with
// `kamailio -c`, run in the foreground (-DD -E) with workDir as runtime dir (-Y) and pid file (-P),
// and stopped by PID. 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPids, fixture, pidsWithMarker, portsFree, renderTemplate, stopChild, track, waitForPorts, type Proto } from './proc.js';

export interface KamailioProcess {
  pid: number;
  /** the rendered config */
  cfg: string;
  stop(): Promise<void>;
  /** Kamailio's output so far (stderr log, -E) */
  log(): string;
}

let available: boolean | undefined;
/** True when a `kamailio` binary with the tls module is installed. */
export function kamailioAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('kamailio', ['-v'], { encoding: 'utf8', timeout: 5000 });
    const modules = spawnSync('kamailio', ['-I'], { encoding: 'utf8', timeout: 5000 });
    const dir = /MODULES_DIR\s+(\S+)/.exec(modules.stdout ?? '')?.[1];
    let tls = true;
    if (dir) try { readFileSync(join(dir, 'tls.so')); } catch { tls = false; }
    available = r.status === 0 && /kamailio/.test(r.stdout ?? '') && tls;
  }
  return available;
}

/** Checks cfg with `kamailio -c`, starts it in the background and waits until ports are bound. */
export async function startKamailio(cfg: string, workDir: string, ports: { proto: Proto; port: number }[], what = 'kamailio', defines: Record<string, string | number> = {}): Promise<KamailioProcess> {
  const busy = portsFree(ports);
  if (busy.length) throw new Error(`${what}: port(s) already in use on this host: ${busy.map((p) => `${p.proto}/${p.port}`).join(', ')}`);
  // -A NAME=VALUE: a pre-processor define (a cfg's `#!ifndef NAME` default gives way to it)
  const defineArgs = Object.entries(defines).flatMap(([k, v]) => ['-A', `${k}=${v}`]);
  const check = spawnSync('kamailio', ['-c', '-f', cfg, '-Y', workDir, ...defineArgs], { encoding: 'utf8', timeout: 20_000 });
  if (check.status !== 0) throw new Error(`${what}: kamailio -c ${cfg} failed (${check.status}):\n${check.stdout}${check.stderr}`);
  const logPath = join(workDir, 'kamailio.log');
  const fd = openSync(logPath, 'a');
  const child = spawn('kamailio', ['-f', cfg, '-DD', '-E', '-Y', workDir, '-P', join(workDir, 'kamailio.pid'), ...defineArgs], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${what}: could not start kamailio`);
  track(pid, cfg, () => [...childPids(pid), ...pidsWithMarker(cfg)]);
  const proc: KamailioProcess = {
    pid,
    cfg,
    stop: () => stopChild(child, cfg, 5000, true),
    log: () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } },
  };
  try {
    await waitForPorts(child, ports, 10_000, what);
  } catch (e) {
    await proc.stop();
    throw new Error(`${(e as Error).message}\n${proc.log().split('\n').slice(-30).join('\n')}`, { cause: e });
  }
  return proc;
}

export interface SbcOptions {
  /** UDP port on `listen` that SIPp sends to */
  udpPort: number;
  /** the loopback address the SBC listens on (default 127.0.0.1) */
  listen?: string;
  /** the SBC's own TLS listener (Kamailio needs one to send over TLS); default udpPort + 1 */
  tlsPort?: number;
  /** the UM server: INVITEs go to sip:<user>@host:tlsPort;transport=tls */
  target: { host: string; tlsPort: number; tcpPort?: number };
  /** the certificate the SBC presents as TLS client (mutual TLS) and key, PEM */
  clientCert: string;
  clientKey: string;
  /** CA list for verifying the server (only used when verifyServer) */
  caFile: string;
  /** check the server's certificate against caFile (default false) */
  verifyServer?: boolean;
  workDir: string;
  /** follow 3xx Contacts (uac_redirect) so that one INVITE from SIPp reaches the worker */
  followRedirects: boolean;
  /** redirects followed per call at most (default 4) */
  maxRedirects?: number;
  /** Kamailio debug level (default 2: the per-request xlog lines are in log()) */
  debug?: number;
  /** UDP and TLS worker processes each (default 2; more for load) */
  children?: number;
}

/** Kamailio as the gateway's SBC: UDP in, stateful, record-routing, mutual TLS out. */
export async function startKamailioSbc(o: SbcOptions): Promise<KamailioProcess> {
  mkdirSync(o.workDir, { recursive: true });
  const tlsPort = o.tlsPort ?? o.udpPort + 1;
  const verify = o.verifyServer ? 'yes' : 'no';
  renderTemplate(fixture('kamailio', 'tls.cfg.in'), join(o.workDir, 'tls.cfg'), {
    CLIENT_CERT: o.clientCert, CLIENT_KEY: o.clientKey, CA_FILE: o.caFile, VERIFY_SERVER: verify,
  });
  const cfg = renderTemplate(fixture('kamailio', 'sbc.cfg.in'), join(o.workDir, 'sbc.cfg'), {
    FOLLOW_DEFINE: o.followRedirects ? '#!define FOLLOW_REDIRECTS' : '# (3xx replies are relayed to the caller)',
    DEBUG: o.debug ?? 2,
    // one worker each: Kamailio 5.6 with OpenSSL 3 corrupts memory when two processes do TLS at once
    // (bench/kamailio-tls-processes.mjs)
    CHILDREN: o.children ?? 1,
    UDP_PORT: o.udpPort,
    TLS_PORT: tlsPort,
    LISTEN: o.listen ?? '127.0.0.1',
    TARGET_HOST: o.target.host,
    TARGET_TLS_PORT: o.target.tlsPort,
    MAX_REDIRECTS: o.maxRedirects ?? 4,
    WORK_DIR: o.workDir,
  });
  return startKamailio(cfg, o.workDir, [{ proto: 'udp', port: o.udpPort }, { proto: 'tcp', port: tlsPort }], 'kamailio SBC');
}

export interface TargetOptions {
  /** UDP+TCP port of the redirecting "Call Router" */
  sipPort: number;
  /** mutual-TLS port of the redirecting "Call Router" */
  redirectTlsPort: number;
  /** mutual-TLS port of the answering "worker" (the 302's Contact) */
  workerTlsPort: number;
  serverCert: string;
  serverKey: string;
  /** client certificates must chain to this CA */
  caFile: string;
  workDir: string;
  debug?: number;
}

/** A stand-in UM server (test/fixtures/kamailio/target.cfg.in): 302 to a worker that answers 200 + SDP. */
export async function startKamailioTarget(o: TargetOptions): Promise<KamailioProcess> {
  mkdirSync(o.workDir, { recursive: true });
  renderTemplate(fixture('kamailio', 'target-tls.cfg.in'), join(o.workDir, 'tls.cfg'), {
    SERVER_CERT: o.serverCert, SERVER_KEY: o.serverKey, CA_FILE: o.caFile,
  });
  const cfg = renderTemplate(fixture('kamailio', 'target.cfg.in'), join(o.workDir, 'target.cfg'), {
    DEBUG: o.debug ?? 2, SIP_PORT: o.sipPort, REDIRECT_TLS_PORT: o.redirectTlsPort, WORKER_TLS_PORT: o.workerTlsPort, WORK_DIR: o.workDir,
  });
  return startKamailio(cfg, o.workDir, [
    { proto: 'udp', port: o.sipPort }, { proto: 'tcp', port: o.sipPort },
    { proto: 'tcp', port: o.redirectTlsPort }, { proto: 'tcp', port: o.workerTlsPort },
  ], 'kamailio target');
}
