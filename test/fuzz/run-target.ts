// Runs one target for a number of inputs from a seed, in batches drawn with fc.sample (batch b
// uses seed + b, so any input is found again from seed, batch and index). Counts crashes (run()
// threw) and hangs (one input took longer than the target's hangMs), keeps the first input of
// each distinct crash signature, and samples memory. Used in-process by fuzz-sample.test.ts and
// inside a worker thread by worker.ts (whose parent also catches inputs that never return).
import fc from 'fast-check';
import { crashSignature, type FuzzTarget } from './target.js';

export const BATCH = 250;
/** Distinct crashes kept per run; later new signatures are counted under one more. */
const MAX_DISTINCT = 40;
const OTHERS = 'more distinct crashes (first input kept)';

export interface Crash {
  target: string;
  signature: string;
  message: string;
  /** target.encode(input), base64. */
  input: string;
  where: { seed: number; batch: number; index: number };
  count: number;
}

export interface RunReport {
  target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  distinct: Crash[];
  ms: number;
  slowestMs: number;
  /** RSS and heap (MB) at start, middle and end, each after a GC when --expose-gc. */
  memory: Array<{ at: string; rssMb: number; heapMb: number }>;
  stats?: Record<string, number>;
}

export interface RunOptions {
  seed: number;
  inputs: number;
  /** Stop early once this much time has passed (ms since the run started). */
  deadlineMs?: number;
  /** First batch to run (a worker restarted after a hang resumes after it). */
  startBatch?: number;
  onBatch?: (batch: number, done: number) => void;
  /** Called before each input, with its batch and index (the worker's hang watchdog). */
  onInput?: (batch: number, index: number) => void;
  onCrash?: (crash: Crash) => void;
  /** false: the caller has called target.setup() and will call teardown(). */
  setUp?: boolean;
}

/** The input at (seed, batch, index), drawn again. */
export function inputAt<T>(target: FuzzTarget<T>, arb: fc.Arbitrary<T>, seed: number, batch: number, index: number): T {
  return fc.sample(arb, { seed: seed + batch, numRuns: index + 1 })[index]!;
}

export function memory(at: string): { at: string; rssMb: number; heapMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { at, rssMb: Math.round(m.rss / 1e5) / 10, heapMb: Math.round(m.heapUsed / 1e5) / 10 };
}

export async function runTarget<T>(target: FuzzTarget<T>, options: RunOptions): Promise<RunReport> {
  if (options.setUp === false) return runInputs(target, options);
  await target.setup?.();
  try {
    return await runInputs(target, options);
  } finally {
    await target.teardown?.();
  }
}

async function runInputs<T>(target: FuzzTarget<T>, options: RunOptions): Promise<RunReport> {
  const arb = target.arbitrary();
  const started = performance.now();
  const report: RunReport = { target: target.name, inputs: 0, crashes: 0, hangs: 0, distinct: [], ms: 0, slowestMs: 0, memory: [memory('start')] };
  const bySignature = new Map<string, Crash>();
  const batches = Math.ceil(options.inputs / BATCH);
  const middle = Math.floor(batches / 2);
  const record = (sig: string, message: string, input: T, batch: number, index: number) => {
    let signature = sig;
    const known = bySignature.get(signature) ?? (bySignature.size >= MAX_DISTINCT ? bySignature.get(OTHERS) : undefined);
    if (known) {
      known.count++;
      return;
    }
    if (bySignature.size === MAX_DISTINCT - 1) signature = OTHERS;
    const crash: Crash = {
      target: target.name, signature, message, count: 1,
      input: target.encode(input).toString('base64'), where: { seed: options.seed, batch, index },
    };
    bySignature.set(signature, crash);
    report.distinct.push(crash);
    options.onCrash?.(crash);
  };
  for (let batch = options.startBatch ?? 0; batch < batches; batch++) {
    if (options.deadlineMs !== undefined && performance.now() - started > options.deadlineMs) break;
    if (batch === middle && batch > 0) report.memory.push(memory('middle'));
    const n = Math.min(BATCH, options.inputs - batch * BATCH);
    const values = fc.sample(arb, { seed: options.seed + batch, numRuns: n });
    for (let index = 0; index < values.length; index++) {
      const input = values[index]!;
      options.onInput?.(batch, index);
      const t0 = performance.now();
      try {
        const r = target.run(input);
        if (r) await r;
      } catch (e) {
        report.crashes++;
        record(crashSignature(e), e instanceof Error ? e.message.slice(0, 500) : String(e), input, batch, index);
      }
      const took = performance.now() - t0;
      if (took > report.slowestMs) report.slowestMs = took;
      if (took > target.hangMs) {
        report.hangs++;
        record(`hang: over ${target.hangMs} ms`, `took ${took.toFixed(0)} ms`, input, batch, index);
      }
      report.inputs++;
    }
    options.onBatch?.(batch, report.inputs);
  }
  report.ms = performance.now() - started;
  report.memory.push(memory('end'));
  const stats = target.stats?.();
  if (stats) report.stats = stats;
  return report;
}
