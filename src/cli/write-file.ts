// Writes an output file whole or not at all: a temporary file beside it, then a rename. Files
// with key material are created owner-only (0600) from the start.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OpenUmError } from '../errors.js';

export function writeOutputFile(path: string, data: Buffer, options: { secret: boolean; force: boolean }): void {
  checkOutputFile(path, options);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', options.secret ? 0o600 : 0o644);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof OpenUmError) throw e;
    throw new OpenUmError('FILE_NOT_FOUND', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The checks writeOutputFile makes before writing, for a command to make before it changes the
 * store (a request made, a key export audited) so that a bad --out changes nothing.
 */
export function checkOutputFile(path: string, options: { force: boolean }): void {
  // A directory cannot be replaced by a file, --force or not (the rename would fail with EISDIR).
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new OpenUmError('FILE_NOT_FOUND', `cannot write ${path}: it is a directory; give --out a file name, like ${join(path, 'certificate.pem')}`);
  }
  if (existsSync(path) && !options.force) {
    throw new OpenUmError('FILE_EXISTS', `${path} already exists: choose another --out or add --force to replace it`);
  }
  if (!existsSync(dirname(path) || '.')) {
    throw new OpenUmError('FILE_NOT_FOUND', `cannot write ${path}: the directory ${dirname(path)} does not exist`);
  }
}
