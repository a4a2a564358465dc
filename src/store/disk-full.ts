// A full disk under the store: SQLite answers SQLITE_FULL (its WAL cannot grow), the file system
// ENOSPC, PostgreSQL SQLSTATE 53100 (disk_full). Reads need no space (WAL mode: a reader writes
// nothing; the -shm index is memory-mapped and already sized), so only writes fail. Writes that
// are bookkeeping of a read (a token's last use, a session's last-seen) go through bestEffort:
// a read answers even when they cannot be stored; changes fail, and the API names the full disk.

/** Whether `e`, or an error it was caused by, is a full disk. */
export function isDiskFull(e: unknown): boolean {
  for (let x = e, depth = 0; x && typeof x === 'object' && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') return true;
  }
  return false;
}

let skipped = 0;

/** Bookkeeping writes skipped because they failed (full disk, store busy …) since the process started. */
export const skippedWrites = (): number => skipped;

/** Runs a write that is bookkeeping, not the request's purpose: a failure is counted, not thrown. */
export async function bestEffort(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch {
    skipped++;
  }
}
