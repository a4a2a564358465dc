// A greeting upload converted on a worker thread: the main thread (admin API, UM service, Call
// Router's supervisor …) only passes the bytes on, so converting 100 MB of 96 kHz audio does not
// hold up its event loop. Flow control: push() waits while more than MAX_QUEUED bytes are
// posted but not yet converted, so a fast client cannot pile the upload up in the thread's queue.
// A refusal (BAD_AUDIO) comes back as soon as the thread meets it; push() then throws it, so the
// caller stops reading the upload. The thread runs at nice 10: on Linux a thread has its own nice
// value (setpriority(2), "BUGS"), so on a busy machine the main thread's SIP and API work goes first.
import { setPriority } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { OpenUmError, type ErrorCode } from '../../errors.js';
import type { Greeting } from '../../org/user-greetings.js';
import { GreetingDecoder } from './greeting-stream.js';

const MAX_QUEUED = 4 * 1024 * 1024;

type FromThread =
  | { kind: 'converted'; bytes: number }
  | { kind: 'done'; wav: Uint8Array; durationMs: number }
  | { kind: 'failed'; code: ErrorCode | undefined; message: string };

export class GreetingThread {
  readonly #worker: Worker;
  readonly #done: Promise<Greeting>;
  #queued = 0;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  /** `totalBytes`: the upload's size when known (its Content-Length). */
  constructor(totalBytes?: number) {
    this.#worker = new Worker(new URL(import.meta.url), { workerData: { openumGreetingThread: true, totalBytes } });
    this.#done = new Promise<Greeting>((resolve, reject) => {
      this.#worker.on('message', (m: FromThread) => {
        if (m.kind === 'converted') this.#queued -= m.bytes;
        else if (m.kind === 'done') resolve({ wav: Buffer.from(m.wav.buffer, m.wav.byteOffset, m.wav.byteLength), durationMs: m.durationMs });
        else {
          this.#failure = m.code ? new OpenUmError(m.code, m.message) : new Error(m.message);
          reject(this.#failure);
        }
        this.#wake?.();
      });
      this.#worker.once('error', (e) => {
        this.#failure = e;
        reject(e);
        this.#wake?.();
      });
    });
    this.#done.catch(() => undefined); // observed through push() and end()
    this.#worker.unref();
  }

  /** Passes a piece on; waits while the thread is behind; throws the thread's refusal if it made one. */
  async push(chunk: Buffer): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#queued += chunk.length;
    this.#worker.postMessage(chunk);
    while (this.#queued > MAX_QUEUED && !this.#failure) await new Promise<void>((r) => { this.#wake = r; });
    if (this.#failure) throw this.#failure;
  }

  /** The converted greeting, once every piece has been pushed; the thread ends. */
  async end(): Promise<Greeting> {
    this.#worker.postMessage(null);
    try {
      return await this.#done;
    } finally {
      void this.#worker.terminate();
    }
  }

  /** Stops the thread (the upload was refused or the client went away). */
  abort(): void {
    void this.#worker.terminate();
  }
}

// The thread's side: a GreetingDecoder fed with what the main thread posts.
const data = workerData as { openumGreetingThread?: boolean; totalBytes?: number } | undefined;
if (!isMainThread && parentPort && data?.openumGreetingThread) {
  const port = parentPort;
  try {
    setPriority(10);
  } catch { /* not permitted here: the thread runs at the process's priority */ }
  const decoder = new GreetingDecoder(data.totalBytes);
  const fail = (e: unknown) => port.postMessage({ kind: 'failed', code: e instanceof OpenUmError ? e.code : undefined, message: (e as Error).message } satisfies FromThread);
  port.on('message', (m: Uint8Array | null) => {
    try {
      if (m === null) {
        const g = decoder.end();
        port.postMessage({ kind: 'done', wav: g.wav, durationMs: g.durationMs } satisfies FromThread);
        return;
      }
      decoder.push(Buffer.from(m.buffer, m.byteOffset, m.byteLength));
      port.postMessage({ kind: 'converted', bytes: m.byteLength } satisfies FromThread);
    } catch (e) {
      fail(e);
      port.close();
    }
  });
}
