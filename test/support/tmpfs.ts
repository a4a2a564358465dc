// A small tmpfs to stand for a disk that fills up: mounted on a fresh directory (root only), filled
// with one file to the last byte, freed by deleting that file. Tests skip, with the reason, where
// mount is not permitted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statfsSync, writeSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  path: string;
  /** Fills the disk with `fill`, to the last byte: every later write gets ENOSPC. */
  fill(): void;
  /** Deletes the filler: the space is back. */
  free(): void;
  freeBytes(): number;
  unmount(): void;
}

/** Why a tmpfs cannot be mounted here (not root, mount refused), or undefined when it can. */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs is Linux only';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = mkdtempSync(join(tmpdir(), 'openum-tmpfs-probe-'));
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return `mount -t tmpfs is not permitted here: ${(r.stderr || r.error?.message || '').trim()}`;
    spawnSync('umount', [probe], { timeout: 10_000 });
    return undefined;
  } finally {
    rmdirSync(probe);
  }
}

export function mountTmpfs(sizeBytes: number): Tmpfs {
  const path = mkdtempSync(join(tmpdir(), 'openum-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', path], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`mount tmpfs on ${path}: ${r.stderr}`);
  const filler = join(path, 'fill');
  const freeBytes = () => {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  };
  return {
    path,
    freeBytes,
    fill() {
      const fd = openSync(filler, 'a');
      const block = Buffer.alloc(1 << 20);
      try {
        // Bounded: a tmpfs of sizeBytes takes at most sizeBytes / 1 MiB blocks, then single pages.
        for (let i = 0; i < sizeBytes / block.length + 4096 && freeBytes() > 0; i++) {
          try {
            writeSync(fd, block, 0, Math.min(block.length, freeBytes()));
          } catch (e) {
            if ((e as { code?: string }).code === 'ENOSPC') break;
            throw e;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      spawnSync('umount', ['-l', path], { timeout: 10_000 });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
