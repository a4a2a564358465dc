// The running server's local control socket (DATA/control.sock, mode 0600): how `openum calls`
// and `openum refusals` read what lives only in the server's memory, as `rndc` or `asterisk -rx`
// do on a Linux server. Whoever can open the data directory can already do anything to the node,
// so the file's permissions are the access control. One JSON line in, one JSON line out.
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LiveStatus } from './live-status.js';

export const CONTROL_SOCKET = 'control.sock';
/** A request is a few bytes; anything longer is not one of ours. */
const MAX_REQUEST = 4096;
const IDLE_MS = 5000;
/** sun_path holds 108 bytes on Linux, with the terminating NUL. */
const MAX_PATH = 107;

export type ControlRequest = { op: 'calls' } | { op: 'refusals'; limit: number };
export type ControlReply = { ok: true; result: unknown } | { ok: false; message: string };

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, CONTROL_SOCKET);
}

/** Whether something accepts connections on the socket file (within a second). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (yes: boolean) => { clearTimeout(timer); socket.destroy(); resolve(yes); };
    const timer = setTimeout(() => done(false), 1000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class ControlSocket {
  readonly #path: string;
  readonly #live: LiveStatus | undefined;
  readonly #log: Logger;
  #server: Server | undefined;

  /** `live` is absent when the server runs without its SIP roles (--no-sip). */
  constructor(dataDir: string, live: LiveStatus | undefined, log: Logger) {
    this.#path = controlSocketPath(dataDir);
    this.#live = live;
    this.#log = log.child({ component: 'control-socket' });
  }

  async start(): Promise<void> {
    if (Buffer.byteLength(this.#path) > MAX_PATH) {
      this.#log.warn({ path: this.#path }, 'the data directory path is too long for a control socket: openum calls and openum refusals will not reach this server');
      return;
    }
    // A socket another server on this data directory answers on is left to it; one left by a
    // server that was killed would make listen fail, so it goes.
    if (await answers(this.#path)) {
      this.#log.warn({ path: this.#path }, 'another server answers on the control socket of this data directory: openum calls and openum refusals reach that one');
      return;
    }
    rmSync(this.#path, { force: true });
    const server = createServer((socket) => this.#serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#path, () => { server.off('error', reject); resolve(); });
    });
    chmodSync(this.#path, 0o600);
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.#path, { force: true });
  }

  #serve(socket: Socket): void {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > MAX_REQUEST) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      void this.#answer(buffered.slice(0, end)).then((reply) => socket.end(JSON.stringify(reply) + '\n'));
    });
  }

  async #answer(line: string): Promise<ControlReply> {
    let request: Partial<ControlRequest> & { limit?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      return { ok: false, message: 'the request is not JSON' };
    }
    const live = this.#live;
    if (!live) return { ok: false, message: 'the server runs without its SIP roles (openum start --no-sip): it carries no calls and refuses none' };
    try {
      if (request.op === 'calls') return { ok: true, result: await live.calls() };
      if (request.op === 'refusals') {
        const limit = typeof request.limit === 'number' && Number.isInteger(request.limit) ? Math.min(Math.max(request.limit, 1), 1000) : 50;
        return { ok: true, result: await live.refusals(limit) };
      }
      return { ok: false, message: `unknown request ${JSON.stringify(String(request.op))}` };
    } catch (err) {
      this.#log.error({ err }, 'control request failed');
      return { ok: false, message: 'the server could not gather the answer; its log has the details' };
    }
  }
}
