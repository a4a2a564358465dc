// Waiting for a condition that other events make true (a process exits, calls end), bounded by a
// deadline: what restarts need, where no single event says "all done".
const STEP_MS = 100;

/** Resolves once `done()` holds (true), or at `deadline`, ms since the epoch (false). */
export async function waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(STEP_MS, Math.max(1, deadline - Date.now()))));
  }
  return true;
}
