// Call media on a thread of its own (media-thread.ts): the worker's event loop keeps SIP, the
// store, the applications and the recordings' file writes; the thread keeps the RTP sockets, the
// 20 ms clock, jitter buffers and SRTP. Each call's media is a RemoteEndpoint here, speaking
// protocol.ts. If the thread dies, every call's media ends (plays resolve false, captures stop,
// end() gives empty statistics) and the next allocation starts a new thread.
import { Worker } from 'node:worker_threads';
import type { NegotiatedMedia } from '../media-channel.js';
import type { MediaEndpoint, MediaHost, MediaLease, RtpRange } from '../media-host.js';
import { RemoteEndpoint } from './remote-endpoint.js';
import type { FromThread, ToThread } from './protocol.js';
import { eachFrame } from './frame-batch.js';
import type { MediaPriority } from './media-priority.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class MediaThreadError extends Error {}

export class ThreadMediaHost implements MediaHost {
  readonly #env: NodeJS.ProcessEnv | undefined;
  readonly #onPriority: ((p: MediaPriority) => void) | undefined;
  /** The scheduling priority the current thread got (media-priority.ts), once it has said. */
  priority: MediaPriority | undefined;
  #worker: Worker | undefined;
  #nextReq = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #endpoints = new Map<number, RemoteEndpoint>();
  /** Threads started, the first included (a thread that died is replaced at the next call). */
  threadsStarted = 0;

  /**
   * `env`: the thread's process.env (default: this one's), e.g. OPENUM_NATIVE_RECV=0 in a test;
   * `onPriority`: told, for each thread started, the scheduling priority it got.
   */
  constructor(options: { env?: NodeJS.ProcessEnv; onPriority?: (p: MediaPriority) => void } = {}) {
    this.#env = options.env;
    this.#onPriority = options.onPriority;
  }

  get calls(): number {
    return this.#endpoints.size;
  }

  async allocate(address: string, range: RtpRange): Promise<MediaLease> {
    const w = this.#thread();
    const { id, port } = await this.#request<{ id: number; port: number }>((req) => ({ t: 'alloc', req, address, range }));
    let opened = false;
    return Object.assign({ port, release: () => { if (!opened && this.#worker === w) this.#send({ t: 'release', id }); } }, {
      open: () => { opened = true; return id; },
    });
  }

  open(lease: MediaLease, media: NegotiatedMedia): MediaEndpoint {
    const id = (lease as MediaLease & { open(): number }).open();
    const endpoint = new RemoteEndpoint(id, lease.port, media.codec, {
      send: (m) => this.#send(m),
      request: <T>(build: (req: number) => ToThread) => this.#request<T>(build),
      forget: () => this.#endpoints.delete(id),
    });
    this.#endpoints.set(id, endpoint);
    this.#send({ t: 'open', id, media });
    return endpoint;
  }

  async stop(): Promise<void> {
    const w = this.#worker;
    if (!w) return;
    await this.#request((req) => ({ t: 'stop', req })).catch(() => undefined);
    this.#worker = undefined;
    await w.terminate();
  }

  /** Ends the thread at once, as a crash would (diagnostics and tests): every call's media ends. */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./media-thread.js', import.meta.url), this.#env ? { env: this.#env } : {});
    this.threadsStarted++;
    w.on('message', (m: FromThread) => this.#receive(m));
    const lost = (why: string) => {
      if (this.#worker !== w) return;
      this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(new MediaThreadError(`the media thread ${why}`));
      this.#pending.clear();
      for (const e of this.#endpoints.values()) e.lost();
      this.#endpoints.clear();
    };
    w.on('error', (e) => lost(`failed: ${e.message}`));
    w.on('exit', (code) => lost(`exited with code ${code}`));
    this.#worker = w;
    return w;
  }

  #send(m: ToThread): void {
    this.#worker?.postMessage(m);
  }

  #request<T>(build: (req: number) => ToThread): Promise<T> {
    const w = this.#worker;
    if (!w) return Promise.reject(new MediaThreadError('the media thread is not running'));
    const req = this.#nextReq++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(req, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage(build(req));
    });
  }

  #settle(req: number, value: unknown): void {
    const p = this.#pending.get(req);
    this.#pending.delete(req);
    p?.resolve(value);
  }

  #receive(m: FromThread): void {
    switch (m.t) {
      case 'alloc': return this.#settle(m.req, { id: m.id, port: m.port });
      case 'failed': {
        const p = this.#pending.get(m.req);
        this.#pending.delete(m.req);
        return p?.reject(new MediaThreadError(m.message));
      }
      case 'played': return this.#endpoints.get(m.id)?.played(m.play, m.completed);
      case 'digit': return this.#endpoints.get(m.id)?.digit(m.digit);
      case 'frames': return this.#frames(m.meta, m.samples);
      case 'stopped': return this.#settle(m.req, m.frames);
      case 'ended': return this.#settle(m.req, m.stats);
      case 'stopped-all': return this.#settle(m.req, undefined);
      case 'priority':
        this.priority = m.priority;
        return this.#onPriority?.(m.priority);
    }
  }

  #frames(meta: Float64Array, samples: Int16Array): void {
    eachFrame({ meta, samples }, (id, cap, kind, ms, frame) => this.#endpoints.get(id)?.frame(cap, frame, kind, ms));
  }
}
