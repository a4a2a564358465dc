// Writes a voice-mail recording to disk as it is recorded, so that a crash keeps the audio
// so far: the 44-byte header goes first with "unknown" sizes (0xFFFFFFFF), samples are appended
// in chunks and fsync'd about every second of audio, and finish() patches the RIFF and data
// sizes. A file left by a crash is made valid again by repairWav(), which sets the sizes from
// the file length (dropping a trailing odd byte, half a sample).
import { fsync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { AudioError } from './audio-error.js';
import { wavHeader, parseWavLayout, WAV_HEADER_LENGTH, UNKNOWN_SIZE } from './wav-header.js';

export { recordingStats, type RecordingStats } from './recording-stats.js';

export interface WavRecorderOptions {
  sampleRate?: number;
  /** Append to the file once this much audio is buffered; 200 ms by default. */
  chunkMs?: number;
  /** fsync after this much audio since the last fsync; 1000 ms by default. */
  fsyncMs?: number;
}

export interface RecordingResult {
  durationMs: number;
  dataBytes: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The samples as little-endian bytes: a view on them where the machine is little-endian. */
function littleEndianBytes(samples: Int16Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => out.writeInt16LE(s, i * 2));
  return out;
}

export class WavRecorder {
  readonly path: string;
  readonly sampleRate: number;
  readonly #file: FileHandle;
  readonly #chunkSamples: number;
  readonly #fsyncBytes: number;
  // Samples are copied into the chunk as they come, with no promise or object per frame (a
  // worker records hundreds of calls, 50 frames a second each); a full chunk goes to the file.
  #chunk: Int16Array;
  #used = 0; // samples in #chunk
  #queued = 0; // data bytes taken out of the chunk, written or not (a failed write)
  #written = 0; // data bytes on disk
  #synced = 0; // data bytes on disk at the last fsync
  #syncing: Promise<void> | undefined; // the fsync under way
  #failure: AudioError | undefined;
  #state: 'open' | 'finished' | 'failed' = 'open';
  #closed = false;

  private constructor(path: string, file: FileHandle, sampleRate: number, options: WavRecorderOptions) {
    this.path = path;
    this.#file = file;
    this.sampleRate = sampleRate;
    this.#chunkSamples = Math.max(1, Math.round(((options.chunkMs ?? 200) * sampleRate) / 1000));
    this.#fsyncBytes = Math.max(2, Math.round(((options.fsyncMs ?? 1000) * sampleRate) / 1000) * 2);
    this.#chunk = new Int16Array(this.#chunkSamples);
  }

  /** Creates (or truncates) the file and writes the header with unknown sizes. */
  static async create(path: string, options: WavRecorderOptions = {}): Promise<WavRecorder> {
    const sampleRate = options.sampleRate ?? 8000;
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
      throw new AudioError('BAD_ARGUMENT', `sample rate ${sampleRate} is not allowed`);
    }
    const file = await open(path, 'w', 0o600); // a caller's message is private: owner only
    try {
      await file.write(wavHeader({ sampleRate, channels: 1, bitsPerSample: 16 }, 'unknown'), 0, WAV_HEADER_LENGTH, 0);
      await file.sync();
    } catch (err) {
      await file.close();
      throw err;
    }
    return new WavRecorder(path, file, sampleRate, options);
  }

  /** Audio accepted so far (written or buffered), in ms. */
  get durationMs(): number {
    return ((this.#queued / 2 + this.#used) / this.sampleRate) * 1000;
  }

  /** Bytes of samples on disk (not counting the header or what is still buffered). */
  get bytesOnDisk(): number {
    return this.#written;
  }

  /**
   * Takes the samples (copied: the caller may reuse its array); a full chunk (200 ms by default)
   * is appended to the file at once. Throws RECORDER_CLOSED once the recording is
   * finished, or failed (an append failed: the disk is full, say).
   */
  write(samples: Int16Array): void {
    this.#checkOpen();
    let from = 0;
    while (from < samples.length) {
      const n = Math.min(samples.length - from, this.#chunkSamples - this.#used);
      this.#chunk.set(n === samples.length ? samples : samples.subarray(from, from + n), this.#used);
      this.#used += n;
      from += n;
      if (this.#used === this.#chunkSamples) this.#ship();
    }
  }

  /** Appends what is buffered and fsyncs. */
  async flush(): Promise<void> {
    this.#checkOpen();
    this.#ship();
    await this.#drained();
    await this.#file.sync();
    this.#synced = this.#written;
  }

  /** Appends the rest, patches the RIFF and data sizes, fsyncs and closes. */
  async finish(): Promise<RecordingResult> {
    this.#checkOpen();
    try {
      this.#ship();
      await this.#drained();
      await patchSizes(this.#file, 4, 40, WAV_HEADER_LENGTH, this.#written);
      await this.#file.sync();
    } catch (err) {
      this.#state = 'failed';
      throw err instanceof AudioError ? err : new AudioError('RECORDER_CLOSED', `finishing ${this.path} failed`, { cause: err });
    } finally {
      if (this.#state === 'open') this.#state = 'finished';
      this.#closed = true;
      await this.#file.close();
    }
    return { durationMs: ((this.#written / 2) / this.sampleRate) * 1000, dataBytes: this.#written };
  }

  /** Closes the file without patching it (as a crash would leave it); for shutdown and tests. */
  async abandon(): Promise<void> {
    if (this.#closed) return;
    if (this.#state === 'open') this.#state = 'finished';
    await this.#drained().catch(() => undefined);
    this.#closed = true;
    await this.#file.close();
  }

  #checkOpen(): void {
    if (this.#state !== 'open') throw new AudioError('RECORDER_CLOSED', `recording ${this.path} is ${this.#state}`);
  }

  /** Appends the chunk's samples to the file (nothing when it is empty); the chunk starts again. */
  #ship(): void {
    if (this.#used === 0 || this.#failure) return;
    const bytes = littleEndianBytes(this.#chunk.subarray(0, this.#used));
    this.#used = 0;
    this.#queued += bytes.length;
    // Synchronous: a 200 ms chunk goes to the page cache in a few µs, without the thread-pool
    // job, request object and callback an asynchronous write costs (measured: a worker appending
    // for 500 calls spent most of its event loop there). Only the fsync waits for the disk, and
    // it runs in the background, at most one at a time.
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(this.#file.fd, bytes, at, bytes.length - at, WAV_HEADER_LENGTH + this.#written + at);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    this.#written += bytes.length;
    if (!this.#syncing && this.#written - this.#synced >= this.#fsyncBytes) this.#syncing = this.#fsync();
  }

  #fsync(): Promise<void> {
    const upTo = this.#written;
    return new Promise<void>((resolve) => {
      fsync(this.#file.fd, (err) => {
        this.#syncing = undefined;
        if (err) this.#fail(err);
        else this.#synced = upTo;
        resolve();
      });
    });
  }

  /** The first failure marks the recording failed: the next write() or finish() says so. */
  #fail(err: Error): void {
    this.#state = 'failed';
    this.#failure ??= new AudioError('RECORDER_CLOSED', `writing ${this.path} failed`, { cause: err });
  }

  /** No fsync is under way; rejects with the failure that stopped the writing. */
  async #drained(): Promise<void> {
    await this.#syncing;
    if (this.#failure) throw this.#failure;
  }
}

async function patchSizes(file: FileHandle, riffAt: number, dataSizeAt: number, dataOffset: number, dataBytes: number): Promise<void> {
  const riff = Buffer.alloc(4);
  riff.writeUInt32LE(Math.min(UNKNOWN_SIZE, dataOffset - 8 + dataBytes));
  const data = Buffer.alloc(4);
  data.writeUInt32LE(Math.min(UNKNOWN_SIZE, dataBytes));
  await file.write(riff, 0, 4, riffAt);
  await file.write(data, 0, 4, dataSizeAt);
}

/**
 * Makes a WAV file left by a crash valid: the data size becomes the file length after the
 * header, rounded down to whole sample frames (a trailing partial frame is cut off), and the
 * RIFF size follows. Works on any PCM WAV whose chunks before "data" fit in the first 4 KiB.
 */
export async function repairWav(path: string): Promise<{ durationMs: number; dataBytes: number }> {
  const file = await open(path, 'r+');
  try {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(Math.min(size, 4096));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const layout = parseWavLayout(head.subarray(0, bytesRead));
    if (size < layout.dataOffset) throw new AudioError('BAD_WAV', `${path} ends inside its header`);
    const frameBytes = (layout.channels * layout.bitsPerSample) / 8;
    const dataBytes = Math.min(UNKNOWN_SIZE - 1, size - layout.dataOffset);
    const whole = dataBytes - (dataBytes % frameBytes);
    if (layout.dataOffset + whole < size) await file.truncate(layout.dataOffset + whole);
    await patchSizes(file, 4, layout.dataSizeOffset, layout.dataOffset, whole);
    await file.sync();
    return { durationMs: (whole / frameBytes / layout.sampleRate) * 1000, dataBytes: whole };
  } finally {
    await file.close();
  }
}
