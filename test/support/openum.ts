// Drives the real `openum` command (the compiled CLI) in a child process, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from './run.js';

/** dist/src/cli/main.js, found from this compiled file's place in dist/test/support/. */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

export function cli(args: string[], options: { data: string; env?: NodeJS.ProcessEnv; input?: string } ): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args, '--data', options.data], {
    env: { ...process.env, OPENUM_LOG_LEVEL: 'warn', ...options.env },
    input: options.input,
  });
}

/** Runs a CLI command that must succeed and returns its parsed --json output. */
export async function cliJson<T>(args: string[], options: { data: string; env?: NodeJS.ProcessEnv }): Promise<T> {
  const r = await cli([...args, '--json'], options);
  if (r.code !== 0) throw new Error(`openum ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export async function initData(data: string, fqdn = 'um.contoso.com', env?: NodeJS.ProcessEnv): Promise<{ token: string; thumbprint: string }> {
  const r = await cli(['init', '--fqdn', fqdn], { data, env });
  if (r.code !== 0) throw new Error(`openum init failed: ${r.stderr}`);
  return parseInstall(r.stdout);
}

function parseInstall(stdout: string): { token: string; thumbprint: string } {
  const token = /administrator token[^:]*: (oum_\S+)/.exec(stdout)?.[1];
  const thumbprint = /self-signed certificate ([0-9A-F]{40})/.exec(stdout)?.[1];
  if (!token || !thumbprint) throw new Error(`unexpected install output: ${stdout}`);
  return { token, thumbprint };
}

export interface RunningServer {
  process: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `openum start` on an ephemeral loopback admin port and waits until it listens. */
export async function startServer(data: string, options: { env?: NodeJS.ProcessEnv; args?: string[]; storedPort?: boolean; sip?: boolean } = {}): Promise<RunningServer> {
  // Without `sip`, only the admin API runs: the SIP roles' fixed ports are for tests that ask.
  const listen = [...(options.storedPort ? [] : ['--admin-address', '127.0.0.1', '--admin-port', '0']), ...(options.sip ? [] : ['--no-sip'])];
  const child = spawn(process.execPath, [CLI, 'start', '--data', data, ...listen, ...(options.args ?? [])], {
    env: { ...process.env, OPENUM_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    // The SIP roles start worker processes: on a loaded machine they need longer. A server that
    // misses the deadline is killed, or the test process would wait for it forever.
    const limitSec = options.sip ? 60 : 20;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${limitSec} s: ${out}\n${err}`));
    }, limitSec * 1000);
    const check = () => {
      const m = /admin API listening on https:\/\/[^\s]+:(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${out}\n${err}`));
    });
  });
  return {
    process: child,
    port,
    stdout: () => out,
    stderr: () => err,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}

export { parseInstall };

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
