// A full disk named as such. SQLite says SQLITE_FULL, the file system ENOSPC, PostgreSQL SQLSTATE
// 53100 (disk_full); all become DISK_FULL, whose message names the directory and the bytes left, so an operator reads "the
// disk holding /var/lib/openum is full" rather than whatever the failed write led to next.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpenUmError } from '../errors.js';

const FULL_CODES = new Set(['ENOSPC', 'SQLITE_FULL', 'EDQUOT', '53100']);

/** The error, or one of its causes (bounded: a cause chain is short), is a full disk or quota. */
export function isDiskFull(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (FULL_CODES.has(code) || code === 'DISK_FULL')) return true;
    cur = cur.cause;
  }
  return false;
}

/**
 * Below this many free bytes an SQLite I/O error is taken for a full disk: SQLite reports some
 * writes that find no room as I/O errors, not SQLITE_FULL (opening a store in WAL mode on a full
 * disk fails with SQLITE_IOERR_SHMSIZE: its shared-memory file cannot grow).
 */
const NO_ROOM_BYTES = 64 * 1024;

/** isDiskFull, or an SQLite I/O error while the disk holding `dir` has (almost) no room left. */
export function isDiskFullIn(e: unknown, dir: string): boolean {
  if (isDiskFull(e)) return true;
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_IOERR') && (freeBytes(dir) ?? Infinity) < NO_ROOM_BYTES;
}

/** Bytes an unprivileged process may still write on the disk holding `dir` (undefined if unknown). */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export function diskFullError(dir: string, cause?: unknown): OpenUmError {
  const free = freeBytes(dir);
  const room = free === undefined ? '' : ` (${free} bytes free)`;
  return new OpenUmError('DISK_FULL', `the disk holding ${dir} is full${room}: free space, then try again`, {
    ...(cause === undefined ? {} : { cause }),
    cli: ` ('df -h ${dir}' shows it; nothing was changed)`,
    api: ' (nothing was changed)',
  });
}

/**
 * DISK_FULL for a full-disk error that is not one yet; undefined for anything else. The directory
 * is the one given, else the one holding the file the failed write named (Node's fs errors carry
 * `path`).
 */
export function asDiskFull(e: unknown, dir?: string): OpenUmError | undefined {
  if (e instanceof OpenUmError || !isDiskFull(e)) return undefined;
  const path = (e as { path?: unknown }).path;
  return diskFullError(dir ?? (typeof path === 'string' ? dirname(path) : process.cwd()), e);
}

// Reads need no space (WAL mode: a reader writes nothing; the -shm index is memory-mapped and
// already sized), so only writes fail. Writes that are bookkeeping of a read (a token's last use,
// a session's last-seen) go through bestEffort: a read answers even when they cannot be stored;
// changes fail, and the API names the full disk.
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
