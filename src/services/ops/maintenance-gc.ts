// A full collection now and then for a process that allocates too little for V8 to run one itself.
//
// V8 runs its next full (mark-compact) collection when the old generation reaches a limit set after
// the last one: the live size times a growing factor, and at least the live size + 8 MB + the young
// generation (heap.cc, MemoryController::CalculateAllocationLimit). Its memory reducer, which
// collects an idle heap, gives up after three rounds until a full collection happens for another
// reason. A Call Router process at a UM server's call rates (tens per second) promotes a few KB per
// call, so it takes more than an hour to reach that limit, and in between its private memory rises
// in a straight line with a flat live heap: in the 20,000-call soak +13 % in 41 minutes, which looks
// like a leak and is not (docs/RELIABILITY.md, "The Call Router's old generation").
//
// So every `everyMs` this looks at how far the old generation (old space: where promoted objects and
// their garbage stay; the young generation comes and goes by itself) has grown past what the last
// full collection left, and when that is at least `garbageBytes` asks V8 for a full collection, as a task
// (`execution: 'async'`, incremental and mostly on V8's helper threads). At high rates V8 collects
// on its own and this adds at most one collection per interval. It needs node's `--expose-gc`
// (child-v8-flags.ts gives it to the Call Router processes); without it, it does nothing.
import { getHeapSpaceStatistics } from 'node:v8';

export interface MaintenanceGcOptions {
  everyMs: number;
  garbageBytes: number;
  /** node's `gc` (with --expose-gc); undefined: nothing is scheduled. */
  gc?: NodeJS.GCFunction;
  /** Bytes used in the old generation (default: V8's old_space). */
  oldUsed?: () => number;
}

export interface MaintenanceGc {
  /** Full collections this has asked for. */
  readonly collections: number;
  stop(): void;
}

/** Starts the check; undefined when node was started without --expose-gc. */
export function startMaintenanceGc(options: MaintenanceGcOptions): MaintenanceGc | undefined {
  const gc = options.gc;
  if (!gc) return undefined;
  const heapUsed = options.oldUsed ?? oldSpaceUsed;
  let floor = heapUsed();
  let collections = 0;
  let running = false;
  const check = (): void => {
    if (running) return;
    const used = heapUsed();
    floor = Math.min(floor, used); // V8 collected by itself since the last check
    if (used - floor < options.garbageBytes) return;
    running = true;
    collections++;
    void gc({ type: 'major', execution: 'async' }).finally(() => {
      running = false;
      floor = heapUsed();
    });
  };
  const timer = setInterval(check, options.everyMs);
  timer.unref();
  return {
    get collections() { return collections; },
    stop: () => clearInterval(timer),
  };
}

function oldSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
}
