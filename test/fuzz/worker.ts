// One fuzz target in a worker thread (scripts/fuzz.mjs starts it). Before each input it stores
// the batch and index in shared memory, so the parent can stop a worker stuck in one input (a
// loop that never returns) and name that input; everything else is reported by message.
import { parentPort, workerData } from 'node:worker_threads';
import { runTarget, type Crash, type RunReport } from './run-target.js';
import { targetNamed } from './targets/index.js';

export interface WorkerJob {
  target: string;
  seed: number;
  inputs: number;
  startBatch: number;
  deadlineMs: number;
  /** Int32Array: [batch, index, inputs started]. */
  shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'crash'; crash: Crash }
  | { type: 'progress'; done: number }
  | { type: 'done'; report: RunReport };

const job = workerData as WorkerJob;
const cells = new Int32Array(job.shared);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const report = await runTarget(targetNamed(job.target), {
  seed: job.seed,
  inputs: job.inputs,
  startBatch: job.startBatch,
  deadlineMs: job.deadlineMs,
  onInput: (batch, index) => {
    cells[0] = batch;
    cells[1] = index;
    Atomics.add(cells, 2, 1);
  },
  onBatch: (_batch, done) => post({ type: 'progress', done }),
  onCrash: (crash) => post({ type: 'crash', crash }),
});
post({ type: 'done', report });
