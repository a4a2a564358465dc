// Audio as files under the data directory: DATA/<key>, owner-only. This is where a worker writes
// a recording as it arrives (media/audio/wav-recorder.ts), so spoolPath is the final path and
// commit has nothing to move. Paths are resolved only inside the data directory's audio folders.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkAudioKey, type RecordingAudioStore } from './audio-store.js';

export class FileAudioStore implements RecordingAudioStore {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = resolve(dataDir);
  }

  #path(key: string): string {
    return resolve(this.#dir, checkAudioKey(key));
  }

  async put(key: string, wav: Buffer): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // Write then rename: a reader never sees half a file, a crash never leaves one.
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, wav, { mode: 0o600 });
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  async spoolPath(key: string): Promise<string> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return path;
  }

  async commit(key: string): Promise<void> {
    checkAudioKey(key); // the spooled file is the stored file
  }
}
