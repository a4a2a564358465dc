// Writes a voice-mail recording to disk as it is recorded, so that a crash keeps the audio
// so far: the 44-byte header goes first with "unknown" sizes (0xFFFFFFFF), samples are appended
// in chunks and fsync'd about every second of audio, and finish() patches the RIFF and data
// sizes. A file left by a crash is made valid again by repairWav(), which sets the sizes from
// the file length (dropping a trailing odd byte, half a sample).
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

function toLittleEndian(samples: Int16Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => out.writeInt16LE(s, i * 2));
  return out;
}

export class WavRecorder {
  readonly path: string;
  readonly sampleRate: number;
  readonly #file: FileHandle;
  readonly #chunkBytes: number;
  readonly #fsyncBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #written = 0; // data bytes on disk
  #synced = 0; // data bytes on disk at the last fsync
  #queue: Promise<void> = Promise.resolve();
  #state: 'open' | 'finished' | 'failed' = 'open';
  #closed = false;

  private constructor(path: string, file: FileHandle, sampleRate: number, options: WavRecorderOptions) {
    this.path = path;
    this.#file = file;
    this.sampleRate = sampleRate;
    this.#chunkBytes = Math.max(2, Math.round(((options.chunkMs ?? 200) * sampleRate) / 1000) * 2);
    this.#fsyncBytes = Math.max(2, Math.round(((options.fsyncMs ?? 1000) * sampleRate) / 1000) * 2);
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
    return ((this.#written + this.#pendingBytes) / 2 / this.sampleRate) * 1000;
  }

  /** Bytes of samples on disk (not counting the header or what is still buffered). */
  get bytesOnDisk(): number {
    return this.#written;
  }

  /** Queues samples (copied); appends to the file when a chunk is full. */
  async write(samples: Int16Array): Promise<void> {
    this.#checkOpen();
    const bytes = Buffer.from(toLittleEndian(samples)); // copy: the caller may reuse its buffer
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= this.#chunkBytes) await this.#enqueue(() => this.#flush(false));
  }

  /** Appends what is buffered and fsyncs. */
  async flush(): Promise<void> {
    this.#checkOpen();
    await this.#enqueue(() => this.#flush(true));
  }

  /** Appends the rest, patches the RIFF and data sizes, fsyncs and closes. */
  async finish(): Promise<RecordingResult> {
    this.#checkOpen();
    try {
      await this.#enqueue(async () => {
        await this.#flush(false);
        await patchSizes(this.#file, 4, 40, WAV_HEADER_LENGTH, this.#written);
        await this.#file.sync();
      });
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
    await this.#queue;
    this.#closed = true;
    await this.#file.close();
  }

  #checkOpen(): void {
    if (this.#state !== 'open') throw new AudioError('RECORDER_CLOSED', `recording ${this.path} is ${this.#state}`);
  }

  // Jobs run one after another; the first failure marks the recording failed (later writes are
  // refused) and reaches the caller whose job failed, never an unhandled rejection.
  #enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(job).catch((err: unknown) => {
      this.#state = 'failed';
      throw err instanceof AudioError ? err : new AudioError('RECORDER_CLOSED', `writing ${this.path} failed`, { cause: err });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #flush(forceSync: boolean): Promise<void> {
    if (this.#pendingBytes > 0) {
      const chunk = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
      await this.#file.write(chunk, 0, chunk.length, WAV_HEADER_LENGTH + this.#written);
      this.#written += chunk.length;
    }
    if (forceSync || this.#written - this.#synced >= this.#fsyncBytes) {
      await this.#file.sync();
      this.#synced = this.#written;
    }
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
